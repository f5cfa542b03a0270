"""Reading the catalog: the product list with its filters, sort and pages. Its rows become
cards in ``product_cards.py`` (as do a cart's and an order's); one product's page is read in
``product_queries.py``, the groups in ``group_queries.py``, producers in ``producer_queries.py``.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from shop.catalog import cache, product_cards, schemas
from shop.catalog.models import Producer, Product, ProductGroup, ProductTranslation
from shop.catalog.sellability import sellable_product_clause
from shop.db import database_key
from shop.errors import InvalidInput, field_error
from shop.geo import services as geo
from shop.geo.models import PlaceEra
from shop.i18n import N_
from shop.paging import Page
from shop.text import search_terms

NameColumn = sa.ColumnElement[str] | InstrumentedAttribute[str]
SORTS = ("name", "-name", "price", "-price", "stars", "-stars", "newest")
MAX_PAGE_SIZE = 100


@runtime_checkable  # the app hands it to the API as a dependency, which Litestar checks
class Stock(Protocol):
    """What the catalog asks of stock, answered by inventory (``shop.inventory.availability``,
    passed in by the pages and the API above both): the catalog imports no stock."""

    async def in_stock_at(self, session: AsyncSession, code: str) -> sa.ColumnElement[bool]:
        """Products with a unit available at this sales point (an error if there is none)."""
        ...

    async def where_available(
        self, session: AsyncSession, product_id: int, *, on: dt.date
    ) -> list[schemas.AvailabilityOut]:
        """Where the product can be bought on that day."""
        ...


@dataclass(frozen=True, kw_only=True)
class ProductFilter:
    q: str | None = None
    province: str | None = None
    group: str | None = None
    min_stars: int | None = None
    producer: str | None = None
    sales_point: str | None = None  # only products available there now (asks the stock)
    min_price: int | None = None  # VND, inclusive
    max_price: int | None = None
    sort: str = "name"
    include_unsellable: bool = False  # the office sees every product


def _with_display_name(stmt: sa.Select[Product], language: str) -> tuple[sa.Select[Product], NameColumn]:
    """``stmt`` joined to the translations a visitor in ``language`` reads, and the name they
    read (to sort by it)."""
    names: list[NameColumn] = []
    for lang in product_cards.text_languages(language):
        translation = aliased(ProductTranslation, name=f"name_{lang}")
        stmt = stmt.outerjoin(
            translation, sa.and_(translation.product_id == Product.id, translation.language == lang)
        )
        names.append(translation.name)
    return stmt, sa.func.coalesce(*names, Product.name) if names else Product.name


def _sort_key(sort: str, name: NameColumn = Product.name) -> tuple[Any, bool]:
    """The column a sort orders by (before the id, which breaks ties) and whether it descends."""
    columns: dict[str, Any] = {"name": name, "price": Product.price_vnd, "stars": Product.stars}
    column = Product.created_at if sort == "newest" else columns[sort.removeprefix("-")]
    return column, sort.startswith("-") or sort == "newest"


def _order_by(sort: str, name: NameColumn = Product.name) -> list[sa.UnaryExpression[Any]]:
    column, descending = _sort_key(sort, name)
    if descending:
        return [column.desc(), Product.id.desc()]
    return [column.asc(), Product.id.asc()]


# From this many rows skipped on, a page is read from its first key (keyset, or seek,
# pagination) rather than by skipping rows: OFFSET 19 176 joined every skipped row to its
# photo, about 190 ms on PostgreSQL for page 800 of the national catalog.
SEEK_FROM = 5 * 24


def _seek(
    stmt: sa.Select[Any], sort: str, name: NameColumn, skip: int | sa.BindParameter[int]
) -> sa.Select[Any]:
    """``stmt`` narrowed to the rows from the ``skip``-th on in the sort's order (none when
    there are no rows that far), in the same statement. The first key is found by a
    subquery counting entries of the sort's index (its columns also hold the sellable rule's,
    ``ix_product_list_*``), which reads no row and joins nothing; the page then starts at that
    key and reads its rows only. ``(key, id)`` is unique and both run the same way, so the
    page holds what OFFSET would. The subquery stands alone (no correlation), and a row
    compared with no row is NULL: past the end, the page is empty."""
    column, descending = _sort_key(sort, name)
    first = (
        stmt.with_only_columns(column, Product.id)
        .order_by(*_order_by(sort, name))
        .offset(skip)
        .limit(1)
        .correlate(None)
        .scalar_subquery()
    )
    key = sa.tuple_(column, Product.id)
    return stmt.where(key <= first if descending else key >= first)


async def _province_clause(session: AsyncSession, text: str) -> sa.ColumnElement[bool]:
    provinces = await geo.find_provinces(session, text)
    if not provinces:
        raise InvalidInput(errors=[field_error("province", N_("No province named {name}."), name=text)])
    current = [p.id for p in provinces if p.era == PlaceEra.current]
    legacy = [p.id for p in provinces if p.era == PlaceEra.legacy]
    return sa.or_(Product.origin_province_id.in_(current), Product.legacy_province_id.in_(legacy))


async def _group_ids(session: AsyncSession, code: str) -> list[int]:
    rows = (
        (
            await session.execute(
                sa.select(ProductGroup.id).where(
                    sa.or_(
                        ProductGroup.code == code,
                        ProductGroup.parent_id.in_(
                            sa.select(ProductGroup.id).where(ProductGroup.code == code)
                        ),
                    )
                )
            )
        )
        .scalars()
        .all()
    )
    if not rows:
        raise InvalidInput(errors=[field_error("group", N_("No product group {code}."), code=code)])
    return list(rows)


def word_clause(term: str) -> sa.ColumnElement[bool]:
    """A folded word of a search in the product's search text. Words of scripts written
    with spaces and folded to ASCII (Vietnamese, English, French) match a word's start:
    "mat ong" is honey, not "aromatic" and "nong". Others (Chinese, Japanese, Korean, which
    write compounds without spaces: 蜂蜜 inside 野生蜂蜜) match anywhere. Either is a LIKE
    the trigram index serves (``search_text`` holds words between single spaces)."""
    if term.isascii():
        return sa.or_(Product.search_text.like(f"{term}%"), Product.search_text.like(f"% {term}%"))
    return Product.search_text.like(f"%{term}%")


def _search_clause(q: str | None) -> sa.ColumnElement[bool]:
    """Every word of ``q`` in the product's folded names (any language); a search of
    punctuation only matches nothing, never everything."""
    terms = search_terms(q)
    if not terms:
        return sa.false()
    return sa.and_(*(word_clause(term) for term in terms))


async def origin_province_ids(session: AsyncSession, on: dt.date) -> set[int]:
    """The provinces (today's map) some product on sale comes from: the ones worth suggesting
    in the list's province filter (a province's shop sells mostly its own)."""
    stmt = (
        sa.select(Product.origin_province_id)
        .where(sellable_product_clause(on), Product.origin_province_id.is_not(None))
        .distinct()
    )
    return {pid for pid in await session.scalars(stmt) if pid is not None}


async def _in_stock(session: AsyncSession, code: str, stock: Stock | None) -> sa.ColumnElement[bool]:
    if stock is None:
        raise ValueError("filtering by sales point needs the stock")
    return await stock.in_stock_at(session, code)


async def _filtered(
    session: AsyncSession, filters: ProductFilter, on: dt.date, stock: Stock | None
) -> sa.Select[Product]:
    stmt = sa.select(Product)
    if not filters.include_unsellable:
        stmt = stmt.where(sellable_product_clause(on))
    if filters.q and filters.q.strip():
        stmt = stmt.where(_search_clause(filters.q))
    if filters.province:
        stmt = stmt.where(await _province_clause(session, filters.province))
    if filters.group:
        stmt = stmt.where(Product.group_id.in_(await _group_ids(session, filters.group)))
    if filters.min_stars is not None:
        stmt = stmt.where(Product.stars >= filters.min_stars)
    if filters.producer:
        stmt = stmt.where(
            Product.producer_id.in_(sa.select(Producer.id).where(Producer.code == filters.producer))
        )
    if filters.sales_point:
        stmt = stmt.where(await _in_stock(session, filters.sales_point, stock))
    if filters.min_price is not None:
        stmt = stmt.where(Product.price_vnd >= filters.min_price)
    if filters.max_price is not None:
        stmt = stmt.where(Product.price_vnd <= filters.max_price)
    return stmt


@dataclass(frozen=True)
class _PageStatements:
    """A list's count and its page, as statements."""

    count: sa.Select[Any]
    page: sa.Select[Any]


