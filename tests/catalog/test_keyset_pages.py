"""Deep pages of the product list are read from their first key (keyset): the same products
as skipping rows with OFFSET, for every sort order, with ties, translated names and past the end."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from shop.catalog import queries
from tests import factories as f

SORTS = ("name", "-name", "price", "-price", "stars", "-stars", "newest")


async def _pages(session, sort: str, language: str, pages: int) -> list[list[int]]:
    filters = queries.ProductFilter(sort=sort)
    found = []
    for page in range(1, pages + 1):
        result = await queries.list_products(
            session, filters, page=page, page_size=3, on=f.TODAY, language=language
        )
        found.append([item.id for item in result.items])
    return found


async def test_a_deep_page_holds_what_offset_gave(session, monkeypatch):
    for n in range(14):  # prices, stars and names tie, so the id decides
        translations = [{"language": "en", "name": f"Product {n % 4}"}] if n % 3 == 0 else []
        await f.certified_product(
            session,
            3 + n % 3,
            name=f"Sản phẩm {n % 5}",
            price_vnd=10_000 * (n % 4),
            translations=translations,
        )
    await f.product(session, name="Chưa chứng nhận")  # not sellable: in no page
    await session.commit()
    for sort in SORTS:
        for language in ("vi", "en"):
            monkeypatch.setattr(queries, "SEEK_FROM", 10**9)
            skipped = await _pages(session, sort, language, 6)
            monkeypatch.setattr(queries, "SEEK_FROM", 3)
            sought = await _pages(session, sort, language, 6)
            assert sought == skipped, (sort, language)
            assert sorted(i for page in sought for i in page) == sorted({i for p in sought for i in p})
            assert len([i for page in sought for i in page]) == 14 and sought[5] == []


async def test_a_deep_page_joins_nothing_to_the_rows_it_skips(session, database, monkeypatch):
    for n in range(8):
        await f.certified_product(session, 4, price_vnd=1_000 * n)
    await session.commit()
    monkeypatch.setattr(queries, "SEEK_FROM", 3)
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(database.engine.sync_engine, "before_cursor_execute", record)
    page = await queries.list_products(
        session, queries.ProductFilter(sort="-price"), page=2, page_size=3, on=f.TODAY, language="vi"
    )
    event.remove(database.engine.sync_engine, "before_cursor_execute", record)
    assert [p.price_vnd for p in page.items] == [4_000, 3_000, 2_000]
    rows = [s for s in statements if "stored_image" in s]
    assert len(rows) == 1 and "(product.price_vnd, product.id) <=" in rows[0]  # from its first key
    # That key is known without a scan up to it: the page keys were read once, all at a time.
    assert rows[0].upper().count("SELECT") == 1  # bound, not a subquery counting its way there
    assert sum("row_number()" in s.lower() for s in statements) == 1


@pytest.mark.parametrize("page", [1, 2, 40])
async def test_pages_past_the_first_and_the_last(session, monkeypatch, page):
    for _ in range(4):
        await f.certified_product(session)
    await session.commit()
    monkeypatch.setattr(queries, "SEEK_FROM", 1)
    result = await queries.list_products(
        session, queries.ProductFilter(), page=page, page_size=3, on=f.TODAY, language="vi"
    )
    assert (len(result.items), result.total) == ({1: 3, 2: 1, 40: 0}[page], 4)
