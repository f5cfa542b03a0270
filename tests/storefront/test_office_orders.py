"""The office's online orders: confirming a bank transfer records the bank's reference."""

from __future__ import annotations

import sqlalchemy as sa

from shop.orders.models import Order
from shop.payments.models import Payment
from tests import factories
from tests.inventory.test_pos_pages import _token, login
from tests.storefront.conftest import Shop
from tests.storefront.support import cart_with, checkout_body


async def _transfer_order(shop: Shop) -> dict:
    cart = await cart_with(shop.client, (shop.world.tea.id, 1))
    body = checkout_body(cart, payment="bank_transfer", pickup="SP-A")
    placed = await shop.client.post("/api/v1/checkout", json=body)
    assert placed.status_code == 201, placed.text
    return placed.json()


async def _reference(shop: Shop, number: str) -> str | None:
    async with shop.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        return await fresh.scalar(
            sa.select(Payment.bank_reference)
            .join(Order, Order.id == Payment.order_id)
            .where(Order.number == number)
        )


async def test_the_office_records_the_bank_reference_of_a_transfer(shop: Shop):
    client = shop.client
    placed = await _transfer_order(shop)
    await login(client, shop.world.admin, lang="en")
    page = await client.get("/office/orders/")
    assert 'name="bank_reference"' in page.text and "data-confirm" in page.text
    action = f"/office/orders/{placed['number']}/transfer-received"
    amount = str(placed["total_vnd"])
    missing = await client.post(action, data={"_csrf_token": _token(page.text), "amount_vnd": amount})
    assert missing.status_code == 422
    assert "reference of the transfer, as on the bank statement" in missing.text
    status = await client.get(f"/api/v1/orders/{placed['number']}", params={"token": placed["token"]})
    assert status.json()["status"] == "awaiting_payment"  # nothing confirmed without it
    confirmed = await client.post(
        action,
        data={"_csrf_token": _token(page.text), "amount_vnd": amount, "bank_reference": " FT26337  0042 "},
    )
    assert confirmed.status_code == 303
    assert await _reference(shop, placed["number"]) == "FT26337 0042"
    recent = await client.get("/office/orders/?view=recent")
    assert "Bank reference: FT26337 0042" in recent.text


async def test_the_api_takes_the_bank_reference_too(shop: Shop):
    placed = await _transfer_order(shop)
    confirmed = await shop.client.post(
        f"/api/v1/orders/{placed['number']}/transfer-received",
        json={"amount_vnd": placed["total_vnd"], "bank_reference": "VCB-889900"},
        headers=shop.admin,
    )
    assert confirmed.status_code == 200, confirmed.text
    assert await _reference(shop, placed["number"]) == "VCB-889900"


async def test_the_office_list_says_where_each_order_is_as_its_customer_reads_it(shop: Shop):
    w, client = shop.world, shop.client
    cart = await cart_with(client, (w.noodles.id, 1))
    body = checkout_body(cart, province=shop.province, commune=shop.commune)
    order = (await client.post("/api/v1/checkout", json=body)).json()
    coop = await factories.bearer(client, w.coop)
    (mine,) = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    base = f"/api/v1/fulfilments/{mine['id']}"
    await client.post(f"{base}/accept", json={}, headers=coop)
    await client.post(f"{base}/pack", headers=coop)
    parcel = {"carrier": "GHN", "tracking_number": "GHN0001"}
    shipped = await client.post(f"{base}/ship", json=parcel, headers=coop)
    assert shipped.status_code == 200, shipped.text
    await login(client, w.admin, lang="en")
    recent = await client.get("/office/orders/?view=recent")
    row = recent.text.split(order["number"], 2)[2].split("</tr>", 1)[0]  # after the link's text
    assert 'data-progress="shipped"' in row and "On its way" in row  # the order itself: "placed"