def _page_statements(
    stmt: sa.Select[Product], sort: str, language: str, skip: int | sa.BindParameter[int], *, seek: bool
) -> _PageStatements:
    """The count of ``stmt``'s products and the page from the ``skip``-th on, read from its
    first key when ``seek`` (see ``_seek``), else by skipping rows; ``:size`` rows, bound
    when run."""
    count = stmt.with_only_columns(sa.func.count(Product.id)).order_by(None)
    name: NameColumn = Product.name
    if sort in ("name", "-name"):
        stmt, name = _with_display_name(stmt, language)
    if seek:
        stmt = _seek(stmt, sort, name, skip)
    page = product_cards.with_main_photo(stmt).order_by(*_order_by(sort, name))
    page = page.limit(sa.bindparam("size", type_=sa.Integer))
    if not seek and not (isinstance(skip, int) and skip == 0):
        page = page.offset(skip)
    return _PageStatements(count, page)


def _sellable_on_bound_day() -> sa.Select[Product]:
    """The plain list's products: those sellable on ``:on``, bound when run."""
    return sa.select(Product).where(sellable_product_clause(sa.bindparam("on", type_=sa.Date)))


def _plain_sorted(sort: str, language: str) -> tuple[sa.Select[Product], NameColumn]:
    """The plain list's products with the name its visitors read, and that name (to sort by)."""
    stmt = _sellable_on_bound_day()
    if sort in ("name", "-name"):
        return _with_display_name(stmt, language)
    return stmt, Product.name


