"""Card payments through the real Stripe SDK and a local Stripe-compatible server: the
Checkout Session, signed webhooks processed once and in any order, reconciliation, expiry."""

from __future__ import annotations

import dataclasses
import datetime as dt

import httpx

from shop import jobs
from shop.db_types import utcnow
from tests.storefront.conftest import Shop
from tests.storefront.support import EN, cart_with, checkout_body, deliver_mail, post_event, stock
from tests.stripe_server import FakeStripe, sign

VI = {"Accept-Language": "vi"}


async def _card_order(shop: Shop, *lines: tuple[int, int]) -> dict:
    cart = await cart_with(shop.client, *lines)
    body = checkout_body(cart, payment="card", province=shop.province, commune=shop.commune)
    placed = await shop.client.post("/api/v1/checkout", json=body, headers=EN)
    assert placed.status_code == 201, placed.text
    return placed.json() | {"_body": body}


def _session_id(order: dict) -> str:
    return order["payment_url"].rsplit("/", 1)[1]


async def _order(shop: Shop, order: dict) -> dict:
    tracked = await shop.client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})
    assert tracked.status_code == 200, tracked.text
    return tracked.json()


async def test_card_order_is_paid_by_the_signed_webhook_once(shop: Shop, stripe: FakeStripe, database_url):
    w = shop.world
    order = await _card_order(shop, (w.honey.id, 2), (w.tea.id, 1))
    assert order["status"] == "awaiting_payment" and order["payment_url"].startswith(stripe.base_url)
    session = stripe.sessions[_session_id(order)]
    assert session["amount_total"] == order["total_vnd"] and session["currency"] == "vnd"
    assert session["metadata"] == {"order_number": order["number"]}
    keys = [key for method, path, key in stripe.requests if path == "/v1/checkout/sessions"]
    assert f"ocop-checkout-{order['number']}-{order['token'][:10]}" in keys

    # A double click on "place order": the same order, the same Stripe session.
    again = await shop.client.post("/api/v1/checkout", json=order["_body"], headers=EN)
    assert again.status_code == 200 and again.json()["payment_url"] == order["payment_url"]

    event = stripe.pay(_session_id(order))
    forged = await post_event(shop.client, event, signature=sign(event.payload, "whsec_wrong"))
    assert forged.status_code == 400 and forged.json()["code"] == "bad_signature"
    assert (await _order(shop, order))["status"] == "awaiting_payment"  # nothing changed

    first = await post_event(shop.client, event)
    assert first.status_code == 200 and first.json()["outcome"] == "paid"
    replay = await post_event(shop.client, event)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    paid = await _order(shop, order)
    assert paid["status"] == "paid" and paid["paid_vnd"] == order["total_vnd"]
    assert paid["payment_status"] == "succeeded"
    assert [h["kind"] for h in paid["history"]] == ["placed", "paid"]
    assert await stock(database_url, w.honey.id, w.warehouse.id) == (10, 2)  # held until shipped
    await deliver_mail(shop.client)
    subjects = sorted(p.read_text() for p in shop.mail_dir.glob("*.eml"))
    assert len(subjects) == 2 and any("Payment received" in s for s in subjects)


async def test_an_amount_that_does_not_match_flags_the_order_instead_of_paying_it(
    shop: Shop, stripe: FakeStripe
):
    order = await _card_order(shop, (shop.world.honey.id, 1))
    response = await post_event(shop.client, stripe.pay(_session_id(order), amount=1_000))
    assert response.json()["outcome"] == "amount mismatch: flagged"
    tracked = await _order(shop, order)
    assert tracked["status"] == "awaiting_payment" and tracked["payment_status"] == "mismatch"
    # A flagged order waits for the office: the expiry job leaves its stock alone.
    later = utcnow() + dt.timedelta(hours=2)
    done = await jobs.run_due(shop.client.app.state.db, shop.client.app.state.settings, now=later)  # type: ignore[attr-defined]
    assert done["reservations expired"] == 0


async def test_an_unpaid_card_order_expires_once_and_its_stock_goes_back(
    shop: Shop, stripe: FakeStripe, database_url
):
    w = shop.world
    order = await _card_order(shop, (w.noodles.id, 4))
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 4)
    app = shop.client.app  # type: ignore[attr-defined]
    soon = await jobs.run_due(app.state.db, app.state.settings, now=utcnow() + dt.timedelta(minutes=29))
    assert soon["reservations expired"] == 0
    later = utcnow() + dt.timedelta(minutes=31)
    done = await jobs.run_due(app.state.db, app.state.settings, now=later)
    assert done["reservations expired"] == 1 and done["card sessions closed"] == 1
    assert stripe.sessions[_session_id(order)]["status"] == "expired"
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 0)
    assert (await jobs.run_due(app.state.db, app.state.settings, now=later))["reservations expired"] == 0
    # Stripe's own "expired" event arrives afterwards: nothing more is released.
    late = await post_event(shop.client, stripe.last("checkout.session.expired"))
    assert late.status_code == 200 and "nothing to do" in late.json()["outcome"]
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 0)
    assert (await _order(shop, order))["status"] == "expired"


