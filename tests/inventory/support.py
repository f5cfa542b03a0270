"""Helpers shared by the stock tests: who is acting, request bodies, and what the ledger holds."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser, TokenKind
from shop.accounts.services import CurrentUser, load_user
from shop.app import create_app
from shop.catalog.sellability import today
from shop.db import Database
from shop.errors import DomainError
from shop.inventory import check
from shop.inventory.models import Movement, StockLevel
from shop.settings import Settings

PROBLEM_JSON = "application/problem+json"


async def acting(session: AsyncSession, username: str) -> CurrentUser:
    """The user as the services see them (role and scope), as after logging in."""
    user_id = await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == username))
    assert user_id is not None, username
    user = await load_user(session, user_id, TokenKind.bearer)
    assert user is not None
    return user


def batch(code: str, *, expires_in: int = 200, produced_ago: int = 10) -> dict[str, str]:
    return {
        "code": code,
        "produced_on": (today() - dt.timedelta(days=produced_ago)).isoformat(),
        "expires_on": (today() + dt.timedelta(days=expires_in)).isoformat(),
    }


def receipt_body(
    product_id: int,
    quantity: int,
    *,
    producer: str = "HTX-TH",
    kind: str = "purchase",
    unit_cost: int | None = 30_000,
    **line: Any,
) -> dict[str, Any]:
    body_line: dict[str, Any] = {"product_id": product_id, "quantity": quantity, **line}
    if unit_cost is not None:
        body_line["unit_cost"] = unit_cost
    return {"kind": kind, "producer_code": producer, "lines": [body_line]}


def convert(data: dict[str, Any], kind: type[Any]) -> Any:
    """A request body as the API decodes it."""
    return msgspec.convert(data, kind)


@dataclass(frozen=True)
class Snapshot:
    """Everything a stock change would touch: each level's figures and the ledger's length."""

    levels: tuple[tuple[int, int, int, int | None], ...]
    movements: int


async def snapshot(db: Database) -> Snapshot:
    async with db.read_sessions() as s:
        rows = await s.execute(
            sa.select(
                StockLevel.id, StockLevel.on_hand, StockLevel.reserved, StockLevel.unit_cost_vnd
            ).order_by(StockLevel.id)
        )
        levels = tuple(tuple(r) for r in rows)
        movements = await s.scalar(sa.select(sa.func.count()).select_from(Movement)) or 0
    return Snapshot(levels, movements)  # type: ignore[arg-type]


async def ledger_report(db: Database) -> check.LedgerReport:
    async with db.read_sessions() as s:
        return await check.check_ledger(s)


async def on_hand(db: Database, location_id: int, product_id: int) -> tuple[int, int]:
    """(on hand, reserved) of a product at a location, all batches and ownerships together."""
    async with db.read_sessions() as s:
        row = (
            await s.execute(
                sa.select(
                    sa.func.coalesce(sa.func.sum(StockLevel.on_hand), 0),
                    sa.func.coalesce(sa.func.sum(StockLevel.reserved), 0),
                ).where(StockLevel.location_id == location_id, StockLevel.product_id == product_id)
            )
        ).one()
    return int(row[0]), int(row[1])


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client to an app of its own: its own engine and connection pool, as a second process."""
    app = create_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


Work = Callable[[AsyncSession], Awaitable[Any]]
# Engines (one connection each) a race runs on: the suite's connection budget (conftest.py).
RACE_CONNECTIONS = 20


async def race(url: str, works: list[Work]) -> list[Any]:
    """Run each piece of work in its own transaction on an engine of its own (as separate app
    processes would, up to ``RACE_CONNECTIONS`` at once; more wait for a free one), all
    released at once.

    Returns what each returned, or the domain error it raised (its transaction rolled back):
    an InsufficientStock, a Conflict…
    """
    start = asyncio.Event()
    count = min(len(works), RACE_CONNECTIONS)
    engines = [Database.connect(url, pool_size=1, max_overflow=0) for _ in range(count)]

    async def one(db: Database, work: Work) -> Any:
        await start.wait()
        async with db.write_sessions() as s:
            try:
                result = await work(s)
            except DomainError as error:
                await s.rollback()
                return error
            await s.commit()
            return result

    try:
        for db in engines:
            async with db.engine.connect():  # the connections are open before the race starts
                pass
        tasks = [asyncio.create_task(one(engines[i % count], work)) for i, work in enumerate(works)]
        await asyncio.sleep(0.05)
        start.set()
        return await asyncio.gather(*tasks)
    finally:
        await asyncio.gather(*(db.dispose() for db in engines))
