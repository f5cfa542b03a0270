"""Fulfilments: each location sees and acts on its own part; only allowed transitions;
rejected or cancelled lines give stock and money back; shipping commits the stock; SLA."""

from __future__ import annotations

import datetime as dt

from shop import jobs
from shop.db_types import utcnow
from shop.orders import office
from tests import factories
from tests.storefront.conftest import SHIPPING_VND, Shop
from tests.storefront.support import EN, cart_with, checkout_body, post_event, stock
from tests.stripe_server import FakeStripe


async def _paid_pickup_order(shop: Shop, stripe: FakeStripe) -> dict:
    w = shop.world
    cart = await cart_with(shop.client, (w.noodles.id, 2), (w.honey.id, 1), (w.tea.id, 1))
    placed = await shop.client.post(
        "/api/v1/checkout", json=checkout_body(cart, payment="card", pickup="SP-A"), headers=EN
    )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    event = stripe.pay(order["payment_url"].rsplit("/", 1)[1])
    assert (await post_event(shop.client, event)).json()["outcome"] == "paid"
    return order


async def test_three_fulfilments_each_seen_only_by_its_holder_and_a_rejection_refunded(
    shop: Shop, stripe: FakeStripe, database_url
):
    w, client = shop.world, shop.client
    order = await _paid_pickup_order(shop, stripe)
    assert sorted(f["location"] for f in order["fulfilments"]) == [
        "Kho Tài Hoan",
        "Kho Đồng Văn",
        "Điểm bán A",
    ]
    coop = await factories.bearer(client, w.coop)  # Tài Hoan's cooperative
    queue = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    assert [(f["location"], f["location_name"], [ln["name"] for ln in f["lines"]]) for f in queue] == [
        ("KHO-TH", "Kho Tài Hoan", ["Mật ong bạc hà"])
    ]
    others = {f["id"] for f in order["fulfilments"]} - {queue[0]["id"]}
    for other in others:
        assert (await client.get(f"/api/v1/fulfilments/{other}", headers=coop)).status_code == 404
        refused = await client.post(f"/api/v1/fulfilments/{other}/accept", json={}, headers=coop)
        assert refused.status_code == 404

    mine = queue[0]
    honey_line = mine["lines"][0]["id"]
    rejected = await client.post(
        f"/api/v1/fulfilments/{mine['id']}/accept",
        json={"rejected": [{"line_id": honey_line, "reason": "Hết mật vụ này"}]},
        headers=coop,
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert await stock(database_url, w.honey.id, w.warehouse.id) == (10, 0)  # its hold is released
    app = client.app  # type: ignore[attr-defined]
    await jobs.run_due(app.state.db, app.state.settings)  # sends what the background task may not have yet
    refunds = [r for r in stripe.refunds if r["amount"] == 50_000]
    assert len(refunds) == 1
    keys = [key for method, path, key in stripe.requests if path == "/v1/refunds"]
    assert any(key.startswith("ocop-refund-pi_") and key.endswith(f"-line:{honey_line}") for key in keys)
    await jobs.run_due(app.state.db, app.state.settings)
    assert len([r for r in stripe.refunds if r["amount"] == 50_000]) == 1  # never twice

    again = await client.post(
        f"/api/v1/fulfilments/{mine['id']}/ship",
        json={"carrier": "VNPost", "tracking_number": "EE123"},
        headers=coop,
    )
    assert again.status_code == 409 and again.json()["code"] == "illegal_transition"
    assert again.json()["errors"][0]["allowed"] == []
    tracked = (await client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})).json()
    assert sorted(f["status"] for f in tracked["fulfilments"]) == ["new", "new", "rejected"]


async def test_cash_on_delivery_from_accepted_to_delivered(shop: Shop, database_url):
    w, client = shop.world, shop.client
    cart = await cart_with(client, (w.noodles.id, 2))
    body = checkout_body(cart, province=shop.province, commune=shop.commune)
    order = (await client.post("/api/v1/checkout", json=body)).json()
    coop = await factories.bearer(client, w.coop)
    (mine,) = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    assert mine["amount_to_collect_vnd"] == 100_000 + SHIPPING_VND
    base = f"/api/v1/fulfilments/{mine['id']}"
    too_early = await client.post(f"{base}/deliver", json={"cash_collected_vnd": 1}, headers=coop)
    assert too_early.status_code == 409 and "accepted" in too_early.json()["errors"][0]["allowed"]
    assert (await client.post(f"{base}/accept", json={}, headers=coop)).json()["status"] == "accepted"
    assert (await client.post(f"{base}/pack", headers=coop)).json()["status"] == "packed"
    shipped = await client.post(
        f"{base}/ship", json={"carrier": "GHN", "tracking_number": "GHN0001"}, headers=coop
    )
    assert shipped.json()["status"] == "shipped"
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (8, 0)  # left the shelf, once
    wrong = await client.post(f"{base}/deliver", json={"cash_collected_vnd": 100_000}, headers=coop)
    assert wrong.status_code == 422
    done = await client.post(f"{base}/deliver", json={"cash_collected_vnd": 130_000}, headers=coop)
    assert done.status_code == 200 and done.json()["status"] == "delivered"
    twice = await client.post(f"{base}/accept", json={}, headers=coop)
    assert twice.status_code == 409 and twice.json()["errors"][0]["allowed"] == []
    tracked = (await client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})).json()
    assert (
        tracked["fulfilments"][0]["status"] == "delivered"
        and tracked["fulfilments"][0]["tracking_number"] == "GHN0001"
    )


