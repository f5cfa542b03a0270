"""Reading the catalog: the product list with its filters, and products as lists show them
(a cart, an order). One product's page is read in ``product_queries.py``, the groups in
``group_queries.py``, producers in ``producer_queries.py``.

Every read loads a page of rows, then each related table once for the whole page (producers,
groups, places, translations), so a page costs the same few statements whatever its size. The
main photo comes with the rows themselves: an outer join on ``Product.main_image_id``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased

from shop.catalog import cache, photos, schemas
from shop.catalog.group_queries import GroupNames, group_names
from shop.catalog.models import (
    Producer,
    Product,
    ProductGroup,
    ProductImage,
    ProductTranslation,
)
from shop.catalog.sellability import product_is_sellable, sellable_product_clause
from shop.errors import InvalidInput, field_error
from shop.geo import services as geo
from shop.geo.models import Place, PlaceEra
from shop.i18n import DEFAULT_LANGUAGE, N_
from shop.media import services as media
from shop.media.models import StoredImage
from shop.media.naming import Picture
from shop.paging import Page
from shop.text import search_terms

M = TypeVar("M", Producer, ProductGroup, Place)
# A product text missing in the visitor's language is shown in English if it has one (more
# visitors read it than Vietnamese), else in Vietnamese, the source.
FALLBACK_LANGUAGE = "en"
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


@dataclass(frozen=True)
class Related:
    """What a page of products refers to, each loaded once."""

    producers: dict[int, schemas.ProducerRef]
    groups: dict[int, GroupNames]
    places: dict[int, tuple[str, bool]]  # id → (name, mapped to a default successor)
    names: dict[int, tuple[str, str]]  # product id → (name, its language) when translated


def text_languages(language: str) -> list[str]:
    """The translations a product text is looked for in, best first (Vietnamese, the source,
    comes after them all)."""
    if language == DEFAULT_LANGUAGE:
        return []
    return [language] if language == FALLBACK_LANGUAGE else [language, FALLBACK_LANGUAGE]


def best_text(rows: Iterable[tuple[int, str, str | None]], language: str) -> dict[int, tuple[str, str]]:
    """Per product, the (text, language) of the best of its translations ``rows``
    (product id, language, text; empty texts skipped)."""
    rank = {lang: i for i, lang in enumerate(text_languages(language))}
    best: dict[int, tuple[str, str]] = {}
    for product_id, lang, text in rows:
        if text and (product_id not in best or rank[lang] < rank[best[product_id][1]]):
            best[product_id] = (text, lang)
    return best


def alt_text(alt: dict[str, str] | None, language: str) -> str:
    """A photo's description as a visitor in ``language`` reads it, with a product text's
    fallbacks (English, then Vietnamese); "" when nobody described it."""
    texts, languages = alt or {}, [*text_languages(language), DEFAULT_LANGUAGE]
    return next((texts[lang] for lang in languages if texts.get(lang)), "")


def photo_out(photo_id: int, picture: Picture, alt: dict[str, str] | None, language: str) -> schemas.PhotoOut:
    return schemas.PhotoOut(
        id=photo_id,
        width=picture.width,
        height=picture.height,
        alt=alt_text(alt, language),
        digest=picture.digest,
        urls=photos.image_urls(picture),
    )


def _with_main_photo(stmt: sa.Select[Any]) -> sa.Select[Any]:
    """``stmt`` (products) with each one's producer, main photo and its description: a join
    and two outer joins on unique keys, so cards cost no statement of their own."""
    return (
        stmt.add_columns(
            StoredImage, ProductImage.id, ProductImage.alt, Producer.code, Producer.name, Producer.kind
        )
        .join(Producer, Producer.id == Product.producer_id)
        .outerjoin(StoredImage, StoredImage.id == Product.main_image_id)
        .outerjoin(
            ProductImage,
            sa.and_(ProductImage.image_id == Product.main_image_id, ProductImage.product_id == Product.id),
        )
    )


def _main_photos(rows: Iterable[Sequence[Any]], language: str) -> dict[int, schemas.PhotoOut]:
    """Product id → main photo, from rows of ``_with_main_photo``."""
    return {
        product.id: photo_out(photo_id, media.picture(image), alt, language)
        for product, image, photo_id, alt, *_producer in rows
        if image is not None and photo_id is not None
    }


def _producers(rows: Iterable[Sequence[Any]]) -> dict[int, schemas.ProducerRef]:
    """Producer id → the producer as a card names it, from rows of ``_with_main_photo``."""
    return {
        row[0].producer_id: schemas.ProducerRef(code=code, name=name, kind=kind.value)
        for *row, code, name, kind in rows
    }


def _with_display_name(stmt: sa.Select[Product], language: str) -> tuple[sa.Select[Product], NameColumn]:
    """``stmt`` joined to the translations a visitor in ``language`` reads, and the name they
    read (to sort by it)."""
    names: list[NameColumn] = []
    for lang in text_languages(language):
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


def _seek(stmt: sa.Select[Any], sort: str, name: NameColumn, skip: int) -> sa.Select[Any]:
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


def _search_clause(q: str) -> sa.ColumnElement[bool]:
    """Every word of ``q`` in the product's folded names (any language); a search of
    punctuation only matches nothing, never everything."""
    terms = search_terms(q)
    if not terms:
        return sa.false()
    return sa.and_(*(Product.search_text.like(f"%{term}%") for term in terms))


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


def place_ids(p: Product) -> set[int]:
    """The places a product's origin names."""
    ids = [p.origin_province_id, p.origin_commune_id, p.legacy_province_id, p.legacy_district_id]
    ids.append(p.origin_place_id)
    return {pid for pid in ids if pid is not None}


