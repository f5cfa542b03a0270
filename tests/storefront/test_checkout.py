"""Checkout: orders routed and reserved, idempotent, priced by the server, on both databases."""

from __future__ import annotations

from shop.inventory.check import check_ledger
from tests.storefront.conftest import SHIPPING_VND, Shop
from tests.storefront.support import EN, cart_with, checkout_body, deliver_mail, stock


async def test_cash_on_delivery_order_reserves_stock_in_each_producers_warehouse(
    shop: Shop, database, database_url
):
    w, client = shop.world, shop.client
    cart = await cart_with(client, (w.noodles.id, 2), (w.tea.id, 1))
    body = checkout_body(cart, province=shop.province, commune=shop.commune)
    placed = await client.post("/api/v1/checkout", json=body, headers=EN)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["status"] == "placed" and order["payment_method"] == "cod"
    assert order["subtotal_vnd"] == 3 * 50_000 and order["shipping_vnd"] == SHIPPING_VND
    assert order["total_vnd"] == 3 * 50_000 + SHIPPING_VND and order["payment_url"] is None
    assert sorted(f["location"] for f in order["fulfilments"]) == ["Kho Tài Hoan", "Kho Đồng Văn"]
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 2)
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 1)
    assert await stock(database_url, w.noodles.id, w.shop.id) == (3, 0)  # delivery never takes shop stock

    again = await client.post("/api/v1/checkout", json=body, headers=EN)
    assert again.status_code == 200 and again.json()["number"] == order["number"]
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 2)  # reserved once

    changed = dict(body, payment={"method": "bank_transfer"})
    reused = await client.post("/api/v1/checkout", json=changed, headers=EN)
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"
    closed = await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune), headers=EN
    )
    assert closed.status_code == 409 and closed.json()["code"] == "cart_closed"

    tracked = await client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})
    assert tracked.status_code == 200 and [f["status"] for f in tracked.json()["fulfilments"]] == [
        "new",
        "new",
    ]
    wrong = await client.get(f"/api/v1/orders/{order['number']}", params={"token": "guess"})
    assert wrong.status_code == 404
    await deliver_mail(client)
    mails = sorted(shop.mail_dir.glob("*.eml"))
    assert len(mails) == 1 and order["number"] in mails[0].read_text()
    async with database.read_sessions() as s:
        assert (await check_ledger(s)).ok


async def test_a_key_used_again_for_another_cart_is_refused_and_reserves_nothing(shop: Shop, database_url):
    """Only a claimed cart can have an order, so a new order's key is looked up once its cart
    is claimed; a key reused on another, open cart is refused by the order's unique key, the
    whole checkout rolled back."""
    w, client = shop.world, shop.client
    first = checkout_body(
        await cart_with(client, (w.noodles.id, 1)), province=shop.province, commune=shop.commune
    )
    placed = await client.post("/api/v1/checkout", json=first, headers=EN)
    assert placed.status_code == 201, placed.text
    before = await stock(database_url, w.tea.id, shop.other_warehouse.id)

    other_cart = await cart_with(client, (w.tea.id, 1))
    reused = checkout_body(other_cart, province=shop.province, commune=shop.commune)
    reused["idempotency_key"] = first["idempotency_key"]
    refused = await client.post("/api/v1/checkout", json=reused, headers=EN)
    assert refused.status_code == 409 and refused.json()["code"] == "idempotency_key_reused", refused.text
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == before
    cart = await client.get(f"/api/v1/carts/{other_cart}")
    assert cart.json()["ordered"] is False  # still open: it can be ordered with a key of its own
    again = await client.post(
        "/api/v1/checkout",
        json=checkout_body(other_cart, province=shop.province, commune=shop.commune),
        headers=EN,
    )
    assert again.status_code == 201, again.text
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (before[0], before[1] + 1)