async def test_the_customer_cancels_a_line_until_it_is_accepted(shop: Shop, database_url):
    w, client = shop.world, shop.client
    cart = await cart_with(client, (w.noodles.id, 1), (w.tea.id, 2))
    order = (
        await client.post(
            "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
        )
    ).json()
    coop = await factories.bearer(client, w.coop)
    (mine,) = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    await client.post(f"/api/v1/fulfilments/{mine['id']}/accept", json={}, headers=coop)
    noodles_id = mine["lines"][0]["id"]
    late = await client.post(
        f"/api/v1/orders/{order['number']}/cancel",
        params={"token": order["token"]},
        json={"line_ids": [noodles_id]},
        headers=EN,
    )
    assert late.status_code == 409 and late.json()["code"] == "line_not_cancellable"
    admin_queue = (await client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"]
    tea_id = next(ln["id"] for f in admin_queue if f["location"] == "KHO-DV" for ln in f["lines"])
    cancelled = await client.post(
        f"/api/v1/orders/{order['number']}/cancel",
        params={"token": order["token"]},
        json={"line_ids": [tea_id]},
    )
    assert cancelled.status_code == 200, cancelled.text
    assert await stock(database_url, w.tea.id, shop.other_warehouse.id) == (10, 0)
    statuses = {f["location"]: f["status"] for f in cancelled.json()["fulfilments"]}
    assert statuses == {"Kho Tài Hoan": "accepted", "Kho Đồng Văn": "cancelled"}


async def test_a_fulfilment_not_accepted_in_time_is_flagged_once(shop: Shop):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.honey.id, 1))
    await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    app = client.app  # type: ignore[attr-defined]
    assert (await jobs.run_due(app.state.db, app.state.settings, now=utcnow() + dt.timedelta(hours=47)))[
        "fulfilments past their deadline"
    ] == 0
    late = utcnow() + dt.timedelta(hours=49)
    assert (await jobs.run_due(app.state.db, app.state.settings, now=late))[
        "fulfilments past their deadline"
    ] == 1
    assert (await jobs.run_due(app.state.db, app.state.settings, now=late))[
        "fulfilments past their deadline"
    ] == 0


async def test_the_customer_is_told_of_a_rejected_line(shop: Shop, stripe: FakeStripe):
    order = await _paid_pickup_order(shop, stripe)
    coop = await factories.bearer(shop.client, shop.world.coop)
    (mine,) = (await shop.client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    await shop.client.post(
        f"/api/v1/fulfilments/{mine['id']}/reject", json={"reason": "Hết hàng"}, headers=coop
    )
    page = await shop.client.get(f"/orders/{order['number']}", params={"token": order["token"], "lang": "en"})
    assert "Not delivered, not charged: Hết hàng" in page.text
    app = shop.client.app  # type: ignore[attr-defined]
    await jobs.run_due(app.state.db, app.state.settings)
    mails = [p.read_text() for p in shop.mail_dir.glob("*lines*.eml")]
    assert len(mails) == 1 and "refund" in mails[0]


async def test_producers_hear_of_new_work_and_customers_of_their_parcels(shop: Shop, session):
    from sqlalchemy import update

    from shop.catalog.models import Producer

    await session.execute(
        update(Producer).where(Producer.code == "HTX-TH").values(email="taihoan@example.vn")
    )
    await session.commit()
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.noodles.id, 1))
    await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    coop = await factories.bearer(client, w.coop)
    (mine,) = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    base = f"/api/v1/fulfilments/{mine['id']}"
    await client.post(f"{base}/accept", json={}, headers=coop)
    await client.post(f"{base}/ship", json={"carrier": "GHN", "tracking_number": "GHN0002"}, headers=coop)
    app = client.app  # type: ignore[attr-defined]
    await jobs.run_due(app.state.db, app.state.settings)
    import email
    import email.policy

    sent = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in shop.mail_dir.glob("*.eml")
    ]
    to_coop = [m for m in sent if m["To"] == "taihoan@example.vn"]
    assert len(to_coop) == 1 and "Đơn hàng mới" in str(to_coop[0]["Subject"])
    shipped = [m for m in sent if "GHN0002" in m.get_body().get_content()]
    assert len(shipped) == 1 and shipped[0]["To"] == "jane@example.com"


