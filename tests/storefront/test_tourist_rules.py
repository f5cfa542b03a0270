"""The storefront as a tourist expects it (issue 13), over HTTP like a browser, in vi, en and
ko: product texts in English before Vietnamese with a note, translated groups, units and
quality marks, sorting and searching by the names shown, checkout with its total, every error
beside its field and the pickup points that hold the goods, the transfer details, and each
parcel's progress on the tracking page."""

from __future__ import annotations

import email
import email.policy
import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.storefront.checkout_form import FEW_POINTS
from tests import factories
from tests.inventory.test_pos_pages import _token
from tests.storefront.conftest import SHIPPING_VND, Shop
from tests.storefront.support import EN, cart_with, checkout_body, deliver_mail

HONEY_KO = "박하 꿀"


async def _translate(shop: Shop, product_id: int, **names: str) -> None:
    """The office names a product in other languages (the API replaces its translations)."""
    translations = [{"language": lang, "name": name} for lang, name in names.items()]
    patched = await shop.client.patch(
        f"/api/v1/products/{product_id}", json={"translations": translations}, headers=shop.admin
    )
    assert patched.status_code == 200, patched.text


def _card_names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/products/[^"]+" lang="[^"]+">([^<]+)</a></h3>', html)


async def test_a_text_without_translation_shows_in_english_then_vietnamese_with_a_note(shop: Shop):
    client, w = shop.client, shop.world
    await _translate(shop, w.honey.id, en="Mint honey")
    korean = await client.get("/products", params={"lang": "ko"})
    assert "Mint honey" in _card_names(korean.text) and "Chè Shan tuyết" in _card_names(korean.text)
    assert 'data-shown="en">영어로 표시' in korean.text and 'data-shown="vi">베트남어로 표시' in korean.text
    page = await client.get(f"/products/{w.honey.slug}", params={"lang": "ko"})
    assert '<h1 lang="en">Mint honey</h1>' in page.text
    assert "아직 한국어 번역이 없어 영어로 표시합니다." in page.text
    await _translate(shop, w.honey.id, en="Mint honey", ko=HONEY_KO)
    translated = await client.get(f"/products/{w.honey.slug}", params={"lang": "ko"})
    assert f'<h1 lang="ko">{HONEY_KO}</h1>' in translated.text and "language-note" not in translated.text
    english = await client.get(f"/products/{w.honey.slug}", params={"lang": "en"})
    assert '<h1 lang="en">Mint honey</h1>' in english.text and "language-note" not in english.text
    vietnamese = await client.get(f"/products/{w.honey.slug}", params={"lang": "vi"})
    assert '<h1 lang="vi">Mật ong bạc hà</h1>' in vietnamese.text and "language-note" not in vietnamese.text


