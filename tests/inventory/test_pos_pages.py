"""The sales-point stock screens (/pos/) end to end over HTTP: logged in with a cookie and
CSRF like a browser, writing through the same services as the API."""

from __future__ import annotations

import datetime as dt
import re

import httpx

from shop.catalog.sellability import today

PASSWORD = "password123"


def _token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def _client_id(html: str) -> str:
    match = re.search(r'name="client_id" value="([^"]+)"', html)
    assert match, "no client id on the page"
    return match.group(1)


async def login(client: httpx.AsyncClient, username: str, lang: str = "en") -> None:
    page = await client.get(f"/login?lang={lang}")
    response = await client.post(
        "/login", data={"username": username, "password": PASSWORD, "_csrf_token": _token(page.text)}
    )
    assert response.status_code == 303, response.text


async def submit(
    client: httpx.AsyncClient, form_page: str, action: str, data: dict[str, object]
) -> httpx.Response:
    """Open the page holding the form, then post it with its CSRF token (and client id)."""
    page = await client.get(form_page)
    assert page.status_code == 200, page.text
    fields = {"_csrf_token": _token(page.text)} | data
    if 'name="client_id"' in page.text and "client_id" not in data:
        fields["client_id"] = _client_id(page.text)
    return await client.post(action, data=fields)


def _days(n: int) -> str:
    return (today() + dt.timedelta(days=n)).isoformat()


async def receive(client: httpx.AsyncClient, code: str = "SP-A", **lines: list[str]) -> httpx.Response:
    data: dict[str, object] = {"kind": "consignment", "producer": "HTX-TH", "commission": "15"}
    data |= lines
    return await submit(client, f"/pos/{code}/receive", f"/pos/{code}/receive", data)


async def stock_page(client: httpx.AsyncClient, code: str = "SP-A", query: str = "") -> str:
    page = await client.get(f"/pos/{code}/{query}")
    assert page.status_code == 200, page.text
    return page.text


def _on_hand(html: str, name: str) -> int:
    """The on-hand figure in the product's row of the stock list."""
    row = html[html.index(name) :]
    return int(re.search(r'data-label="On hand">([\d,.]+)<', row).group(1).replace(",", ""))


async def test_pos_index_lists_the_user_locations_or_goes_straight_to_the_only_one(client, world):
    await login(client, world.staff)
    only = await client.get("/pos/")
    assert only.status_code == 302 and only.headers["location"] == "/pos/SP-A/"
    client.cookies.clear()
    await login(client, world.manager)
    several = await client.get("/pos/")
    assert several.status_code == 200
    assert "Điểm bán A" in several.text and "Hội chợ OCOP" in several.text
    assert "Điểm bán B" not in several.text
    assert 'href="/pos/"' in several.text  # the header links every logged-in user here


async def test_staff_cannot_see_or_change_another_sales_point(client, world):
    await login(client, world.staff)
    for path in ("/pos/SP-B/", "/pos/SP-B/receive", "/pos/SP-B/transfers/", "/pos/SP-B/counts/"):
        assert (await client.get(path)).status_code == 404, path
    token = _token((await client.get("/pos/SP-A/receive")).text)
    refused = await client.post("/pos/SP-B/receive", data={"_csrf_token": token, "producer": "HTX-TH"})
    assert refused.status_code == 404
    assert (await client.get("/pos/NOWHERE/")).status_code == 404


