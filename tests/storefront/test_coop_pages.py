"""The cooperative portal (/coop/) over HTTP like a phone browser: queue, accept with a
rejected line, packing slip, ship, deliver; another producer's fulfilment is a 404."""

from __future__ import annotations

import re

from tests import factories
from tests.inventory.test_pos_pages import _token, login
from tests.storefront.conftest import Shop
from tests.storefront.support import cart_with, checkout_body, stock


async def test_a_cooperative_fulfils_its_part_from_the_portal(shop: Shop, database_url):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.noodles.id, 2), (w.honey.id, 1), (w.tea.id, 1))
    await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    await login(client, w.coop, lang="vi")
    queue = await client.get("/coop/")
    assert queue.status_code == 200 and "Miến dong Tài Hoan" in queue.text
    assert "Chè Shan tuyết" not in queue.text  # Đồng Văn's part is not theirs
    assert "Kho Tài Hoan" in queue.text and "KHO-TH" not in queue.text  # where it leaves from, by name
    assert '<a href="/coop/" aria-current="page">' in queue.text  # the tab of the page it is on
    fid = int(re.search(r'data-fulfilment="(\d+)"', queue.text).group(1))
    admin_ids = [
        f["id"] for f in (await client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"]
    ]
    other = next(i for i in admin_ids if i != fid)
    assert (await client.get(f"/coop/fulfilments/{other}")).status_code == 404

    page = await client.get(f"/coop/fulfilments/{fid}?lang=en")
    assert len(re.findall(r'name="reject-(\d+)"', page.text)) == 2  # one checkbox per line
    mine = (await client.get(f"/api/v1/fulfilments/{fid}", headers=shop.admin)).json()
    honey = next(ln["id"] for ln in mine["lines"] if ln["product_id"] == w.honey.id)
    missing = await client.post(
        f"/coop/fulfilments/{fid}/accept", data={"_csrf_token": _token(page.text), f"reject-{honey}": "1"}
    )
    assert missing.status_code == 422 and "Say why a line is rejected." in missing.text
    assert re.search(rf'name="reject-{honey}" value="1" checked', missing.text)  # the tick is kept
    accepted = await client.post(
        f"/coop/fulfilments/{fid}/accept",
        data={"_csrf_token": _token(page.text), f"reject-{honey}": "1", f"reason-{honey}": "Hết mật vụ này"},
    )
    assert accepted.status_code == 303
    after = await client.get(accepted.headers["location"])
    assert "Accepted: prepare the parcel." in after.text and "Hết mật vụ này" in after.text
    assert await stock(database_url, w.honey.id, w.warehouse.id) == (10, 0)

    slip = await client.get(f"/coop/fulfilments/{fid}/slip")
    assert slip.status_code == 200 and "Miến dong Tài Hoan" in slip.text and "Mật ong" not in slip.text
    address = (await client.get(f"/api/v1/fulfilments/{fid}", headers=shop.admin)).json()["ship_place"]
    assert address and address in slip.text  # the commune and province, by name
    no_number = await client.post(
        f"/coop/fulfilments/{fid}/ship",
        data={"_csrf_token": _token(after.text), "carrier": "GHN", "tracking_number": ""},
    )
    assert no_number.status_code == 422 and "Enter the tracking number." in no_number.text
    assert 'name="carrier" required maxlength="80" list="carriers" value="GHN"' in no_number.text
    shipped = await client.post(
        f"/coop/fulfilments/{fid}/ship",
        data={"_csrf_token": _token(after.text), "carrier": "GHN", "tracking_number": "GHN777"},
    )
    assert shipped.status_code == 303
    assert await stock(database_url, w.noodles.id, w.warehouse.id) == (8, 0)
    page = await client.get(shipped.headers["location"])
    assert 'value="130000"' in page.text  # 2 × 50 000 + the delivery fee, honey no longer owed
    short = await client.post(
        f"/coop/fulfilments/{fid}/deliver",
        data={"_csrf_token": _token(page.text), "cash_collected_vnd": "100.000 đ"},
    )
    assert short.status_code == 422 and "Collect 130,000 VND for this parcel." in short.text
    assert 'value="100.000 đ"' in short.text  # what was typed, to correct
    delivered = await client.post(
        f"/coop/fulfilments/{fid}/deliver",  # as the portal writes amounts, separators and đồng
        data={"_csrf_token": _token(page.text), "cash_collected_vnd": "130.000 ₫"},
    )
    assert delivered.status_code == 303
    assert 'data-status="delivered"' in (await client.get(delivered.headers["location"])).text


async def test_a_cooperative_reads_its_products_and_where_its_goods_are(shop: Shop):
    client, w = shop.client, shop.world
    staff = await factories.bearer(client, w.staff)
    assert (await client.get("/coop/products", headers=staff)).status_code == 403  # not a cooperative
    await login(client, w.coop, lang="en")
    products = await client.get("/coop/products")
    assert (
        products.status_code == 200
        and "Miến dong Tài Hoan" in products.text
        and "Chè Shan tuyết" not in products.text
    )
    assert "★★★★" in products.text
    stock_page = await client.get("/coop/stock")
    assert stock_page.status_code == 200
    assert (
        "KHO-TH" in stock_page.text and "SP-A" in stock_page.text
    )  # its warehouse and its goods at a sales point
    assert "Chè Shan tuyết" not in stock_page.text


async def test_the_history_lists_rejected_parcels_newest_first(shop: Shop):
    client, w = shop.client, shop.world
    for _ in range(2):
        cart = await cart_with(client, (w.noodles.id, 1))
        await client.post(
            "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
        )
    coop = await factories.bearer(client, w.coop)
    first, second = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
    for f in (first, second):
        done = await client.post(
            f"/api/v1/fulfilments/{f['id']}/reject", json={"reason": "Hết hàng"}, headers=coop
        )
        assert done.status_code == 200
    await login(client, w.coop, lang="en")
    page = await client.get("/coop/?status=rejected")
    assert page.status_code == 200
    shown = [int(i) for i in re.findall(r'data-fulfilment="(\d+)"', page.text)]
    assert shown == [second["id"], first["id"]]


async def _transfer_order(shop: Shop) -> dict:
    cart = await cart_with(shop.client, (shop.world.noodles.id, 1))
    placed = await shop.client.post(
        "/api/v1/checkout",
        json=checkout_body(cart, payment="bank_transfer", province=shop.province, commune=shop.commune),
    )
    assert placed.status_code == 201, placed.text
    return placed.json()


async def test_a_transfer_order_reaches_the_cooperative_only_once_paid(shop: Shop):
    client, w = shop.client, shop.world
    order = await _transfer_order(shop)
    coop = await factories.bearer(client, w.coop)
    assert (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"] == []
    office_view = (await client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"]
    assert [f["payment_status"] for f in office_view] == ["awaiting_payment"]  # the office sees it
    fid = office_view[0]["id"]
    assert (await client.get(f"/api/v1/fulfilments/{fid}", headers=coop)).status_code == 404
    refused = await client.post(f"/api/v1/fulfilments/{fid}/accept", json={}, headers=coop)
    assert refused.status_code == 404

    await login(client, w.coop, lang="vi")
    queue = await client.get("/coop/")
    assert order["number"] not in queue.text and "data-fulfilment" not in queue.text
    assert (await client.get(f"/coop/fulfilments/{fid}")).status_code == 404

    confirmed = await client.post(
        f"/api/v1/orders/{order['number']}/transfer-received",
        json={"amount_vnd": order["total_vnd"]},
        headers=shop.admin,
    )
    assert confirmed.status_code == 200, confirmed.text
    queue = await client.get("/coop/?lang=en")
    assert order["number"] in queue.text
    assert "Paid online: nothing to collect" in queue.text
    page = await client.get(f"/coop/fulfilments/{fid}")
    assert 'id="accept"' in page.text and "Paid online: nothing to collect" in page.text


async def test_the_office_reads_why_an_unpaid_order_cannot_be_accepted(shop: Shop):
    client = shop.client
    order = await _transfer_order(shop)
    fid = (await client.get("/api/v1/fulfilments", headers=shop.admin)).json()["items"][0]["id"]
    await login(client, shop.world.admin, lang="en")
    page = await client.get(f"/coop/fulfilments/{fid}")
    assert page.status_code == 200 and 'id="accept"' not in page.text  # nothing to do yet
    assert "This order is not paid yet: do not prepare it." in page.text
    pressed = await client.post(f"/coop/fulfilments/{fid}/accept", data={"_csrf_token": _token(page.text)})
    assert pressed.status_code == 409
    assert f"Order {order['number']} is not paid yet" in pressed.text
    assert "awaiting_payment" not in pressed.text.replace('data-payment="awaiting_payment"', "")


async def test_a_cash_order_shows_what_to_collect_and_a_repeated_step_is_explained(shop: Shop):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.noodles.id, 2))
    await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    await login(client, w.coop, lang="en")
    queue = await client.get("/coop/")
    assert "Cash on delivery: collect" in queue.text and "130,000" in queue.text
    fid = int(re.search(r'data-fulfilment="(\d+)"', queue.text).group(1))
    page = await client.get(f"/coop/fulfilments/{fid}")
    token = _token(page.text)
    assert (
        await client.post(f"/coop/fulfilments/{fid}/accept", data={"_csrf_token": token})
    ).status_code == 303
    again = await client.post(f"/coop/fulfilments/{fid}/accept", data={"_csrf_token": token})
    assert again.status_code == 409
    assert "This parcel is “Accepted”: it cannot be marked “Accepted” now" in again.text
    assert "“Packed”, “Shipped”" in again.text
    vi = await client.post(f"/coop/fulfilments/{fid}/accept?lang=vi", data={"_csrf_token": token})
    alert = re.search(r'<p class="alert" role="alert">([^<]+)</p>', vi.text).group(1)
    assert "Đã nhận" in alert or "Đã chấp nhận" in alert, alert
    assert not re.search(r"\b(accepted|packed|shipped|new)\b", alert), alert