@pytest.mark.parametrize(
    ("lang", "top", "group", "unit", "mark"),
    [
        ("vi", "Thực phẩm", "Thực phẩm chế biến", "/ gói", "Chuỗi cung ứng thực phẩm an toàn"),
        ("en", "Food", "Processed food", "/ pack", "Safe food supply chain"),
        ("ko", "식품", "가공식품", "/ 팩", "안전 식품 공급망"),
    ],
)
async def test_groups_units_and_quality_marks_read_in_the_visitors_language(
    shop: Shop, lang: str, top: str, group: str, unit: str, mark: str
):
    client, w = shop.client, shop.world
    added = await client.post(
        f"/api/v1/products/{w.honey.id}/quality-certifications",
        json={"kind": "safe_food_chain", "number": "ATTP-12"},
        headers=shop.admin,
    )
    assert added.status_code in (200, 201), added.text
    for path in (f"/products/{w.honey.slug}", f"/t/{w.honey.trace_code}"):
        page = await client.get(path, params={"lang": lang})
        assert page.status_code == 200 and mark in page.text
        assert "SAFE_FOOD_CHAIN" not in page.text and "safe_food_chain" not in page.text
    product = await client.get(f"/products/{w.honey.slug}", params={"lang": lang})
    assert group in product.text and unit in product.text
    listing = await client.get("/products", params={"lang": lang})
    assert f'<option value="food" >{top}</option>' in listing.text  # the filter's groups too
    assert "food-processed" not in re.sub(r'value="[^"]*"', "", listing.text)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("vi", ["Chè Shan tuyết"]),  # then Mật…, Miến…: the database's collation orders "ậ" and "i"
        ("en", ["A mint honey", "Chè Shan tuyết", "Z glass noodles"]),
        ("ko", ["A mint honey", "Chè Shan tuyết", "Z glass noodles"]),  # English before Vietnamese
    ],
)
async def test_sorting_by_name_follows_the_names_shown(shop: Shop, lang: str, expected: list[str]):
    await _translate(shop, shop.world.honey.id, en="A mint honey")
    await _translate(shop, shop.world.noodles.id, en="Z glass noodles")
    ascending = _card_names((await shop.client.get("/products", params={"lang": lang, "sort": "name"})).text)
    descending = _card_names(
        (await shop.client.get("/products", params={"lang": lang, "sort": "-name"})).text
    )
    assert ascending[: len(expected)] == expected and descending == ascending[::-1] and len(ascending) == 3


@pytest.mark.parametrize(
    ("lang", "query", "none"),
    [
        ("ko", "꿀", "검색 결과가 없습니다"),
        ("en", "mint", "No results for"),
        ("vi", "mat ong", "Không có kết quả"),
    ],
)
async def test_a_search_in_any_language_finds_translated_names_or_says_no_results(
    shop: Shop, lang: str, query: str, none: str
):
    await _translate(shop, shop.world.honey.id, en="Mint honey", ko=HONEY_KO)
    found = await shop.client.get("/products", params={"lang": lang, "q": query})
    assert len(_card_names(found.text)) == 1 and "no-results" not in found.text
    for nothing in ("없는상품", "zzqx", "!!!"):
        missing = await shop.client.get("/products", params={"lang": lang, "q": nothing})
        assert _card_names(missing.text) == [] and none in missing.text


async def _checkout_form(shop: Shop, lang: str, *lines: tuple[int, int]) -> tuple[str, dict[str, str]]:
    """A cart through the pages; answers the checkout page and its hidden fields."""
    client = shop.client
    product = await client.get(f"/products/{shop.world.honey.slug}")
    for product_id, quantity in lines:
        added = await client.post(
            "/cart/lines",
            data={"_csrf_token": _token(product.text), "product_id": product_id, "quantity": quantity},
        )
        assert added.status_code == 303
    form = await client.get("/checkout", params={"lang": lang})
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.text)
    assert form.status_code == 200 and key
    return form.text, {"_csrf_token": _token(form.text), "idempotency_key": key[1]}


def _mail_about(shop: Shop, number: str) -> str:
    """The text of the email that names order ``number``."""
    for path in shop.mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = str(body.get_content()) if body else ""
        if number in text:
            return text
    raise AssertionError(f"no email about {number}")


@pytest.mark.parametrize(
    ("lang", "messages"),
    [
        ("vi", ["Nhập một địa chỉ email hợp lệ.", "Chọn tỉnh, thành phố.", "Nhập địa chỉ giao hàng."]),
        ("en", ["Enter a valid email address.", "Choose a province.", "Enter the delivery address."]),
        ("ko", ["아래 표시된 4개 항목을 고쳐 주세요."]),
    ],
)
async def test_checkout_names_every_wrong_field_at_once_and_keeps_what_was_typed(
    shop: Shop, lang: str, messages: list[str]
):
    _, hidden = await _checkout_form(shop, lang, (shop.world.honey.id, 1))
    fields = hidden | {"name": "Lan", "email": "lan@", "phone": "", "delivery": "ship", "payment": "cod"}
    answer = await shop.client.post("/checkout", data=fields, params={"lang": lang})
    assert answer.status_code == 422
    for field in ("email", "phone", "province_code", "street"):
        assert f'id="error-{field}"' in answer.text and f'aria-describedby="error-{field}"' in answer.text
    assert (
        'id="error-name"' not in answer.text
        and 'value="Lan"' in answer.text
        and 'value="lan@"' in answer.text
    )
    for message in messages:
        assert message in answer.text

    pickup = await shop.client.post(
        "/checkout", data=fields | {"delivery": "pickup", "phone": "0912345678", "email": "lan@example.vn"}
    )
    assert pickup.status_code == 422 and 'id="error-sales_point_code"' in pickup.text
    assert 'id="error-street"' not in pickup.text  # the address is not asked for a pickup


