"""Rule 1 under load: many buyers of a small stock, each on a connection of its own.

Every decrement runs in its own transaction on its own engine (as separate app processes
would), all started at once; exactly as many succeed as there are units, the others get a
clear "insufficient stock" answer, and the ledger still adds up.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.db import Database
from shop.inventory import access, reservations
from shop.inventory.documents import receipts, transfers, write_offs
from shop.inventory.documents.models import Transfer
from shop.inventory.models import Batch, Movement, MovementKind, StockLevel
from shop.inventory.schemas import ReceiptIn, TransferIn, TransferReceiveIn, WriteOffIn
from shop.inventory.stock_changes import InsufficientStock
from tests import factories
from tests.inventory.support import (
    Work,
    acting,
    app_client,
    batch,
    convert,
    ledger_report,
    on_hand,
    race,
    receipt_body,
    snapshot,
)

BUYERS = 50
STOCK = 10


async def _stock_up(db: Database, world: Any, product_id: int, quantity: int, code: str = "SP-A") -> None:
    async with db.write_sessions() as s:
        user = await acting(s, world.admin)
        location = await access.location(s, user, code, change=True)
        await receipts.receive(
            s, user, location, convert(receipt_body(product_id, quantity), ReceiptIn), today=today()
        )
        await s.commit()


def _write_off_one(world: Any, product_id: int) -> Work:
    async def work(s: AsyncSession) -> str:
        user = await acting(s, world.staff)
        location = await access.location(s, user, "SP-A", change=True)
        body = convert(
            {"reason": "damaged", "lines": [{"product_id": product_id, "quantity": 1}]}, WriteOffIn
        )
        await write_offs.write_off(s, user, location, body)
        return "ok"

    return work


async def _movements(db: Database, kind: MovementKind) -> int:
    async with db.read_sessions() as s:
        return (
            await s.scalar(sa.select(sa.func.count()).select_from(Movement).where(Movement.kind == kind)) or 0
        )


async def test_fifty_concurrent_decrements_of_ten_units_sell_exactly_ten(database_url, database, world):
    await _stock_up(database, world, world.noodles.id, STOCK)

    results = await race(database_url, [_write_off_one(world, world.noodles.id) for _ in range(BUYERS)])

    refused = [r for r in results if isinstance(r, InsufficientStock)]
    assert results.count("ok") == STOCK
    assert len(refused) == BUYERS - STOCK
    assert all(r.requested == 1 and r.available == 0 for r in refused)
    assert await on_hand(database, world.shop.id, world.noodles.id) == (0, 0)
    assert await _movements(database, MovementKind.write_off) == STOCK
    assert (await ledger_report(database)).ok


async def test_fifty_concurrent_requests_through_two_app_instances_get_ten_successes(
    database_url, database, settings, world
):
    await _stock_up(database, world, world.honey.id, STOCK)
    body = {"reason": "lost", "lines": [{"product_id": world.honey.id, "quantity": 1}]}

    async with app_client(settings) as first, app_client(settings) as second:
        headers = await factories.bearer(first, world.staff)

        async def buy(c: httpx.AsyncClient) -> httpx.Response:
            return await c.post("/api/v1/sales-points/SP-A/write-offs", headers=headers, json=body)

        answers = await asyncio.gather(*(buy(first if i % 2 else second) for i in range(BUYERS)))

    assert sorted(a.status_code for a in answers) == [201] * STOCK + [409] * (BUYERS - STOCK)
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["code"] == "insufficient_stock"
        assert problem["errors"][0]["available"] == 0 and problem["errors"][0]["requested"] == 1
    assert await on_hand(database, world.shop.id, world.honey.id) == (0, 0)
    assert await _movements(database, MovementKind.write_off) == STOCK
    assert (await ledger_report(database)).ok


async def test_concurrent_reservations_never_promise_the_same_unit_twice(database_url, database, world):
    await _stock_up(database, world, world.noodles.id, STOCK)

    def reserve_one(order_id: int) -> Work:
        async def work(s: AsyncSession) -> str:
            one = [(world.noodles.id, 1)]
            names = {world.noodles.id: world.noodles.name}
            await reservations.reserve(s, world.shop.id, one, order_id=order_id, names=names)
            return "held"

        return work

    results = await race(database_url, [reserve_one(n) for n in range(1, BUYERS + 1)])

    assert results.count("held") == STOCK
    assert sum(isinstance(r, InsufficientStock) for r in results) == BUYERS - STOCK
    assert await on_hand(database, world.shop.id, world.noodles.id) == (STOCK, STOCK)
    assert (await ledger_report(database)).ok


async def test_two_receipts_racing_to_record_the_same_new_batch_make_one_batch_and_one_level(
    database_url, database, world
):
    for round_ in range(3):
        code = f"NEW-{round_}"

        def receive(quantity: int, code: str = code) -> Work:
            async def work(s: AsyncSession) -> int:
                user = await acting(s, world.manager)
                location = await access.location(s, user, "SP-A", change=True)
                body = receipt_body(world.noodles.id, quantity, batch=batch(code))
                receipt = await receipts.receive(s, user, location, convert(body, ReceiptIn), today=today())
                return receipt.id

            return work

        results = await race(database_url, [receive(4), receive(6)])

        assert all(isinstance(r, int) for r in results), results
        async with database.read_sessions() as s:
            found = list(await s.scalars(sa.select(Batch).where(Batch.code == code)))
            assert len(found) == 1
            levels = list(await s.scalars(sa.select(StockLevel).where(StockLevel.batch_id == found[0].id)))
        assert [(lv.location_id, lv.on_hand) for lv in levels] == [(world.shop.id, 10)]
    assert (await ledger_report(database)).ok


async def test_two_transfers_arriving_at_once_fill_one_new_stock_level_at_the_fair(
    database_url, database, world
):
    """SP-A and SP-B both send the same batch to the fair, received at the same moment."""
    for code in ("SP-A", "SP-B"):
        async with database.write_sessions() as s:
            user = await acting(s, world.admin)
            location = await access.location(s, user, code, change=True)
            body = receipt_body(world.honey.id, 5, batch=batch("MH-1"))
            await receipts.receive(s, user, location, convert(body, ReceiptIn), today=today())
            data = convert(
                {
                    "from_location": code,
                    "to_location": "FAIR-1",
                    "lines": [{"product_id": world.honey.id, "quantity": 5}],
                    "send": True,
                },
                TransferIn,
            )
            await transfers.create(s, user, data, today=today())
            await s.commit()
    async with database.read_sessions() as s:
        sent = list(await s.scalars(sa.select(Transfer.id).order_by(Transfer.id)))
    before = await snapshot(database)

    def arrive(transfer_id: int) -> Work:
        async def work(s: AsyncSession) -> str:
            user = await acting(s, world.admin)
            await transfers.receive(s, user, transfer_id, TransferReceiveIn(), today=today())
            return "received"

        return work

    results = await race(database_url, [arrive(t) for t in sent])

    assert results == ["received", "received"]
    async with database.read_sessions() as s:
        at_fair = list(await s.scalars(sa.select(StockLevel).where(StockLevel.location_id == world.fair.id)))
    assert [lv.on_hand for lv in at_fair] == [10]
    assert (await snapshot(database)).movements == before.movements + 2
    assert (await ledger_report(database)).ok
