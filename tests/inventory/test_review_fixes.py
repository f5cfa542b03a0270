"""Races and edge cases found in review: a document changed twice at once, receipts touching
the same levels in other orders, sales made while a count is open, odd digits, and a
cooperative's count of goods that are not its own."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.db import Database
from shop.errors import DomainError
from shop.inventory import access
from shop.inventory.documents import receipts, transfers
from shop.inventory.schemas import ReceiptIn, TransferIn, TransferReceiveIn
from tests import factories
from tests.inventory.support import Work, acting, convert, ledger_report, on_hand, race, receipt_body


async def _receive(db: Database, world: Any, body: dict[str, Any]) -> None:
    async with db.write_sessions() as s:
        user = await acting(s, world.admin)
        location = await access.location(s, user, "SP-A", change=True)
        await receipts.receive(s, user, location, convert(body, ReceiptIn), today=today())
        await s.commit()


async def test_a_transfer_received_twice_at_once_puts_the_goods_in_once(database_url, database, world):
    await _receive(database, world, receipt_body(world.noodles.id, 5))
    async with database.write_sessions() as s:
        user = await acting(s, world.admin)
        data = convert(
            {
                "from_location": "SP-A",
                "to_location": "FAIR-1",
                "send": True,
                "lines": [{"product_id": world.noodles.id, "quantity": 5}],
            },
            TransferIn,
        )
        transfer_id = (await transfers.create(s, user, data, today=today())).id
        await s.commit()

    async def receive(s: AsyncSession) -> str:
        user = await acting(s, world.manager)
        await transfers.receive(s, user, transfer_id, TransferReceiveIn(), today=today())
        return "received"

    results = await race(database_url, [receive, receive])

    assert results.count("received") == 1
    assert [r.status_code for r in results if isinstance(r, DomainError)] == [409]
    assert await on_hand(database, world.fair.id, world.noodles.id) == (5, 0)
    assert (await ledger_report(database)).ok


async def test_receipts_touching_the_same_levels_in_other_orders_both_go_through(
    database_url, database, world
):
    noodles, honey = world.noodles.id, world.honey.id
    first = {
        "kind": "purchase",
        "producer_code": "HTX-TH",
        "lines": [{"product_id": p, "quantity": 1, "unit_cost": 1000} for p in (noodles, honey)],
    }
    await _receive(database, world, first)

    def receipt(order: list[int]) -> Work:
        body = {
            "kind": "purchase",
            "producer_code": "HTX-TH",
            "lines": [{"product_id": p, "quantity": 1, "unit_cost": 1000} for p in order],
        }

        async def work(s: AsyncSession) -> str:
            user = await acting(s, world.admin)
            location = await access.location(s, user, "SP-A", change=True)
            await receipts.receive(s, user, location, convert(body, ReceiptIn), today=today())
            return "ok"

        return work

    for _ in range(5):
        results = await race(database_url, [receipt([honey, noodles, honey]), receipt([noodles, honey])])
        assert results == ["ok", "ok"]
    assert await on_hand(database, world.shop.id, noodles) == (1 + 5 * 2, 0)
    assert await on_hand(database, world.shop.id, honey) == (1 + 5 * 3, 0)
    assert (await ledger_report(database)).ok


async def test_sales_made_after_counting_stay_sold(client: httpx.AsyncClient, world, as_manager):
    body = receipt_body(world.noodles.id, 10)
    assert (
        await client.post("/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=body)
    ).status_code == 201
    count = await client.post(
        "/api/v1/sales-points/SP-A/counts",
        headers=as_manager,
        json={
            "scope": "partial",
            "product_ids": [world.noodles.id],
            "lines": [{"product_id": world.noodles.id, "counted": 10}],
        },
    )
    assert count.status_code == 201, count.text
    sold = {"reason": "lost", "lines": [{"product_id": world.noodles.id, "quantity": 3}]}
    assert (
        await client.post("/api/v1/sales-points/SP-A/write-offs", headers=as_manager, json=sold)
    ).status_code == 201

    posted = await client.post(f"/api/v1/counts/{count.json()['id']}/post", headers=as_manager)

    assert posted.status_code == 200 and posted.json()["adjusted_units"] == 0
    stock = (await client.get("/api/v1/sales-points/SP-A/stock", headers=as_manager)).json()
    assert stock["items"][0]["on_hand"] == 7


async def test_a_search_for_odd_digits_is_not_an_error(client: httpx.AsyncClient, world, as_manager):
    response = await client.get("/api/v1/sales-points/SP-A/stock", params={"q": "²"}, headers=as_manager)
    assert response.status_code == 200 and response.json()["total"] == 0


async def test_a_cooperative_cannot_count_another_producers_goods_into_its_warehouse(
    client: httpx.AsyncClient, world
):
    headers = await factories.bearer(client, world.coop)
    response = await client.post(
        "/api/v1/sales-points/KHO-TH/counts",
        headers=headers,
        json={"scope": "partial", "lines": [{"product_id": world.tea.id, "counted": 50}], "post": True},
    )
    assert response.status_code == 422
    stock = (await client.get("/api/v1/sales-points/KHO-TH/stock", headers=headers)).json()
    assert stock["total"] == 0


async def test_the_latest_consignment_agreement_applies_to_the_whole_level(
    client: httpx.AsyncClient, world, as_manager
):
    lot = {"code": "L1"}
    on_commission = {
        "kind": "consignment",
        "producer_code": "HTX-TH",
        "commission_rate_bp": 2000,
        "lines": [{"product_id": world.noodles.id, "quantity": 4, "batch": lot}],
    }
    at_a_price = {
        "kind": "consignment",
        "producer_code": "HTX-TH",
        "lines": [{"product_id": world.noodles.id, "quantity": 6, "batch": lot, "unit_cost": 45_000}],
    }
    for body in (on_commission, at_a_price):
        response = await client.post("/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=body)
        assert response.status_code == 201, response.text

    stock = (await client.get("/api/v1/sales-points/SP-A/stock", headers=as_manager)).json()
    (level,) = stock["items"][0]["batches"]
    assert (level["on_hand"], level["unit_cost_vnd"], level["commission_bp"]) == (10, 45_000, None)


async def test_a_count_refuses_the_same_found_goods_twice(client: httpx.AsyncClient, world, as_manager):
    line = {"product_id": world.honey.id, "counted": 2, "batch_code": "FOUND"}
    response = await client.post(
        "/api/v1/sales-points/SP-A/counts",
        headers=as_manager,
        json={"scope": "partial", "lines": [line, line]},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines[1]"


async def test_a_return_to_the_producer_hands_back_its_consigned_units_first(
    client: httpx.AsyncClient, world, as_manager
):
    lot = {"code": "L9"}
    for kind, cost in (("purchase", 30_000), ("consignment", 35_000)):
        body = {
            "kind": kind,
            "producer_code": "HTX-TH",
            "lines": [{"product_id": world.noodles.id, "quantity": 5, "batch": lot, "unit_cost": cost}],
        }
        assert (
            await client.post("/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=body)
        ).status_code == 201

    back = {"producer_code": "HTX-TH", "lines": [{"product_id": world.noodles.id, "quantity": 3}]}
    response = await client.post("/api/v1/sales-points/SP-A/producer-returns", headers=as_manager, json=back)

    assert response.status_code == 201, response.text
    stock = (await client.get("/api/v1/sales-points/SP-A/stock", headers=as_manager)).json()
    held = {b["ownership"]: b["on_hand"] for b in stock["items"][0]["batches"]}
    assert held == {"owned": 5, "consigned": 2}
