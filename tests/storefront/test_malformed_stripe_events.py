"""Signed Stripe events of an unexpected shape never answer 500 (Stripe would retry them for
days): an envelope we cannot read is a logged 400, a malformed object is stored, logged and
acknowledged as ignored, and neither changes an order (issue 15, item 5)."""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx
import pytest

from tests.storefront.conftest import Shop
from tests.storefront.support import EN, cart_with, checkout_body
from tests.stripe_server import FakeStripe, sign

WEBHOOK = "/api/v1/payments/stripe/webhook"


async def _post_signed(client: httpx.AsyncClient, stripe: FakeStripe, payload: bytes) -> httpx.Response:
    headers = {"content-type": "application/json", "stripe-signature": sign(payload, stripe.webhook_secret)}
    return await client.post(WEBHOOK, content=payload, headers=headers)


async def _card_order(shop: Shop) -> dict[str, Any]:
    cart = await cart_with(shop.client, (shop.world.honey.id, 1))
    body = checkout_body(cart, payment="card", province=shop.province, commune=shop.commune)
    placed = await shop.client.post("/api/v1/checkout", json=body, headers=EN)
    assert placed.status_code == 201, placed.text
    return placed.json()


async def _status(shop: Shop, order: dict[str, Any]) -> str:
    tracked = await shop.client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})
    return str(tracked.json()["status"])


ENVELOPES = {
    "an array": [{"id": "evt_1", "type": "checkout.session.completed"}],
    "no id": {"type": "checkout.session.completed", "data": {"object": {}}},
    "no data": {"id": "evt_2", "type": "checkout.session.completed"},
    "an object that is text": {"id": "evt_3", "type": "charge.refunded", "data": {"object": "ch_1"}},
    "an id longer than the column": {"id": "evt_" + "x" * 300, "type": "x", "data": {"object": {}}},
    "a number for an id": {"id": 12, "type": "x", "data": {"object": {}}},
}


@pytest.mark.parametrize("shape", list(ENVELOPES))
async def test_a_signed_envelope_of_another_shape_is_a_logged_400(
    shop: Shop, stripe: FakeStripe, caplog: pytest.LogCaptureFixture, shape: str
):
    with caplog.at_level(logging.WARNING, logger="shop"):
        response = await _post_signed(shop.client, stripe, json.dumps(ENVELOPES[shape]).encode())
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "malformed_event"
    assert any("malformed" in record.getMessage() for record in caplog.records)


async def test_a_signed_body_that_is_not_json_is_a_400(shop: Shop, stripe: FakeStripe):
    response = await _post_signed(shop.client, stripe, b"\xff\xfe not json")
    assert response.status_code == 400, response.text


@pytest.mark.parametrize(
    "changes",
    [
        {"amount_total": "a lot"},
        {"amount_total": 1e30},
        {"metadata": "order 1"},
        {"currency": 704},
        {"last_payment_error": "declined"},
    ],
)
async def test_a_malformed_object_is_acknowledged_logged_and_changes_nothing(
    shop: Shop, stripe: FakeStripe, caplog: pytest.LogCaptureFixture, changes: dict[str, Any]
):
    order = await _card_order(shop)
    paid = json.loads(stripe.pay(order["payment_url"].rsplit("/", 1)[1]).payload)
    paid["data"]["object"].update(changes)
    payload = json.dumps(paid).encode()
    with caplog.at_level(logging.WARNING, logger="shop"):
        response = await _post_signed(shop.client, stripe, payload)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"].startswith("malformed, ignored")
    assert any(paid["id"] in record.getMessage() for record in caplog.records)
    assert await _status(shop, order) == "awaiting_payment"
    again = await _post_signed(shop.client, stripe, payload)
    assert again.status_code == 200 and again.json()["duplicate"] is True