@functools.cache
def _plain_list(sort: str, language: str, seek: bool) -> _PageStatements:
    """The storefront's list with no filter but its sort (browsing, the most asked), built
    once per sort, language and depth and run with the day, the size and the rows skipped
    bound (``:on``, ``:size``, ``:skip``): no statement is built or keyed per page."""
    skip = sa.bindparam("skip", type_=sa.Integer)
    return _page_statements(_sellable_on_bound_day(), sort, language, skip, seek=seek)


@functools.cache
def _plain_page_keys(sort: str, language: str) -> sa.Select[Any]:
    """The first key of every page of the plain list, in order: the rows numbered in the
    sort's order and every ``:size``-th kept (``:on`` bound). One scan of the sort's index
    gives all of them, instead of one scan up to each deep page for each page read."""
    stmt, name = _plain_sorted(sort, language)
    column, _ = _sort_key(sort, name)
    number = sa.func.row_number().over(order_by=_order_by(sort, name))
    ranked = stmt.with_only_columns(column.label("key"), Product.id.label("id"), number.label("n"))
    ranked_rows = ranked.subquery("ranked")
    size = sa.bindparam("size", type_=sa.Integer)
    return (
        sa.select(ranked_rows.c.key, ranked_rows.c.id)
        .where((ranked_rows.c.n - 1) % size == 0)
        .order_by(ranked_rows.c.n)
    )


@functools.cache
def _plain_page_from_key(sort: str, language: str) -> sa.Select[Any]:
    """A page of the plain list from its first key (``:key``, ``:key_id``), ``:size`` rows."""
    stmt, name = _plain_sorted(sort, language)
    column, descending = _sort_key(sort, name)
    key = sa.tuple_(column, Product.id)
    first = sa.tuple_(sa.bindparam("key", type_=column.type), sa.bindparam("key_id", type_=sa.Integer))
    stmt = stmt.where(key <= first if descending else key >= first)
    page = product_cards.with_main_photo(stmt).order_by(*_order_by(sort, name))
    return page.limit(sa.bindparam("size", type_=sa.Integer))


async def _page_keys(
    session: AsyncSession, sort: str, language: str, on: dt.date, size: int
) -> list[tuple[Any, int]]:
    """The plain list's page keys, read once for all the pages drawn within the catalog
    cache's seconds (and dropped with it when the catalog changes); once those seconds are
    past, read again in the background while the pages use the last ones. Read in a session
    of their own: only the storefront's and the API's reads of the whole list come here,
    never a write (a product just added in this transaction is not in them)."""

    async def read(own: AsyncSession) -> object:
        rows = await own.execute(_plain_page_keys(sort, language), {"on": on, "size": size})
        return [(key, product_id) for key, product_id in rows]

    key = ("page-keys", database_key(session), sort, language, on, size)
    found = await cache.shared_or_stale(session, key, read)
    assert isinstance(found, list)
    return found


async def list_products(
    session: AsyncSession,
    filters: ProductFilter,
    *,
    page: int,
    page_size: int,
    on: dt.date,
    language: str,
    stock: Stock | None = None,
) -> Page[schemas.ProductSummary]:
    """A page of products; ``stock`` answers the sales point filter."""
    skip = (page - 1) * page_size
    # A NULL key (stars, for the office's unsellable products) would not compare: skipped.
    seek = skip >= SEEK_FROM and not (filters.include_unsellable and "stars" in filters.sort)
    params = {"on": on, "size": page_size, "skip": skip}
    if filters == ProductFilter(sort=filters.sort):
        statements = _plain_list(filters.sort, language, seek)
    else:
        stmt = await _filtered(session, filters, on, stock)
        statements = _page_statements(stmt, filters.sort, language, skip, seek=seek)

    key = (database_key(session), filters, on)
    total = cache.totals.get(key)
    if total is None:
        total = await session.scalar(statements.count, params) or 0
        cache.totals.put(key, total)
    page_stmt = statements.page
    if seek and filters == ProductFilter(sort=filters.sort):
        # A deep page of the plain list starts at its own key, known without a scan (past the
        # last page, the scan finds no key and the page is empty as before).
        keys = await _page_keys(session, filters.sort, language, on, page_size)
        if page - 1 < len(keys):
            page_stmt = _plain_page_from_key(filters.sort, language)
            params |= {"key": keys[page - 1][0], "key_id": keys[page - 1][1]}
    rows = (await session.execute(page_stmt, params)).all()
    products = [row[0] for row in rows]
    related = await product_cards.load_related(session, products, product_cards.producers(rows), language)
    images = product_cards.main_photos(rows, language)
    items = [
        product_cards.summary(product, related, on, language, images.get(product.id)) for product in products
    ]
    return Page(items=items, total=total, page=page, page_size=page_size)
