"""Every list under /api/v1 is a page (API.md's ``items``, ``total``, ``page``, ``page_size``):
nothing beyond the 200th row is out of reach, and no client may ask for more than 200 at once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db_types import utcnow
from shop.orders.models import (
    DeliveryMethod,
    Fulfilment,
    FulfilmentStatus,
    Order,
    OrderStatus,
    PaymentMethod,
)
from shop.paging import MAX_PAGE_SIZE
from shop.settlement.models import Statement, StatementStatus
from tests import factories
from tests.inventory.test_pos_pages import login
from tests.storefront.conftest import Shop


def _order(shop: Shop, i: int) -> Order:
    return Order(
        number=f"OCOP-P{i:04d}",
        token=f"{i:043d}",
        idempotency_key=f"pages-{i}",
        request_hash="h" * 64,
        language="vi",
        contact_name="Khách",
        contact_email="khach@example.vn",
        contact_phone="0900000000",
        delivery_method=DeliveryMethod.pickup,
        pickup_location_id=shop.world.shop.id,
        payment_method=PaymentMethod.cod,
        status=OrderStatus.placed,
        subtotal_vnd=0,
        shipping_vnd=0,
        total_vnd=0,
    )


async def _fulfilments(session: AsyncSession, shop: Shop, count: int) -> list[int]:
    """``count`` orders, each with one fulfilment at Tài Hoan's warehouse, in deadline order."""
    orders = [_order(shop, i) for i in range(count)]
    session.add_all(orders)
    await session.flush()
    start = utcnow()
    found = [
        Fulfilment(
            order_id=order.id,
            location_id=shop.world.warehouse.id,
            producer_id=shop.world.maker.id,
            status=FulfilmentStatus.new,
            # Every ten deadlines alike: the id breaks the tie, so no row is on two pages.
            due_at=start + dt.timedelta(minutes=i - i % 10),
        )
        for i, order in enumerate(orders)
    ]
    session.add_all(found)
    await session.commit()
    return [f.id for f in found]


async def test_the_201st_fulfilment_is_on_the_second_page(shop: Shop, session: AsyncSession) -> None:
    made = await _fulfilments(session, shop, 205)
    client, admin = shop.client, shop.admin
    first = (await client.get("/api/v1/fulfilments", params={"page_size": 200}, headers=admin)).json()
    second = (
        await client.get("/api/v1/fulfilments", params={"page_size": 200, "page": 2}, headers=admin)
    ).json()
    assert (first["total"], first["page"], first["page_size"], len(first["items"])) == (205, 1, 200, 200)
    assert (second["total"], second["page"], len(second["items"])) == (205, 2, 5)
    seen = [f["id"] for f in first["items"] + second["items"]]
    assert seen == made  # oldest deadline first, each once
    beyond = (
        await client.get("/api/v1/fulfilments", params={"page": 3, "page_size": 200}, headers=admin)
    ).json()
    assert beyond["items"] == [] and beyond["total"] == 205
    default = (await client.get("/api/v1/fulfilments", headers=admin)).json()
    assert default["page"] == 1 and len(default["items"]) == default["page_size"] == 50


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/fulfilments",
        "/api/v1/producers/HTX-TH/statements",
        "/api/v1/sales-points",
        "/api/v1/sales-points/SP-A/sales",
        "/api/v1/sales-points/SP-A/transfers",
        "/api/v1/users",
        "/api/v1/groups",
    ],
)
async def test_a_page_size_above_the_maximum_is_a_problem_naming_it(shop: Shop, path: str) -> None:
    # The project answers every malformed or out-of-range parameter with a 400 problem
    # (tests/catalog: test_malformed_filters_are_a_400_problem); page_size is no exception.
    for params in ({"page_size": MAX_PAGE_SIZE + 1}, {"page_size": 0}, {"page": 0}):
        response = await shop.client.get(path, params=params, headers=shop.admin)
        assert response.status_code == 400, (path, params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert next(iter(params)) in str(response.json()["errors"])
    ok = await shop.client.get(path, params={"page_size": MAX_PAGE_SIZE}, headers=shop.admin)
    assert ok.status_code == 200 and ok.json()["page_size"] == MAX_PAGE_SIZE


async def test_statements_are_paged_newest_first(shop: Shop, session: AsyncSession) -> None:
    w = shop.world
    for month in (1, 2, 3):
        session.add(
            Statement(
                producer_id=w.maker.id,
                month=dt.date(2025, month, 1),
                status=StatementStatus.draft,
                commission_rate_bp=1000,
            )
        )
    await session.commit()
    coop = await factories.bearer(shop.client, w.coop)
    path = "/api/v1/producers/HTX-TH/statements"
    first = (await shop.client.get(path, params={"page_size": 2}, headers=coop)).json()
    second = (await shop.client.get(path, params={"page_size": 2, "page": 2}, headers=coop)).json()
    assert first["total"] == second["total"] == 3
    months = [s["month"] for s in first["items"] + second["items"]]
    assert months == ["2025-03", "2025-02", "2025-01"]


async def test_sales_points_are_paged_with_their_total(shop: Shop) -> None:
    everything = (await shop.client.get("/api/v1/sales-points")).json()
    total = everything["total"]
    assert total == len(everything["items"]) >= 2
    pages = [
        (await shop.client.get("/api/v1/sales-points", params={"page_size": 1, "page": p})).json()
        for p in range(1, total + 1)
    ]
    assert all(page["total"] == total and len(page["items"]) == 1 for page in pages)
    assert [page["items"][0]["code"] for page in pages] == [s["code"] for s in everything["items"]]


async def test_a_busy_cooperative_pages_through_its_queue_on_the_portal(
    shop: Shop, session: AsyncSession
) -> None:
    made = await _fulfilments(session, shop, 55)
    client = shop.client
    await login(client, shop.world.coop, lang="en")
    first = await client.get("/coop/")
    assert first.status_code == 200
    assert first.text.count('data-fulfilment="') == 50
    assert "Page 1 of 2" in first.text and "?status=new&page=2" in first.text
    second = await client.get("/coop/", params={"status": "new", "page": 2})
    shown = [int(part.split('"')[0]) for part in second.text.split('data-fulfilment="')[1:]]
    assert shown == made[50:]  # the last five, none lost beyond the first screen
    assert "Page 2 of 2" in second.text