async def _related(
    session: AsyncSession,
    products: Sequence[Product],
    producers: dict[int, schemas.ProducerRef],
    language: str,
) -> Related:
    groups = await group_names(session)
    places = await cache.place_names(session, {pid for p in products for pid in place_ids(p)})
    names = await _names(session, [p.id for p in products], language)
    return Related(producers, groups, places, names)


async def _names(session: AsyncSession, ids: Iterable[int], language: str) -> dict[int, tuple[str, str]]:
    wanted, languages = set(ids), text_languages(language)
    if not wanted or not languages:
        return {}
    rows = await session.execute(
        sa.select(ProductTranslation.product_id, ProductTranslation.language, ProductTranslation.name).where(
            ProductTranslation.product_id.in_(wanted), ProductTranslation.language.in_(languages)
        )
    )
    return best_text(rows.all(), language)


async def by_id(session: AsyncSession, model: type[M], ids: Iterable[int]) -> dict[int, M]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = await session.scalars(sa.select(model).where(model.id.in_(wanted)))
    return {row.id: row for row in rows}


def _origin(product: Product, places: dict[int, tuple[str, bool]]) -> schemas.Origin:
    def name(place_id: int | None) -> str | None:
        return places[place_id][0] if place_id is not None and place_id in places else None

    as_certified = places.get(product.origin_place_id) if product.origin_place_id else None
    return schemas.Origin(
        province=name(product.origin_province_id),
        commune=name(product.origin_commune_id),
        legacy_province=name(product.legacy_province_id),
        legacy_district=name(product.legacy_district_id),
        as_certified=as_certified[0] if as_certified else None,
        approximate=bool(as_certified and as_certified[1]),
    )


def summary(
    product: Product,
    related: Related,
    on: dt.date,
    language: str,
    image: schemas.PhotoOut | None = None,
) -> schemas.ProductSummary:
    producer = related.producers[product.producer_id]
    group = related.groups[product.group_id].ref(language)
    translated = related.names.get(product.id)
    sellable = product_is_sellable(product, on)
    return schemas.ProductSummary(
        id=product.id,
        slug=product.slug,
        name=translated[0] if translated else product.name,
        stars=product.stars if sellable else None,
        price_vnd=product.price_vnd,
        producer=producer,
        group=group,
        origin=_origin(product, related.places),
        trace_code=product.trace_code,
        sellable=sellable,
        unit=product.unit,
        pack_size=product.pack_size,
        image_url=product.image_url,
        language=translated[1] if translated else DEFAULT_LANGUAGE,
        image=image,
    )


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
    stmt = await _filtered(session, filters, on, stock)
    key = (cache.database_key(session), filters, on)
    total = cache.totals.get(key)
    if total is None:
        total = await session.scalar(stmt.with_only_columns(sa.func.count(Product.id)).order_by(None)) or 0
        cache.totals.put(key, total)
    name: NameColumn = Product.name
    if filters.sort in ("name", "-name"):
        stmt, name = _with_display_name(stmt, language)
    skip = (page - 1) * page_size
    # A NULL key (stars, for the office's unsellable products) would not compare: skipped.
    if skip >= SEEK_FROM and not (filters.include_unsellable and "stars" in filters.sort):
        stmt, skip = _seek(stmt, filters.sort, name, skip), 0
    rows = (
        await session.execute(
            _with_main_photo(stmt)
            .order_by(*_order_by(filters.sort, name))
            .limit(page_size)
            .offset(skip or None)
        )
    ).all()
    products = [row[0] for row in rows]
    related = await _related(session, products, _producers(rows), language)
    images = _main_photos(rows, language)
    items = [summary(product, related, on, language, images.get(product.id)) for product in products]
    return Page(items=items, total=total, page=page, page_size=page_size)


async def translated_names(session: AsyncSession, ids: Iterable[int], language: str) -> dict[int, str]:
    """Product names as a visitor in ``language`` reads them, where a translation exists (in
    their language, else English; none asked for Vietnamese)."""
    return {pid: name for pid, (name, _) in (await _names(session, ids, language)).items()}


async def summaries(
    session: AsyncSession, ids: Iterable[int], *, on: dt.date, language: str
) -> dict[int, schemas.ProductSummary]:
    """These products as a list shows them (a cart, an order), in four queries."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (await session.execute(_with_main_photo(sa.select(Product).where(Product.id.in_(wanted))))).all()
    products = [row[0] for row in rows]
    related = await _related(session, products, _producers(rows), language)
    images = _main_photos(rows, language)
    return {p.id: summary(p, related, on, language, images.get(p.id)) for p in products}