async def test_the_checkout_summary_shows_subtotal_delivery_fee_and_total(shop: Shop):
    page, hidden = await _checkout_form(shop, "en", (shop.world.honey.id, 2))
    assert re.search(r'id="order-total"[^>]*>[^<]*100,000', page)  # the subtotal until a province
    assert "chosen with your province" in page
    fields = hidden | {
        "name": "Jane",
        "email": "jane@example.com",
        "phone": "0912345678",
        "delivery": "ship",
        "province_code": shop.province,
        "street": "1 Lê Lợi",
        "payment": "cod",
    }
    again = await shop.client.post("/checkout", data=fields, params={"lang": "en"})
    assert again.status_code == 422 and 'id="error-commune_code"' in again.text
    assert re.search(r'id="shipping-fee"[^>]*>[^<]*30,000', again.text)
    assert re.search(r'id="order-total"[^>]*>[^<]*130,000', again.text) and SHIPPING_VND == 30_000


@pytest.mark.parametrize(
    ("quantity", "lang", "says"),
    [
        (2, "en", "Has all your products"),
        (5, "en", "the producers send your products there"),  # said once, by the list's summary
        (2, "ko", "모든 상품 보유"),
    ],
)
async def test_the_pickup_list_says_which_sales_points_hold_the_goods(
    shop: Shop, quantity: int, lang: str, says: str
):
    page, _ = await _checkout_form(shop, lang, (shop.world.noodles.id, quantity))  # SP-A holds 3
    point = re.search(r'value="SP-A".*?</label>', page, re.S)
    assert point and says in (point[0] if quantity <= 3 else page)
    other = re.search(r'value="SP-B".*?</label>', page, re.S)
    assert other and 'class="holds' not in other[0]  # holds none: its list says so, once
    if quantity <= 3:  # the points holding everything come first
        assert page.index('value="SP-A"') < page.index('value="SP-B"')


async def _placed(shop: Shop, body: dict[str, object]) -> dict[str, str]:
    placed = await shop.client.post("/api/v1/checkout", json=body, headers=EN)
    assert placed.status_code == 201, placed.text
    return dict(placed.json())


async def test_the_order_page_and_email_give_everything_to_pay_by_transfer(shop: Shop):
    client = shop.client
    cart = await cart_with(client, (shop.world.tea.id, 1))
    order = await _placed(shop, checkout_body(cart, payment="bank_transfer", pickup="SP-A", language="ko"))
    number, token = order["number"], order["token"]
    for lang, bank in (("en", "Bank"), ("vi", "Ngân hàng"), ("ko", "은행")):
        page = await client.get(f"/orders/{number}", params={"token": token, "lang": lang})
        section = page.text[page.text.index('class="transfer"') :]
        for shown in (bank, "Agribank", "1234567890123", "SO CONG THUONG", number, "<svg"):
            assert shown in section, shown
    image = await client.get(f"/orders/{number}/vietqr.png", params={"token": token})
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert (await client.get(f"/orders/{number}/vietqr.png", params={"token": "guess"})).status_code == 404
    await deliver_mail(shop.client)
    mail = _mail_about(shop, number)
    for shown in ("Agribank", "1234567890123", "SO CONG THUONG", f"/orders/{number}/vietqr.png?token="):
        assert shown in mail, shown


