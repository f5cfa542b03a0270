"""Ten tills come back online at once and sync their queues, each sale sent three times in
random order (a retry after a lost answer, a second tab, a reload): every sale is recorded
exactly once, with one receipt number, and the ledger balances (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.db import Database
from shop.inventory.models import Movement, MovementKind
from shop.till.models import Sale, SaleLine
from tests import factories
from tests.inventory.support import ledger_report
from tests.till.support import Till, cash, line, sale

TILLS, SALES_EACH, COPIES = 10, 5, 3
PRICE = 50_000


async def _cashier(session: AsyncSession, client: httpx.AsyncClient) -> tuple[dict[str, str], int]:
    name = await factories.user(session, Role.staff, location_codes=["SP-A"])
    await session.commit()
    headers = await factories.bearer(client, name)
    shift = await client.post("/api/v1/sales-points/SP-A/shifts", json={"opening_float": 0}, headers=headers)
    assert shift.status_code == 201, shift.text
    return headers, shift.json()["id"]


async def test_ten_tills_syncing_at_once_record_each_sale_once(
    till: Till, session: AsyncSession, database: Database
) -> None:
    rng = random.Random(20261201)
    products = [till.world.noodles.id, till.world.honey.id, till.world.tea.id]
    tills = [await _cashier(session, till.client) for _ in range(TILLS)]
    await session.rollback()
    queues: list[tuple[dict[str, str], list[dict[str, object]]]] = []
    wanted: Counter[int] = Counter()
    for headers, shift_id in tills:
        sales = []
        for _ in range(SALES_EACH):
            chosen = rng.sample(products, rng.randint(1, 2))
            lines = [line(pid, rng.randint(1, 2)) for pid in chosen]
            total = sum(ln["quantity"] * PRICE for ln in lines)
            sales.append(sale(lines, [cash(total)], offline=True, shift_id=shift_id))
            for ln in lines:
                wanted[ln["product_id"]] += ln["quantity"]
        copies = [s for s in sales for _ in range(COPIES)]
        rng.shuffle(copies)
        queues.append((headers, copies))

    async def sync(headers: dict[str, str], copies: list[dict[str, object]]) -> list[tuple[str, int, str]]:
        answers = []
        for body in copies:
            response = await till.client.post("/api/v1/sales-points/SP-A/sales", json=body, headers=headers)
            assert response.status_code in (200, 201), response.text
            answers.append((str(body["id"]), response.status_code, response.json()["number"]))
        return answers

    results = [a for batch in await asyncio.gather(*(sync(h, c) for h, c in queues)) for a in batch]
    created = Counter(sale_id for sale_id, status, _ in results if status == 201)
    assert len(created) == TILLS * SALES_EACH and set(created.values()) == {1}
    numbers: dict[str, set[str]] = {}
    for sale_id, _, number in results:
        numbers.setdefault(sale_id, set()).add(number)
    assert all(len(n) == 1 for n in numbers.values())
    assert len({next(iter(n)) for n in numbers.values()}) == TILLS * SALES_EACH

    async with database.read_sessions() as s:
        assert await s.scalar(sa.select(sa.func.count()).select_from(Sale)) == TILLS * SALES_EACH
        sold = dict(
            (
                await s.execute(
                    sa.select(SaleLine.product_id, sa.func.sum(SaleLine.quantity)).group_by(
                        SaleLine.product_id
                    )
                )
            ).all()
        )
        ledger = dict(
            (
                await s.execute(
                    sa.select(Movement.product_id, -sa.func.sum(Movement.quantity))
                    .where(Movement.kind == MovementKind.sale)
                    .group_by(Movement.product_id)
                )
            ).all()
        )
        unrecorded = await s.scalar(
            sa.select(sa.func.sum(Movement.quantity)).where(Movement.kind == MovementKind.unrecorded_stock)
        )
    assert sold == ledger == dict(wanted)
    # 35 units were in stock; whatever more was sold came in as unrecorded stock, no more.
    assert (unrecorded or 0) == sum(
        max(0, wanted[p] - have) for p, have in zip(products, (20, 10, 5), strict=True)
    )
    assert (await ledger_report(database)).ok
