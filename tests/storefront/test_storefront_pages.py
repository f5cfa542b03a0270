"""The tourist's pages over HTTP like a browser (cookies, CSRF): browse, cart, checkout by
cash on delivery, the tracking page, languages and approximate prices."""

from __future__ import annotations

import re

import sqlalchemy as sa

from shop.catalog import cache
from shop.catalog.models import Product, ProductTranslation
from shop.geo.models import Place, PlaceEra, PlaceLevel
from tests.inventory.test_pos_pages import _token, login
from tests.storefront.conftest import Shop
from tests.storefront.support import cart_with, checkout_body, stock


def _key(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match, "no idempotency key on the checkout form"
    return match.group(1)


async def test_a_visitor_buys_with_cash_on_delivery_through_the_pages(shop: Shop, database_url):
    client, w = shop.client, shop.world
    home = await client.get("/?lang=en")
    assert home.status_code == 200 and "Featured: 5★ and 4★ products" in home.text
    listing = await client.get("/products", params={"q": "mat ong", "max_price": 60_000})
    assert "Mật ong bạc hà" in listing.text and "≈ $1.92" in listing.text  # 50 000 ₫ at 26 000 ₫/US$
    assert 'name="max_price" min="0" step="1000" inputmode="numeric" value="60000"' in listing.text
    product = await client.get(f"/products/{w.honey.slug}")
    assert "Add to cart" in product.text and "10 available online" in product.text
    assert f'href="/t/{w.honey.trace_code}"' in product.text

    added = await client.post(
        "/cart/lines", data={"_csrf_token": _token(product.text), "product_id": w.honey.id, "quantity": 2}
    )
    assert added.status_code == 303 and added.headers["location"] == "/cart"
    assert "cart" in client.cookies
    cart = await client.get("/cart")
    assert "Mật ong bạc hà" in cart.text and 'data-subtotal="100000"' in cart.text
    too_many = await client.post(
        "/cart/lines", data={"_csrf_token": _token(cart.text), "product_id": w.honey.id, "quantity": 20}
    )
    assert too_many.status_code == 409 and "Only 10 of Mật ong bạc hà left." in too_many.text
    # A quantity of 0 takes the line out, and the cart says which; putting it back is a click away.
    emptied = await client.post(
        f"/cart/lines/{w.honey.id}", data={"_csrf_token": _token(cart.text), "quantity": 0}
    )
    assert emptied.status_code == 303 and emptied.headers["location"] == f"/cart?removed={w.honey.id}"
    told = await client.get(emptied.headers["location"])
    assert (
        "Mật ong bạc hà was removed from your cart." in told.text
        and 'data-subtotal="100000"' not in told.text
    )
    assert f'href="/products/{w.honey.slug}"' in told.text
    assert "removed from your cart" not in (await client.get("/cart?removed=abc")).text
    again = await client.post(
        "/cart/lines", data={"_csrf_token": _token(cart.text), "product_id": w.honey.id, "quantity": 2}
    )
    assert again.status_code == 303
    assert (
        "removed from your cart" not in (await client.get(f"/cart?removed={w.honey.id}")).text
    )  # back in it

    form = await client.get("/checkout")
    assert form.status_code == 200 and "Cash on delivery" in form.text
    fields = {
        "_csrf_token": _token(form.text),
        "idempotency_key": _key(form.text),
        "name": "Jane Tourist",
        "email": "jane@example.com",
        "phone": "0912345678",
        "delivery": "ship",
        "province_code": shop.province,
        "commune_code": "",
        "street": "1 Lê Lợi",
        "payment": "cod",
    }
    missing = await client.post("/checkout", data=fields)
    assert missing.status_code == 422 and "Choose a commune of this province." in missing.text
    assert 'value="Jane Tourist"' in missing.text  # nothing typed is lost
    assert f'<option value="{shop.commune}"' in missing.text  # the province's communes, without JS
    placed = await client.post("/checkout", data=fields | {"commune_code": shop.commune})
    assert placed.status_code == 303 and "placed=1" in placed.headers["location"]
    twice = await client.post("/checkout", data=fields | {"commune_code": shop.commune})  # a double click
    assert (
        twice.status_code == 303
        and twice.headers["location"].split("&")[0] == placed.headers["location"].split("&")[0]
    )
    page = await client.get(placed.headers["location"])
    assert page.status_code == 200 and "Thank you! Your order is placed" in page.text
    assert "Waiting for the producer" in page.text and "Kho Tài Hoan" in page.text
    # Where it goes and who to call, for the buyer to check: as typed, places by their names.
    tracked = await client.get(f"/api/v1/orders/{page.url.path.rsplit('/', 1)[1]}", params=page.url.params)
    ship_to, contact = tracked.json()["ship_to"], tracked.json()["contact"]
    assert ship_to["street"] == "1 Lê Lợi" and ship_to["commune"] and ship_to["province"]
    assert contact == {"name": "Jane Tourist", "email": "jane@example.com", "phone": "0912345678"}
    address = f"1 Lê Lợi, {ship_to['commune']}, {ship_to['province']}"
    assert address in page.text and "Jane Tourist" in page.text and 'href="tel:0912345678"' in page.text
    assert "Times are Vietnam time (UTC+7)." in page.text  # a tourist's phone may be on another
    assert await stock(database_url, w.honey.id, w.warehouse.id) == (10, 2)
    emptied = await client.get("/cart")
    assert "Your cart is empty." in emptied.text  # the ordered cart is closed


async def test_pages_speak_the_visitors_language_and_keep_the_page(shop: Shop):
    client, w = shop.client, shop.world
    korean = await client.get("/products", params={"q": "mat ong", "lang": "ko"})
    assert korean.status_code == 200 and '<html lang="ko">' in korean.text
    # The switcher keeps the search: its form carries the query's fields.
    assert '<input type="hidden" name="q" value="mat ong">' in korean.text
    product = await client.get(f"/products/{w.honey.slug}", params={"lang": "fr"})
    assert "vietnamien" in product.text and "Ajouter au panier" in product.text
    point = await client.get("/sales-points/SP-A", params={"lang": "en"})
    assert point.status_code == 200 and "Open in a map" in point.text
    missing = await client.get("/orders/OC999999", params={"token": "x", "lang": "en"})
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


async def test_a_mistyped_address_answers_in_the_visitor_s_language(shop: Shop):
    client = shop.client
    await client.get("/products", params={"lang": "ko"})  # the choice, kept in a cookie
    lost = await client.get("/no-such-page")
    assert lost.status_code == 404 and '<html lang="ko">' in lost.text
    assert "Không tìm thấy" not in lost.text  # Vietnamese, before: no route, no language hook
    # The page's title and heading say "Not found." once each, then what may have happened.
    assert lost.text.count("찾을 수 없습니다") == 2 and "주소를 잘못 입력했거나" in lost.text
    # A hand-edited filter: a friendly page, without the validator's words or field names.
    edited = await client.get("/products", params={"min_price": "abc", "lang": "en"})
    assert edited.status_code == 400 and "Some fields are not valid." in edited.text
    assert "Expected" not in edited.text and "min_price" not in edited.text.split("<main", 1)[-1]
    assert 'rel="icon"' in edited.text  # no /favicon.ico asked (and missed) on every page


async def test_the_province_filter_suggests_the_provinces_products_come_from(shop: Shop, session):
    province = await session.scalar(sa.select(Place).where(Place.code == shop.province))
    assert province is not None
    honey = sa.update(Product).where(Product.id == shop.world.honey.id)
    await session.execute(honey.values(origin_province_id=province.id))
    await session.commit()
    cache.catalog_changed()
    listing = await shop.client.get("/products", params={"lang": "en"})
    suggested = re.search(r'<datalist id="provinces">(.*?)</datalist>', listing.text)
    assert suggested
    options = re.findall(r'<option value="([^"]+)">', suggested.group(1))
    origins = sa.select(Product.origin_province_id).where(Product.origin_province_id.is_not(None))
    others = sa.select(Place.short_name).where(
        Place.era == PlaceEra.current, Place.level == PlaceLevel.province, Place.id.not_in(origins)
    )
    no_products = list(await session.scalars(others))
    assert province.short_name in options and no_products  # the map has provinces without products
    assert not set(no_products) & set(options)


async def test_sold_out_names_the_product_as_the_visitor_reads_it(shop: Shop, session):
    client, w = shop.client, shop.world
    session.add(ProductTranslation(product_id=w.honey.id, language="en", name="Mint honey"))
    await session.commit()
    product = await client.get(f"/products/{w.honey.slug}", params={"lang": "en"})
    too_many = await client.post(
        "/cart/lines", data={"_csrf_token": _token(product.text), "product_id": w.honey.id, "quantity": 20}
    )
    assert too_many.status_code == 409 and "Only 10 of Mint honey left." in too_many.text
    vietnamese = await client.get(f"/products/{w.honey.slug}", params={"lang": "vi"})
    again = await client.post(
        "/cart/lines", data={"_csrf_token": _token(vietnamese.text), "product_id": w.honey.id, "quantity": 20}
    )
    assert "Mật ong bạc hà" in again.text and "Mint honey" not in again.text


async def test_the_office_confirms_a_bank_transfer_on_its_page(shop: Shop):
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.tea.id, 1))
    body = checkout_body(cart, payment="bank_transfer", pickup="SP-A")
    placed = (await client.post("/api/v1/checkout", json=body)).json()
    tracking = await client.get(
        f"/orders/{placed['number']}", params={"token": placed["token"], "lang": "en"}
    )
    assert "Pay by bank transfer" in tracking.text and "<svg" in tracking.text

    anonymous = await client.get("/office/orders/", follow_redirects=False)
    assert anonymous.status_code in (302, 303, 401)
    await login(client, w.admin)
    page = await client.get("/office/orders/?lang=en")
    assert placed["number"] in page.text and "Confirm transfer received" in page.text
    wrong = await client.post(
        f"/office/orders/{placed['number']}/transfer-received",
        data={"_csrf_token": _token(page.text), "amount_vnd": "x"},
    )
    assert wrong.status_code == 422 and "Enter the amount received." in wrong.text
    confirmed = await client.post(
        f"/office/orders/{placed['number']}/transfer-received",
        data={
            "_csrf_token": _token(page.text),
            "amount_vnd": str(placed["total_vnd"]),
            "bank_reference": "FT26337001",
        },
    )
    assert confirmed.status_code == 303
    after = await client.get(confirmed.headers["location"])
    assert f"Transfer confirmed for order {placed['number']}." in after.text
    status = await client.get(f"/api/v1/orders/{placed['number']}", params={"token": placed["token"]})
    assert status.json()["status"] == "paid"
