"""The catalog knows where products are in stock: ``?sales_point=`` and the detail's availability."""

from __future__ import annotations

import httpx

from tests.inventory.conftest import World


async def _receive(
    client: httpx.AsyncClient, headers: dict[str, str], product_id: int, quantity: int
) -> None:
    response = await client.post(
        "/api/v1/sales-points/SP-A/receipts",
        headers=headers,
        json={
            "kind": "purchase",
            "producer_code": "HTX-TH",
            "lines": [{"product_id": product_id, "quantity": quantity, "unit_cost": 30_000}],
        },
    )
    assert response.status_code == 201, response.text


async def test_products_in_stock_at_a_sales_point(client: httpx.AsyncClient, world: World, as_manager):
    await _receive(client, as_manager, world.noodles.id, 3)

    listed = (await client.get("/api/v1/products?sales_point=SP-A")).json()
    assert [p["id"] for p in listed["items"]] == [world.noodles.id]
    empty = (await client.get("/api/v1/products?sales_point=SP-B")).json()
    assert empty["total"] == 0


async def test_an_unknown_sales_point_filter_is_a_clear_error(client: httpx.AsyncClient, world: World):
    response = await client.get("/api/v1/products?sales_point=NOWHERE")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "sales_point"


async def test_a_product_page_says_where_it_can_be_bought(
    client: httpx.AsyncClient, world: World, as_manager
):
    await _receive(client, as_manager, world.noodles.id, 4)

    detail = (await client.get(f"/api/v1/products/{world.noodles.id}")).json()
    assert detail["availability"] == [
        {"sales_point": "SP-A", "name": "Điểm bán A", "kind": "sales_point", "available": 4}
    ]
    page = await client.get(f"/products/{world.noodles.slug}?lang=en")
    assert "Điểm bán A" in page.text and "4 units available" in page.text