async def test_receiving_goods_puts_them_in_stock_once_even_if_submitted_twice(client, world):
    await login(client, world.manager)
    page = await client.get("/pos/SP-A/receive")
    data = {
        "_csrf_token": _token(page.text),
        "client_id": _client_id(page.text),
        "kind": "consignment",
        "producer": "HTX-TH",
        "commission": "15",
        "delivery_note": "PX-001",
        "line-product": ["8930000000011", "mat ong bac ha", ""],
        "line-quantity": ["20", "5", ""],
        "line-batch": ["L-01", "", ""],
        "line-produced_on": [_days(-5), "", ""],
        "line-expires_on": [_days(200), "", ""],
        "line-unit_cost": ["", "", ""],
    }
    first = await client.post("/pos/SP-A/receive", data=data)
    assert first.status_code == 303, first.text
    again = await client.post("/pos/SP-A/receive", data=data)
    assert again.headers["location"] == first.headers["location"]
    receipt = await client.get(first.headers["location"])
    assert receipt.status_code == 200
    assert "Goods received." in receipt.text and "PX-001" in receipt.text and "L-01" in receipt.text
    html = await stock_page(client)
    assert _on_hand(html, "Miến dong Tài Hoan") == 20 and _on_hand(html, "Mật ong bạc hà") == 5
    assert "certified OCOP" in html  # the compliance figures
    assert "Miến dong" in await stock_page(client, query="?q=8930000000011")
    assert "Mật ong" not in await stock_page(client, query="?q=mien+dong")


async def test_a_bad_receipt_shows_each_error_on_its_line_and_keeps_every_entry(client, world):
    await login(client, world.manager)
    response = await submit(
        client,
        "/pos/SP-A/receive",
        "/pos/SP-A/receive",
        {
            "kind": "purchase",
            "producer": "HTX-TH",
            "delivery_note": "PX-777",
            "line-product": ["8930000000011", "Mật ong bạc hà"],
            "line-quantity": ["3", "4"],
            "line-batch": ["LOT-KEEP", ""],
            "line-unit_cost": ["40000", ""],
        },
    )
    assert response.status_code == 422
    assert "A purchase needs the unit cost." in response.text
    assert "PX-777" in response.text and "LOT-KEEP" in response.text and 'value="40000"' in response.text
    second_row = response.text[response.text.index("Mật ong bạc hà") :]
    assert "A purchase needs the unit cost." in second_row  # next to its own line
    unknown = await receive(client, **{"line-product": ["khong co gi"], "line-quantity": ["1"]})
    assert unknown.status_code == 422 and "No product matches" in unknown.text, re.findall(
        r"<li>(.*?)</li>", unknown.text
    )
    assert "Miến dong" not in await stock_page(client)  # nothing was saved


async def test_a_transfer_is_sent_and_received_with_a_shortage_and_its_reason(client, world):
    await login(client, world.manager)
    await receive(
        client, **{"line-product": ["8930000000011"], "line-quantity": ["10"], "line-unit_cost": ["40000"]}
    )
    sent = await submit(
        client,
        "/pos/SP-A/transfers/new",
        "/pos/SP-A/transfers/new",
        {
            "to_location": "FAIR-1",
            "send": "1",
            "line-product": ["Miến dong Tài Hoan"],
            "line-quantity": ["6"],
        },
    )
    assert sent.status_code == 303, sent.text
    transfer_id = sent.headers["location"].split("/")[-1].split("?")[0]
    assert _on_hand(await stock_page(client), "Miến dong Tài Hoan") == 4
    listing = await client.get("/pos/FAIR-1/transfers/")
    assert f"/pos/FAIR-1/transfers/{transfer_id}" in listing.text and "In transit" in listing.text
    detail = f"/pos/FAIR-1/transfers/{transfer_id}"
    action = f"{detail}/receive"
    base = {"line-product_id": [str(world.noodles.id)], "line-batch": [""]}
    short = await submit(client, detail, action, base | {"line-quantity": ["5"], "line-reason": [""]})
    assert short.status_code == 422 and "Less arrived than was sent: say why." in short.text
    done = await submit(
        client, detail, action, base | {"line-quantity": ["5"], "line-reason": ["one broken"]}
    )
    assert done.status_code == 303, done.text
    assert _on_hand(await stock_page(client, "FAIR-1"), "Miến dong Tài Hoan") == 5
    assert "one broken" in (await client.get(detail)).text


