"""The cart promises only what checkout can allocate; pickup orders are routed to the sales
point when it holds the goods; bank transfers; and many buyers of a small stock."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa

from shop.catalog import certificates
from shop.catalog.models import Certificate
from shop.catalog.schemas import RevocationIn
from shop.catalog.sellability import today
from shop.inventory.check import check_ledger
from shop.orders.models import Order
from tests.storefront.conftest import Shop
from tests.storefront.support import EN, cart_with, checkout_body, stock

VI = {"Accept-Language": "vi"}


async def test_the_cart_is_limited_by_what_can_be_bought(shop: Shop, session):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.noodles.id, 4))
    view = (await client.get(f"/api/v1/carts/{cart}", headers=EN)).json()
    assert view["item_count"] == 4 and view["subtotal_vnd"] == 200_000
    assert view["lines"][0]["available"] == 10  # the warehouse's, not the shops' stock
    too_many = await client.post(
        f"/api/v1/carts/{cart}/lines", json={"product_id": w.noodles.id, "quantity": 7}, headers=EN
    )
    assert too_many.status_code == 409 and too_many.json()["code"] == "sold_out"
    assert "Only 10" in too_many.json()["detail"]
    in_vietnamese = await client.patch(
        f"/api/v1/carts/{cart}/lines/{w.noodles.id}", json={"quantity": 11}, headers=VI
    )
    assert in_vietnamese.status_code == 409 and "Chỉ còn 10" in in_vietnamese.json()["detail"]
    set_to = await client.patch(f"/api/v1/carts/{cart}/lines/{w.noodles.id}", json={"quantity": 10})
    assert set_to.status_code == 200 and set_to.json()["item_count"] == 10
    bad = await client.post(f"/api/v1/carts/{cart}/lines", json={"product_id": w.noodles.id, "quantity": 0})
    assert bad.status_code == 400 and bad.headers["content-type"].startswith("application/problem+json")
    unknown = await client.get(f"/api/v1/carts/{uuid.uuid4()}", headers=EN)
    assert unknown.status_code == 404 and unknown.json()["code"] == "cart_not_found"
    no_product = await client.post(f"/api/v1/carts/{cart}/lines", json={"product_id": 987654, "quantity": 1})
    assert no_product.status_code == 404 and no_product.json()["code"] == "product_not_found"
    removed = await client.delete(f"/api/v1/carts/{cart}/lines/{w.noodles.id}")
    assert removed.status_code == 200 and removed.json()["lines"] == []

    # Rule 5: a product whose certificate is revoked cannot go into a cart, and a line
    # already there says why and blocks the checkout.
    await client.post(f"/api/v1/carts/{cart}/lines", json={"product_id": w.honey.id, "quantity": 1})
    cert = await session.scalar(sa.select(Certificate).where(Certificate.product_id == w.honey.id))
    await certificates.revoke(session, cert.id, RevocationIn(reason="Kiểm tra không đạt"), today=today())
    await session.commit()
    refused = await client.post(
        f"/api/v1/carts/{cart}/lines", json={"product_id": w.honey.id, "quantity": 1}, headers=EN
    )
    assert refused.status_code == 409 and refused.json()["code"] == "not_sellable"
    line = (await client.get(f"/api/v1/carts/{cart}", headers=EN)).json()["lines"][0]
    assert "certificate" in line["problem"]
    body = checkout_body(cart, province=shop.province, commune=shop.commune)
    blocked = await client.post("/api/v1/checkout", json=body, headers=EN)
    assert blocked.status_code == 409 and blocked.json()["code"] == "not_sellable"


async def test_pickup_is_served_by_the_sales_point_when_it_holds_enough(shop: Shop, database_url):
    client, w = shop.client, shop.world
    near = await client.post(
        "/api/v1/checkout",
        json=checkout_body(await cart_with(client, (w.noodles.id, 2)), pickup="SP-A"),
        headers=EN,
    )
    assert near.status_code == 201, near.text
    assert [f["location"] for f in near.json()["fulfilments"]] == ["Điểm bán A"]
    assert near.json()["shipping_vnd"] == 0 and near.json()["pickup_sales_point"] == "SP-A"
    assert await stock(database_url, w.noodles.id, w.shop.id) == (3, 2)
    far = await client.post(
        "/api/v1/checkout",
        json=checkout_body(await cart_with(client, (w.noodles.id, 5)), pickup="SP-A"),
        headers=EN,
    )
    assert [f["location"] for f in far.json()["fulfilments"]] == ["Kho Tài Hoan"]  # the producer sends it
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 5)


async def test_bad_checkouts_are_refused_field_by_field_and_reserve_nothing(shop: Shop, database_url):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.honey.id, 1))
    body = checkout_body(cart, province=shop.province, commune="99999")
    wrong_commune = await client.post("/api/v1/checkout", json=body, headers=EN)
    assert wrong_commune.status_code == 422
    assert wrong_commune.json()["errors"][0]["field"] == "delivery.address.commune_code"
    bad_email = checkout_body(cart, province=shop.province, commune=shop.commune)
    bad_email["contact"]["email"] = "jane"
    refused = await client.post("/api/v1/checkout", json=bad_email, headers=VI)
    assert (
        refused.status_code == 422
        and refused.json()["errors"][0]["message"] == "Nhập một địa chỉ email hợp lệ."
    )
    no_point = await client.post("/api/v1/checkout", json=checkout_body(cart, pickup="NOWHERE"), headers=EN)
    assert no_point.status_code == 422
    empty = await client.post(
        "/api/v1/checkout", json=checkout_body(await cart_with(client), pickup="SP-A"), headers=EN
    )
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "cart_id"
    assert await stock(database_url, w.honey.id, w.warehouse.id) == (10, 0)
    assert (await client.get(f"/api/v1/carts/{cart}")).json()["ordered"] is False


async def test_a_bank_transfer_shows_its_vietqr_and_the_office_confirms_it(shop: Shop):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.tea.id, 2))
    body = checkout_body(cart, payment="bank_transfer", province=shop.province, commune=shop.commune)
    placed = (await client.post("/api/v1/checkout", json=body, headers=EN)).json()
    assert placed["status"] == "awaiting_payment"
    transfer = placed["transfer"]
    assert transfer["amount_vnd"] == placed["total_vnd"] and transfer["reference"] == placed["number"]
    assert transfer["qr_svg"].startswith("<svg")
    staff = await client.post(
        f"/api/v1/orders/{placed['number']}/transfer-received", json={"amount_vnd": placed["total_vnd"]}
    )
    assert staff.status_code == 401
    confirmed = await client.post(
        f"/api/v1/orders/{placed['number']}/transfer-received",
        json={"amount_vnd": placed["total_vnd"]},
        headers=shop.admin,
    )
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "paid"


async def test_fifty_buyers_of_ten_units_make_exactly_ten_orders(shop: Shop, database, database_url):
    client, w = shop.client, shop.world
    carts = [await cart_with(client, (w.tea.id, 1)) for _ in range(50)]

    async def buy(cart: str):
        return await client.post("/api/v1/checkout", json=checkout_body(cart, pickup="SP-B"), headers=EN)

    answers = await asyncio.gather(*(buy(cart) for cart in carts))
    codes = sorted(a.status_code for a in answers)
    assert codes.count(201) == 10 and codes.count(409) == 40, codes
    sold_out = [a.json() for a in answers if a.status_code == 409]
    assert {p["code"] for p in sold_out} == {"sold_out"}
    assert all("Chè Shan tuyết" in p["detail"] for p in sold_out)
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 10)
    async with database.read_sessions() as s:
        assert await s.scalar(sa.select(sa.func.count(Order.id))) == 10
        assert (await check_ledger(s)).ok


async def test_without_a_stripe_key_card_payment_is_not_offered(shop: Shop, settings):
    import dataclasses

    app = shop.client.app  # type: ignore[attr-defined]
    app.state.settings = dataclasses.replace(settings, stripe_secret_key=None)
    cart = await cart_with(shop.client, (shop.world.honey.id, 1))
    refused = await shop.client.post(
        "/api/v1/checkout", json=checkout_body(cart, payment="card", pickup="SP-A"), headers=EN
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "payment.method"
    page = await shop.client.get("/checkout", cookies={"cart": cart})
    assert 'value="card"' not in page.text and 'value="cod"' in page.text


def seen_statements(seen: list[str]):
    def listener(*args):
        seen.append(args[2])

    return listener


async def test_the_cart_reads_a_fixed_number_of_statements_however_many_lines(shop: Shop, database):
    from sqlalchemy import event

    counts = []
    for lines in (
        [(shop.world.honey.id, 1)],
        [(shop.world.honey.id, 1), (shop.world.tea.id, 2), (shop.world.noodles.id, 1)],
    ):
        cart = await cart_with(shop.client, *lines)
        seen: list[str] = []
        engine = shop.client.app.state.db.engine.sync_engine  # type: ignore[attr-defined]
        listener = seen_statements(seen)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert (await shop.client.get(f"/api/v1/carts/{cart}")).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        counts.append(len(seen))
    assert counts[0] == counts[1] and counts[0] <= 10, counts


async def test_a_double_click_at_the_same_moment_makes_one_order(shop: Shop, database_url):
    cart = await cart_with(shop.client, (shop.world.honey.id, 2))
    body = checkout_body(cart, pickup="SP-B")
    first, second = await asyncio.gather(*(shop.client.post("/api/v1/checkout", json=body) for _ in range(2)))
    assert sorted([first.status_code, second.status_code]) == [200, 201], (first.text, second.text)
    assert first.json()["number"] == second.json()["number"]
    assert await stock(database_url, shop.world.honey.id, shop.world.warehouse.id) == (10, 2)


async def test_two_confirmations_of_an_expired_transfer_hold_the_stock_once(shop: Shop, database_url):
    import datetime as dt

    from shop import jobs
    from shop.db_types import utcnow

    client, w = shop.client, shop.world
    body = checkout_body(await cart_with(client, (w.tea.id, 2)), payment="bank_transfer", pickup="SP-B")
    placed = (await client.post("/api/v1/checkout", json=body)).json()
    app = client.app  # type: ignore[attr-defined]
    done = await jobs.run_due(app.state.db, app.state.settings, now=utcnow() + dt.timedelta(hours=25))
    assert done["reservations expired"] == 1
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 0)
    confirm = {"amount_vnd": placed["total_vnd"]}
    path = f"/api/v1/orders/{placed['number']}/transfer-received"
    answers = await asyncio.gather(*(client.post(path, json=confirm, headers=shop.admin) for _ in range(2)))
    assert [a.status_code for a in answers] == [200, 200]
    assert all(a.json()["status"] == "paid" for a in answers)
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 2)  # re-held once


async def test_an_impossible_product_id_is_refused_not_a_crash(shop: Shop):
    cart = await cart_with(shop.client)
    huge = await shop.client.post(f"/api/v1/carts/{cart}/lines", json={"product_id": 2**40, "quantity": 1})
    assert huge.status_code == 400
    patch = await shop.client.patch(f"/api/v1/carts/{cart}/lines/{2**40}", json={"quantity": 1})
    assert patch.status_code in (400, 404)