async def test_the_office_sends_a_late_fulfilment_to_a_location_with_the_stock(shop: Shop, database_url):
    from tests.inventory.test_pos_pages import _token, login

    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.noodles.id, 2))
    await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    (late,) = (await client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"]
    app = client.app  # type: ignore[attr-defined]
    await jobs.run_due(app.state.db, app.state.settings, now=utcnow() + dt.timedelta(hours=49))
    coop = await factories.bearer(client, w.coop)
    refused = await client.post(
        f"/api/v1/fulfilments/{late['id']}/reassign",
        json={"location_code": "SP-A", "reason": "quá hạn"},
        headers=coop,
    )
    assert refused.status_code == 403
    empty = await client.post(
        f"/api/v1/fulfilments/{late['id']}/reassign",
        json={"location_code": "SP-B", "reason": "quá hạn"},
        headers=shop.admin,
    )
    assert empty.status_code == 409 and empty.json()["code"] == "sold_out"
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 2)  # nothing moved

    staff = await factories.bearer(client, w.staff)  # (before the cookie login below)
    await login(client, w.admin)
    page = await client.get("/office/orders/?view=late&lang=en")
    assert f'data-late="{late["id"]}"' in page.text
    moved = await client.post(
        f"/office/orders/fulfilments/{late['id']}/reassign",
        data={"_csrf_token": _token(page.text), "location_code": "SP-A", "reason": "Kho chưa nhận đơn"},
    )
    assert moved.status_code == 303
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (10, 0)
    assert await stock(database_url, w.noodles.id, w.shop.id) == (3, 2)
    client.cookies.clear()  # back to bearer tokens only
    assert [
        f["location"] for f in (await client.get("/api/v1/fulfilments", headers=staff)).json()["items"]
    ] == ["SP-A"]
    assert (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"] == []


async def test_an_unpaid_card_order_cannot_lose_lines(shop: Shop):
    """Cancelling lines of an order not yet paid would leave Stripe charging the old total."""
    cart = await cart_with(shop.client, (shop.world.honey.id, 1), (shop.world.tea.id, 1))
    order = (
        await shop.client.post("/api/v1/checkout", json=checkout_body(cart, payment="card", pickup="SP-A"))
    ).json()
    tracked = (
        await shop.client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})
    ).json()
    assert tracked["status"] == "awaiting_payment"
    lines = (await shop.client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"]
    refused = await shop.client.post(
        f"/api/v1/orders/{order['number']}/cancel",
        params={"token": order["token"]},
        json={"line_ids": [lines[0]["lines"][0]["id"]]},
    )
    assert refused.status_code == 409 and refused.json()["code"] == "order_not_fulfillable"


async def test_the_delivery_fee_moves_to_a_parcel_still_going(shop: Shop):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.noodles.id, 1), (w.tea.id, 1))
    await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    coop = await factories.bearer(client, w.coop)
    (mine,) = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    await client.post(f"/api/v1/fulfilments/{mine['id']}/reject", json={"reason": "Hết hàng"}, headers=coop)
    left = [
        f
        for f in (await client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"]
        if f["location"] == "KHO-DV"
    ]
    assert left[0]["amount_to_collect_vnd"] == 50_000 + SHIPPING_VND


async def test_a_fulfilment_waiting_for_its_payment_is_not_late(shop: Shop):
    """Its producer could not start it: not on the office's late list, not flagged."""
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.honey.id, 1))
    placed = await client.post(
        "/api/v1/checkout",
        json=checkout_body(cart, payment="bank_transfer", province=shop.province, commune=shop.commune),
    )
    order = placed.json()
    app = client.app  # type: ignore[attr-defined]
    late = utcnow() + dt.timedelta(hours=49)
    async with app.state.db.write_sessions() as session:
        assert await office.flag_overdue(session, now=late) == 0
        assert await office.late(session, now=late) == []
        await session.rollback()
    paid = await client.post(
        f"/api/v1/orders/{order['number']}/transfer-received",
        json={"amount_vnd": order["total_vnd"]},
        headers=shop.admin,
    )
    assert paid.status_code == 200, paid.text
    async with app.state.db.write_sessions() as session:
        assert await office.flag_overdue(session, now=late) == 1
        assert [o.number for _, _, o in await office.late(session, now=late)] == [order["number"]]
        await session.rollback()