async def test_a_draft_transfer_can_be_cancelled_at_its_source_only(client, world):
    await login(client, world.manager)
    await receive(
        client, **{"line-product": ["8930000000011"], "line-quantity": ["3"], "line-unit_cost": ["1"]}
    )
    draft = await submit(
        client,
        "/pos/SP-A/transfers/new",
        "/pos/SP-A/transfers/new",
        {"to_location": "FAIR-1", "line-product": ["8930000000011"], "line-quantity": ["2"]},
    )
    path = draft.headers["location"].split("?")[0]
    page = await client.get(path)
    assert "/send" in page.text and "/cancel" in page.text
    assert "/send" not in (await client.get(path.replace("SP-A", "FAIR-1"))).text
    cancelled = await client.post(f"{path}/cancel", data={"_csrf_token": _token(page.text)})
    assert cancelled.status_code == 303
    again = await client.post(f"{path}/send", data={"_csrf_token": _token(page.text)})
    assert again.status_code == 409 and "already sent or cancelled" in again.text


async def test_a_blind_count_hides_expected_and_posts_the_difference_once(client, world):
    await login(client, world.manager)
    await receive(
        client, **{"line-product": ["8930000000011"], "line-quantity": ["10"], "line-unit_cost": ["1"]}
    )
    started = await submit(client, "/pos/SP-A/counts/", "/pos/SP-A/counts/", {"scope": "full", "blind": "1"})
    assert started.status_code == 303, started.text
    sheet_path = started.headers["location"].split("?")[0]
    sheet = await client.get(sheet_path)
    assert "Counted" in sheet.text and "Expected" not in sheet.text
    assert 'data-codes="' in sheet.text and "8930000000011" in sheet.text  # the scan finds its line
    row = {
        "line-product_id": [str(world.noodles.id)],
        "line-product": [""],
        "line-batch": [""],
        "line-ownership": ["consigned"],
        "line-reason": ["shelf check"],
    }
    posted = await submit(client, sheet_path, f"{sheet_path}/post", row | {"line-counted": ["8"]})
    assert posted.status_code == 303, posted.text
    assert "Expected" in (await client.get(sheet_path)).text  # shown once posted
    assert _on_hand(await stock_page(client), "Miến dong Tài Hoan") == 8
    twice = await submit(client, sheet_path, f"{sheet_path}/post", row | {"line-counted": ["8"]})
    assert twice.status_code == 409 and "already posted" in twice.text
    assert _on_hand(await stock_page(client), "Miến dong Tài Hoan") == 8


async def test_a_partial_count_adds_goods_found_that_were_not_on_the_sheet(client, world):
    await login(client, world.manager)
    await receive(
        client, **{"line-product": ["8930000000011"], "line-quantity": ["4"], "line-unit_cost": ["1"]}
    )
    started = await submit(
        client, "/pos/SP-A/counts/", "/pos/SP-A/counts/", {"scope": "partial", "products": "8930000000011"}
    )
    sheet_path = started.headers["location"].split("?")[0]
    saved = await submit(
        client,
        sheet_path,
        f"{sheet_path}/lines",
        {
            "line-product_id": [str(world.noodles.id), ""],
            "line-product": ["", "Mật ong bạc hà"],
            "line-batch": ["", ""],
            "line-ownership": ["consigned", ""],
            "line-counted": ["4", "2"],
            "line-reason": ["", "found"],
        },
    )
    assert saved.status_code == 303, saved.text
    sheet = await client.get(saved.headers["location"])
    assert "Counted quantities saved." in sheet.text and "Mật ong bạc hà" in sheet.text
    empty = await submit(client, "/pos/SP-A/counts/", "/pos/SP-A/counts/", {"scope": "partial"})
    assert empty.status_code == 422 and "A partial count needs the products to count." in empty.text