async def _move(shop: Shop, number: str, action: str, body: dict[str, object] | None = None) -> None:
    queue = (await shop.client.get("/api/v1/fulfilments", headers=shop.admin)).json()
    items = queue["items"] if isinstance(queue, dict) else queue
    fulfilment = next(f for f in items if f["order"] == number)
    if action == "deliver":
        body = {"cash_collected_vnd": fulfilment["amount_to_collect_vnd"]}
    moved = await shop.client.post(
        f"/api/v1/fulfilments/{fulfilment['id']}/{action}", json=body or {}, headers=shop.admin
    )
    assert moved.status_code in (200, 201), moved.text


async def _tracking(shop: Shop, order: dict[str, str], lang: str = "en") -> httpx.Response:
    return await shop.client.get(f"/orders/{order['number']}", params={"token": order["token"], "lang": lang})


def _progress(page: httpx.Response) -> str:
    found = re.search(r'data-progress="([^"]+)"', page.text)
    assert found
    return found[1]


async def test_tracking_shows_each_parcels_steps_and_a_carrier_link_and_follows_them(shop: Shop):
    cart = await cart_with(shop.client, (shop.world.honey.id, 1))
    order = await _placed(shop, checkout_body(cart, province=shop.province, commune=shop.commune))
    assert _progress(await _tracking(shop, order)) == "waiting"
    await _move(shop, order["number"], "accept")
    page = await _tracking(shop, order)
    assert _progress(page) == "preparing" and 'data-step="accepted" aria-current="step"' in page.text
    await _move(shop, order["number"], "ship", {"carrier": "GHN", "tracking_number": "GY7X 12"})
    page = await _tracking(shop, order, "ko")
    assert _progress(page) == "shipped" and "배송 중" in page.text
    assert 'href="https://donhang.ghn.vn/?order_code=GY7X%2012"' in page.text
    await _move(shop, order["number"], "deliver")
    page = await _tracking(shop, order, "vi")
    assert _progress(page) == "done" and "Đã giao" in page.text
    assert page.text.count('class="done"') == 4


async def test_a_pickup_order_says_where_and_when_to_collect(shop: Shop):
    cart = await cart_with(shop.client, (shop.world.noodles.id, 2))  # SP-A holds 3
    order = await _placed(shop, checkout_body(cart, pickup="SP-A"))
    page = await _tracking(shop, order)
    section = page.text[page.text.index('class="pickup"') :]
    assert "Điểm bán A" in section and "openstreetmap.org/search" in section
    assert "Once the status above says “Ready to collect”" in section
    assert 'data-step="shipped"' not in page.text  # the sales point sends nothing: no shipping step
    await _move(shop, order["number"], "accept")
    await _move(shop, order["number"], "pack")
    ready = await _tracking(shop, order, "ko")
    assert _progress(ready) == "ready" and "지금 준비되었습니다" in ready.text
    await _move(shop, order["number"], "ship", {"carrier": "Tại quầy", "tracking_number": order["number"]})
    await _move(shop, order["number"], "deliver")
    done = await _tracking(shop, order)
    assert _progress(done) == "done" and "Collected. Thank you!" in done.text


async def test_a_pickup_point_chosen_among_the_others_stays_chosen_and_shown_after_an_error(shop: Shop):
    """The points the producers send the products to are folded away; one chosen there is
    shown open and still checked when the form comes back with an error."""
    page, hidden = await _checkout_form(shop, "en", (shop.world.noodles.id, 1))
    others = page.split('<details class="more-points"', 1)
    assert len(others) == 2 and not others[1].startswith(" open")  # folded: a shop holds the noodles
    code = re.search(r'name="sales_point_code" value="([^"]+)"', others[1])
    assert code
    fields = hidden | {"name": "Lan", "email": "lan@example.vn", "phone": "", "payment": "cod"}
    answer = await shop.client.post(
        "/checkout", data=fields | {"delivery": "pickup", "sales_point_code": code[1]}, params={"lang": "en"}
    )
    assert answer.status_code == 422 and 'id="error-phone"' in answer.text
    assert '<details class="more-points" open' in answer.text
    assert re.search(rf'name="sales_point_code" value="{re.escape(code[1])}" checked', answer.text)


