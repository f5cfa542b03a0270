"""A stock level never overflows its column: a receipt that would take it past the limit is
a 422 naming the lines, and nothing changes (issue 15, item 7)."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from shop.db import Database
from shop.inventory.models import StockLevel
from shop.inventory.stock_changes import MAX_ON_HAND
from tests.inventory.support import receipt_body, snapshot

RECEIPTS = "/api/v1/sales-points/SP-A/receipts"


async def _near_the_limit(client, database: Database, world, headers, *products: int) -> None:
    """Each product's level at SP-A holds MAX_ON_HAND − 5 units."""
    for product_id in products:
        response = await client.post(RECEIPTS, headers=headers, json=receipt_body(product_id, 10))
        assert response.status_code == 201, response.text
    async with database.write_sessions() as s:
        await s.execute(
            sa.update(StockLevel)
            .where(StockLevel.location_id == world.shop.id, StockLevel.product_id.in_(products))
            .values(on_hand=MAX_ON_HAND - 5)
        )
        await s.commit()


async def test_a_receipt_past_the_column_limit_is_a_422_and_changes_nothing(
    client: httpx.AsyncClient, database: Database, world, as_manager
):
    await _near_the_limit(client, database, world, as_manager, world.noodles.id)
    before = await snapshot(database)
    response = await client.post(RECEIPTS, headers=as_manager, json=receipt_body(world.noodles.id, 6))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] == "too_much_stock"
    assert [e["field"] for e in problem["errors"]] == ["lines"]
    assert problem["errors"][0]["product_id"] == world.noodles.id
    assert await snapshot(database) == before
    exactly = await client.post(RECEIPTS, headers=as_manager, json=receipt_body(world.noodles.id, 5))
    assert exactly.status_code == 201, exactly.text


async def test_a_receipt_of_many_lines_past_the_limit_is_refused_whole(
    client: httpx.AsyncClient, database: Database, world, as_manager
):
    """Several lines at once take one statement on PostgreSQL: the limit holds there too."""
    await _near_the_limit(client, database, world, as_manager, world.honey.id)
    before = await snapshot(database)
    body = receipt_body(world.noodles.id, 3)
    body["lines"].append({"product_id": world.honey.id, "quantity": 1_000_000, "unit_cost": 30_000})
    response = await client.post(RECEIPTS, headers=as_manager, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["product_id"] == world.honey.id
    assert await snapshot(database) == before


async def test_a_line_over_a_million_units_is_refused_before_the_ledger(
    client: httpx.AsyncClient, world, as_manager
):
    response = await client.post(RECEIPTS, headers=as_manager, json=receipt_body(world.noodles.id, 1_000_001))
    assert response.status_code in (400, 422), response.text
    assert "quantity" in response.text