async def test_a_payment_completed_after_expiry_takes_the_stock_again(
    shop: Shop, stripe: FakeStripe, database_url
):
    w = shop.world
    order = await _card_order(shop, (w.tea.id, 3))
    app = shop.client.app  # type: ignore[attr-defined]
    no_expire = dataclasses.replace(app.state.settings, stripe_secret_key=None)  # the session stays open
    await jobs.run_due(app.state.db, no_expire, now=utcnow() + dt.timedelta(minutes=31))
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 0)
    response = await post_event(shop.client, stripe.pay(_session_id(order)))
    assert response.json()["outcome"] == "paid"
    tracked = await _order(shop, order)
    assert tracked["status"] == "paid" and "reserved_again" in [h["kind"] for h in tracked["history"]]
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 3)


async def test_events_out_of_order_and_a_full_refund(shop: Shop, stripe: FakeStripe, database_url):
    w = shop.world
    order = await _card_order(shop, (w.honey.id, 1))
    paid_event = stripe.pay(_session_id(order))
    intent = stripe.sessions[_session_id(order)]["payment_intent"]
    refund = stripe._refund({"payment_intent": intent})  # refunded in Stripe's dashboard
    assert refund["status"] == "succeeded"
    # The refund's event arrives before the payment's.
    early = await post_event(shop.client, stripe.last("charge.refunded"))
    assert early.status_code == 200
    await post_event(shop.client, paid_event)
    tracked = await _order(shop, order)
    assert tracked["status"] == "cancelled"
    assert await stock(database_url, w.honey.id, w.warehouse.id) == (10, 0)


async def test_a_declined_card_is_recorded_and_the_customer_can_pay_again(shop: Shop, stripe: FakeStripe):
    order = await _card_order(shop, (shop.world.honey.id, 1))
    declined = await post_event(shop.client, stripe.decline(_session_id(order)))
    assert declined.json()["outcome"].startswith("payment failed")
    tracked = await _order(shop, order)
    assert tracked["status"] == "awaiting_payment" and tracked["payment_status"] == "failed"
    pay = await shop.client.post(f"/api/v1/orders/{order['number']}/pay", params={"token": order["token"]})
    assert pay.status_code == 200 and pay.json()["payment_url"] == order["payment_url"]


async def test_card_minimum_and_a_stripe_outage_are_clear_and_lose_nothing(shop: Shop, stripe: FakeStripe):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.honey.id, 1))
    small = checkout_body(cart, payment="card", pickup="SP-A")  # pickup: no shipping fee
    shop.client.app.state.settings = dataclasses.replace(  # type: ignore[attr-defined]
        shop.client.app.state.settings,
        stripe_minimum_vnd=60_000,  # type: ignore[attr-defined]
    )
    refused = await client.post("/api/v1/checkout", json=small, headers=VI)
    assert refused.status_code == 422
    assert (
        "60,000" in refused.json()["errors"][0]["message"]
        or "60.000" in refused.json()["errors"][0]["message"]
    )
    assert (await client.get(f"/api/v1/carts/{cart}")).json()["ordered"] is False  # the cart is intact

    shop.client.app.state.settings = dataclasses.replace(  # type: ignore[attr-defined]
        shop.client.app.state.settings,
        stripe_minimum_vnd=15_000,  # type: ignore[attr-defined]
    )
    stripe.fail_next = 10  # Stripe is down (the SDK retries twice, then gives up)
    down = await client.post("/api/v1/checkout", json=small, headers=EN)
    assert down.status_code == 502 and down.json()["code"] == "payment_unavailable"
    number = down.json()["errors"][0]["order"]
    stripe.fail_next = 0
    retried = await client.post("/api/v1/checkout", json=small, headers=EN)
    assert retried.status_code == 200 and retried.json()["number"] == number
    assert retried.json()["payment_url"].startswith(stripe.base_url)


async def test_webhook_without_a_secret_or_with_garbage_changes_nothing(shop: Shop, stripe: FakeStripe):
    garbage = b"not json"
    response = await shop.client.post(
        "/api/v1/payments/stripe/webhook",
        content=garbage,
        headers={
            "content-type": "application/json",
            "stripe-signature": sign(garbage, stripe.webhook_secret),
        },
    )
    assert response.status_code == 400 and response.headers["content-type"].startswith(
        "application/problem+json"
    )
    unsigned = await shop.client.post("/api/v1/payments/stripe/webhook", json={"id": "evt_1"})
    assert unsigned.status_code == 400


async def test_the_in_app_scheduler_releases_an_expired_hold_by_itself(shop: Shop, settings, database_url):
    """The scheduler runs in the app (here every second) without anyone calling a job."""
    import asyncio

    from shop.app import create_app

    quick = dataclasses.replace(settings, jobs_interval=1, card_hold_minutes=0)
    app = create_app(quick)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            order = await _card_order(dataclasses.replace(shop, client=client), (shop.world.honey.id, 1))
            for _ in range(50):
                await asyncio.sleep(0.2)
                tracked = await client.get(
                    f"/api/v1/orders/{order['number']}", params={"token": order["token"]}
                )
                if tracked.json()["status"] == "expired":
                    break
            assert tracked.json()["status"] == "expired"
    assert await stock(database_url, shop.world.honey.id, shop.world.warehouse.id) == (10, 0)