async def _many_points(session: AsyncSession) -> tuple[str, str]:
    """More sales points than the form lists at once, alternately in two provinces (by their
    areas): answers the provinces' codes."""
    provinces = await factories.provinces(session, 2)
    for n in range(FEW_POINTS + 2):
        await factories.location(
            session, code=f"SP-LONG-{n}", name=f"Điểm bán xa {n:02d}", province_id=provinces[n % 2].id
        )
    await session.commit()
    return provinces[0].code, provinces[1].code


async def test_a_long_list_of_pickup_points_is_shown_a_province_at_a_time(shop: Shop, session: AsyncSession):
    """Some 600 points nationally: those holding the cart are listed, the others of the
    province the buyer picks; the script fetches a province's list, without it the form is
    posted to show it, and a point chosen brings its province's list back after an error."""
    first, second = await _many_points(session)
    page, hidden = await _checkout_form(shop, "en", (shop.world.noodles.id, 1))
    assert re.search(r'value="SP-A".*?Has all your products', page, re.S)  # holds the noodles
    assert "SP-LONG-" not in page and 'id="pickup-province"' in page
    assert "Choose a province or city to see its sales points." in page
    assert re.search(rf'<option value="{second}">[^<]+ \(16\)</option>', page)

    listed = await shop.client.get("/checkout/pickup-points", params={"province": first, "lang": "en"})
    codes = re.findall(r'name="sales_point_code" value="([^"]+)"', listed.text)
    assert listed.status_code == 200 and listed.headers["content-type"].startswith("text/html")
    assert {f"SP-LONG-{n}" for n in range(0, FEW_POINTS + 2, 2)} <= set(codes)
    assert not any(code in {f"SP-LONG-{n}" for n in range(1, FEW_POINTS + 2, 2)} for code in codes)

    fields = hidden | {"name": "Lan", "email": "lan@example.vn", "phone": "", "payment": "cod"}
    fields |= {"delivery": "pickup", "pickup_province": second}
    shown = await shop.client.post("/checkout", data=fields | {"show_points": "1"}, params={"lang": "en"})
    assert shown.status_code == 200 and 'class="alert"' not in shown.text  # no error: only shown
    assert 'value="SP-LONG-1"' in shown.text and 'value="SP-LONG-0"' not in shown.text
    assert f'<option value="{second}" selected>' in shown.text and 'value="Lan"' in shown.text

    chosen = fields | {"pickup_province": "", "sales_point_code": "SP-LONG-3"}
    refused = await shop.client.post("/checkout", data=chosen, params={"lang": "en"})
    assert refused.status_code == 422 and 'id="error-phone"' in refused.text
    assert re.search(r'name="sales_point_code" value="SP-LONG-3" checked', refused.text)
    placed = await shop.client.post("/checkout", data=chosen | {"phone": "0912345678"})
    assert placed.status_code == 303 and placed.headers["location"].startswith("/orders/")
    order = await shop.client.get(placed.headers["location"] + "&lang=en")
    assert "Điểm bán xa 03" in order.text[order.text.index('class="pickup"') :]


async def test_a_province_list_needs_a_cart_and_a_short_code(shop: Shop):
    no_cart = await shop.client.get("/checkout/pickup-points", params={"province": "01"})
    assert no_cart.status_code == 404
    await _checkout_form(shop, "en", (shop.world.noodles.id, 1))
    too_long = await shop.client.get("/checkout/pickup-points", params={"province": "x" * 11})
    assert too_long.status_code == 400
    unknown = await shop.client.get("/checkout/pickup-points", params={"province": "ZZ"})
    assert unknown.status_code == 200 and unknown.text == ""