async def test_writing_off_takes_goods_off_and_too_many_is_shown_on_the_line(client, world):
    await login(client, world.manager)
    await receive(
        client, **{"line-product": ["8930000000011"], "line-quantity": ["10"], "line-unit_cost": ["1"]}
    )
    too_many = await submit(
        client,
        "/pos/SP-A/write-off",
        "/pos/SP-A/write-off",
        {"reason": "damaged", "line-product": ["8930000000011"], "line-quantity": ["50"], "line-batch": [""]},
    )
    assert (
        too_many.status_code == 409 and "Not enough stock" in too_many.text and 'value="50"' in too_many.text
    )
    done = await submit(
        client,
        "/pos/SP-A/write-off",
        "/pos/SP-A/write-off",
        {"reason": "damaged", "note": "rơi vỡ", "line-product": ["8930000000011"], "line-quantity": ["2"]},
    )
    assert done.status_code == 303
    ledger = await client.get(done.headers["location"])
    assert "Goods written off." in ledger.text and "Written off" in ledger.text and "-2" in ledger.text
    assert _on_hand(await stock_page(client), "Miến dong Tài Hoan") == 8
    history = await client.get(f"/pos/SP-A/products/{world.noodles.id}/movements")
    assert history.status_code == 200 and "Movement history of Miến dong Tài Hoan" in history.text
    assert "Received" in history.text


async def test_expiring_reorder_and_thresholds_for_managers_only(client, world, session):
    await login(client, world.manager)
    await receive(
        client,
        **{
            "line-product": ["8930000000011", "Mật ong bạc hà"],
            "line-quantity": ["3", "30"],
            "line-batch": ["SOON", "LATER"],
            "line-expires_on": [_days(20), _days(300)],
            "line-unit_cost": ["1", "1"],
        },
    )
    soon = await client.get("/pos/SP-A/expiring?days=30")
    assert "SOON" in soon.text and "LATER" not in soon.text
    assert "SOON" in await stock_page(client, query="?expiring=30")
    saved = await submit(
        client,
        "/pos/SP-A/reorder",
        "/pos/SP-A/thresholds",
        {"line-product": ["8930000000011"], "line-minimum": ["5"]},
    )
    assert saved.status_code == 303, saved.text
    low = await stock_page(client, query="?low=true")
    assert "Miến dong Tài Hoan" in low and "Mật ong bạc hà" not in low
    reorder = await client.get("/pos/SP-A/reorder")
    assert "Low-stock thresholds saved." not in reorder.text and "Miến dong Tài Hoan" in reorder.text
    client.cookies.clear()
    await login(client, world.staff)
    page = await client.get("/pos/SP-A/reorder")
    assert "Only a manager can change the thresholds." in page.text
    refused = await client.post(
        "/pos/SP-A/thresholds",
        data={"_csrf_token": _token(page.text), "line-product": "x", "line-minimum": "1"},
    )
    assert refused.status_code == 403


async def test_fair_reconciliation_sends_what_is_left_back_where_it_came_from(client, world):
    await login(client, world.manager)
    await receive(
        client, **{"line-product": ["8930000000011"], "line-quantity": ["6"], "line-unit_cost": ["1"]}
    )
    sent = await submit(
        client,
        "/pos/SP-A/transfers/new",
        "/pos/SP-A/transfers/new",
        {"to_location": "FAIR-1", "send": "1", "line-product": ["8930000000011"], "line-quantity": ["6"]},
    )
    detail = sent.headers["location"].split("?")[0].replace("SP-A", "FAIR-1")
    received = await submit(client, detail, f"{detail}/receive", {})
    assert received.status_code == 303, received.text
    page = await client.get("/pos/FAIR-1/reconciliation")
    assert "6 units left" in page.text and "location SP-A" in page.text and "The fair ends on" in page.text
    back = await submit(
        client, "/pos/FAIR-1/reconciliation", "/pos/FAIR-1/reconciliation/send-back", {"to": "SP-A"}
    )
    assert back.status_code == 303, back.text
    after = await client.get(back.headers["location"])
    assert "The goods are on their way back." in after.text and "0 units left" in after.text
    incoming = await client.get("/pos/SP-A/transfers/?status=sent")
    assert "Hội chợ OCOP" in incoming.text


async def test_pages_are_vietnamese_by_default_and_english_on_request(client, world):
    await login(client, world.staff, lang="vi")
    vi = await client.get("/pos/SP-A/receive")
    assert "Nhập hàng" in vi.text
    en = await client.get("/pos/SP-A/receive?lang=en")
    assert "Receive goods" in en.text and "Nhập hàng" not in en.text
