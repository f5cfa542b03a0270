"""How many SQL statements the uncached storefront pages cost (issue 20): a product page on a
cold cache, whatever the language, and placing an order through the pages. Each guards
against a query creeping back in (an N+1, a second connection's set-up)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from shop.catalog import cache
from tests.storefront.conftest import Shop


@contextmanager
def statements(shop: Shop) -> Iterator[list[str]]:
    seen: list[str] = []

    def listener(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
        seen.append(statement)

    engine = shop.client.app.state.db.engine.sync_engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def _sql(seen: list[str]) -> list[str]:
    """The statements that reach the database for data (not BEGIN / COMMIT / ROLLBACK)."""
    return [s for s in seen if s.split(None, 1)[0].upper() not in {"BEGIN", "COMMIT", "ROLLBACK"}]


@pytest.mark.parametrize("lang", ["vi", "en", "fr"])
async def test_a_product_page_on_a_cold_cache_costs_four_statements(shop: Shop, lang: str):
    """The product with its producer, group, certificates, texts, quality certifications,
    photos and its stock per location; the place names; the locations; the exchange rates
    (was 11 in Vietnamese, 13 in other languages, then 6, then 4, then 3 with the locations
    joined in the product's statement, which PostgreSQL hashed whole for every page)."""
    cache.catalog_changed()  # nothing read before
    cache.forget_place_names()
    with statements(shop) as seen:
        page = await shop.client.get(f"/products/{shop.world.noodles.slug}", params={"lang": lang})
    assert page.status_code == 200
    assert len(_sql(seen)) <= 4, _sql(seen)
    # A second product: the place names are known by now (the locations and the rates went
    # with the drop).
    cache.catalog_changed()
    with statements(shop) as seen:
        page = await shop.client.get(f"/products/{shop.world.honey.slug}", params={"lang": lang})
    assert page.status_code == 200
    assert len(_sql(seen)) <= 3, _sql(seen)
    # Warm: the product's own statement only.
    with statements(shop) as seen:
        page = await shop.client.get(f"/products/{shop.world.tea.slug}", params={"lang": lang})
    assert page.status_code == 200
    assert len(_sql(seen)) == 1, _sql(seen)


async def test_the_quality_certifications_read_with_the_product_keep_their_order_and_dates(shop: Shop):
    """They come as a JSON column of the product's row (json_agg / json_group_array): kinds,
    numbers and dates read back as the API gives them, in the kinds' order."""
    client, w = shop.client, shop.world
    for body in (
        {"kind": "vietgap", "number": "VG-1", "valid_from": "2025-01-02", "valid_until": "2027-12-31"},
        {"kind": "haccp", "number": None, "issuer": "Bureau Veritas"},
    ):
        added = await client.post(
            f"/api/v1/products/{w.honey.id}/quality-certifications", json=body, headers=shop.admin
        )
        assert added.status_code in (200, 201), added.text
    cache.catalog_changed()
    detail = (await client.get(f"/api/v1/products/{w.honey.id}")).json()
    assert [
        (q["kind"], q["number"], q["issuer"], q["valid_from"], q["valid_until"])
        for q in detail["quality_certifications"]
    ] == [
        ("haccp", None, "Bureau Veritas", None, None),
        ("vietgap", "VG-1", None, "2025-01-02", "2027-12-31"),
    ]
    page = await client.get(f"/products/{w.honey.slug}", params={"lang": "en"})
    assert "VietGAP" in page.text and "HACCP" in page.text


async def test_the_page_offer_is_what_the_cart_and_the_api_promise(shop: Shop, database):
    """The product's own statement gives both what the storefront shows (where it is sold,
    how many one order can have), and they agree with inventory's and checkout's own answers."""
    from shop.catalog import product_queries
    from shop.catalog.sellability import today
    from shop.db import dialect_of
    from shop.inventory import availability
    from shop.orders import routing

    w = shop.world
    async with database.read_sessions() as session:
        for product in (w.noodles, w.honey, w.tea):
            where_sold = product_queries.Also(routing.offer_column(dialect_of(session)), {"on": today()})
            _, producer, sold = await product_queries.product_detail_with_producer(
                session, product.slug, on=today(), language="vi", also=where_sold
            )
            offer = routing.offer_from(sold, await routing.locations_on(session, today()), producer.id)
            online = (await routing.available(session, [product.id], on=today()))[product.id]
            points = await availability.where_available(session, product.id, on=today())
            assert offer.online == online
            assert offer.points == [(p.sales_point, p.name, p.kind, p.available) for p in points]
    assert offer.online == 10  # tea, at Đồng Văn's warehouse


def _guest_order(shop: Shop, form: str) -> dict[str, str]:
    """What a guest types into the checkout form ``form`` (its tokens kept): cash, delivered."""
    import re

    key = re.search(r'name="idempotency_key" value="([^"]+)"', form)
    token = re.search(r'name="_csrf_token" value="([^"]+)"', form)
    assert key and token
    return {
        "_csrf_token": token[1],
        "idempotency_key": key[1],
        "name": "Jane Tourist",
        "email": "jane@example.com",
        "phone": "0912345678",
        "delivery": "ship",
        "province_code": shop.province,
        "commune_code": shop.commune,
        "street": "1 Trần Hưng Đạo",
        "payment": "cod",
    }


async def test_a_guest_checkout_through_the_pages_costs_few_statements(shop: Shop):
    """The checkout form and its POST (the order placed, its stock reserved, its emails
    queued), counted so that a query per line or a second connection shows."""
    import re

    client = shop.client
    product = await client.get(f"/products/{shop.world.honey.slug}")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', product.text)
    assert token
    with statements(shop) as add_seen:
        added = await client.post(
            "/cart/lines", data={"_csrf_token": token[1], "product_id": shop.world.honey.id, "quantity": 1}
        )
    assert added.status_code == 303
    # A first line starts a cart: the product with its stock read (was apart), the cart and the
    # line written (was 8: the new cart read back, its lines looked up and counted, its time
    # updated).
    assert len(_sql(add_seen)) <= 3, _sql(add_seen)
    with statements(shop) as form_seen:
        form = await client.get("/checkout")
    assert form.status_code == 200
    fields = _guest_order(shop, form.text)
    with statements(shop) as post_seen:
        placed = await client.post("/checkout", data=fields)
    assert placed.status_code == 303 and "placed=1" in placed.headers["location"], placed.text
    # The form: the cart with its lines and what each warehouse and pickup point holds of
    # their products (were 2 statements), the products, producers and groups (not cached
    # yet here), the points (the rates and provinces are known by now).
    assert len(_sql(form_seen)) <= 5, _sql(form_seen)
    # Placing it: 14 on PostgreSQL, 16 on SQLite (was 25: the key looked up twice, the
    # province and the commune apart, and a cash order's payment read back after the commit;
    # then 21: the products read again to reserve them, and the producers of the locations
    # apart from their stock; then 19: the reservation and its movement apart; then 18: the
    # lines apart from their products, and the producers to tell read back; then 17: the key
    # looked up before the cart was claimed, when only a claimed cart can have an order). On
    # PostgreSQL the order's id is taken from its sequence first and the order inserted with
    # its number, where SQLite updates the number after the insert; then 16: where each
    # product can come from read with the lines.
    # The address's province and commune are read once per process: a later order does not.
    assert len(_sql(post_seen)) <= 16, _sql(post_seen)
    with statements(shop) as order_seen:
        order = await client.get(placed.headers["location"])
    assert order.status_code == 200
    # The order's page: the order, its fulfilments with their lines (were apart), its
    # history, and its payment's status with whether it has invoices (were apart, the
    # invoices read only when it has some) with the order itself; the lines' photos come with
    # the lines (were apart).
    assert len(_sql(order_seen)) <= 3, _sql(order_seen)


@contextmanager
def transactions(shop: Shop) -> Iterator[list[str]]:
    """The BEGIN, COMMIT and ROLLBACK that PostgreSQL receives (asyncpg sends them as simple
    queries, which its query loggers see; the data statements are prepared, and not seen)."""
    seen: list[str] = []
    watched: list[Any] = []

    def logged(query: object) -> None:
        word = str(getattr(query, "query", "")).split(None, 1)[0].upper().rstrip(";")
        if word in {"BEGIN", "COMMIT", "ROLLBACK"}:
            seen.append(word)

    def lent(dbapi_conn: object, _record: object, _proxy: object) -> None:
        driver = getattr(dbapi_conn, "driver_connection", None)
        if driver is not None and driver not in watched:
            driver.add_query_logger(logged)
            watched.append(driver)

    engine = shop.client.app.state.db.engine.sync_engine  # type: ignore[attr-defined]
    event.listen(engine, "checkout", lent)
    try:
        yield seen
    finally:
        event.remove(engine, "checkout", lent)
        for driver in watched:
            driver.remove_query_logger(logged)


async def test_the_cart_the_checkout_form_and_the_order_page_read_without_a_transaction(shop: Shop):
    """Pages that only read send PostgreSQL their reads alone, each on its own: no BEGIN
    and ROLLBACK around them (two round trips a page); adding to the cart and placing the
    order still write in one transaction each."""
    import re

    if shop.client.app.state.db.dialect != "postgresql":  # type: ignore[attr-defined]
        pytest.skip("SQLite's reads begin by hand, in the same process")
    client = shop.client
    product = await client.get(f"/products/{shop.world.honey.slug}")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', product.text)
    assert token
    with transactions(shop) as added_seen:
        added = await client.post(
            "/cart/lines", data={"_csrf_token": token[1], "product_id": shop.world.honey.id, "quantity": 1}
        )
    assert added.status_code == 303
    assert added_seen == ["BEGIN", "COMMIT"]
    with transactions(shop) as cart_seen:
        cart = await client.get("/cart")
    with transactions(shop) as form_seen:
        form = await client.get("/checkout")
    assert cart.status_code == 200 and shop.world.honey.name in cart.text
    assert form.status_code == 200
    fields = _guest_order(shop, form.text)
    with transactions(shop) as placed_seen:
        placed = await client.post("/checkout", data=fields)
    assert placed.status_code == 303, placed.text
    assert placed_seen == ["BEGIN", "COMMIT"]
    with transactions(shop) as order_seen:
        order = await client.get(placed.headers["location"])
    number = placed.headers["location"].split("/orders/", 1)[1].split("?", 1)[0]
    assert order.status_code == 200 and number in order.text
    assert (cart_seen, form_seen, order_seen) == ([], [], [])


async def test_a_carts_products_are_read_once_until_the_catalog_changes(shop: Shop):
    """The cart's page reads its products; its checkout form (and the cart again) reads none
    of them within the catalog cache's seconds, and a price changed by the office shows at
    once (every catalog change drops them)."""
    import re

    client, honey = shop.client, shop.world.honey
    product = await client.get(f"/products/{honey.slug}")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', product.text)
    assert token
    added = await client.post("/cart/lines", data={"_csrf_token": token[1], "product_id": honey.id})
    assert added.status_code == 303

    def reads_products(seen: list[str]) -> bool:
        return any("product.slug" in sql for sql in _sql(seen))

    with statements(shop) as cart_seen:
        assert (await client.get("/cart", params={"lang": "en"})).status_code == 200
    with statements(shop) as form_seen:
        assert (await client.get("/checkout", params={"lang": "en"})).status_code == 200
    assert reads_products(cart_seen) and not reads_products(form_seen)
    # The cart's page reads its lines with what can be ordered of each (were apart).
    assert not [sql for sql in _sql(cart_seen) if sql.startswith("SELECT stock_level")], _sql(cart_seen)
    path = f"/api/v1/products/{honey.id}"
    changed = await client.patch(path, json={"price_vnd": 123_000}, headers=shop.admin)
    assert changed.status_code == 200, changed.text
    with statements(shop) as again_seen:
        cart = await client.get("/cart", params={"lang": "en"})
    assert reads_products(again_seen) and "₫123,000" in cart.text
