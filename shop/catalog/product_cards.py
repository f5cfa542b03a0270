"""Product rows turned into the summaries product cards and lists show (the product list, a
cart, an order), loading each related table once per page: producers, groups, places and
translations, so a page costs the same few statements whatever its size. The main photo comes
with the rows themselves: an outer join on ``Product.main_image_id``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, photos, schemas
from shop.catalog.group_queries import GroupNames, group_names
from shop.catalog.models import (
    Producer,
    Product,
    ProductGroup,
    ProductImage,
    ProductTranslation,
)
from shop.catalog.sellability import product_is_sellable
from shop.db import database_key
from shop.geo.models import Place
from shop.i18n import DEFAULT_LANGUAGE
from shop.media import services as media
from shop.media.models import StoredImage
from shop.media.naming import Picture

M = TypeVar("M", Producer, ProductGroup, Place)
# A product text missing in the visitor's language is shown in English if it has one (more
# visitors read it than Vietnamese), else in Vietnamese, the source.
FALLBACK_LANGUAGE = "en"


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


def with_main_photo(stmt: sa.Select[Any]) -> sa.Select[Any]:
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


def main_photos(rows: Iterable[Sequence[Any]], language: str) -> dict[int, schemas.PhotoOut]:
    """Product id → main photo, from rows of ``with_main_photo``."""
    return {
        product.id: photo_out(photo_id, media.picture(image), alt, language)
        for product, image, photo_id, alt, *_producer in rows
        if image is not None and photo_id is not None
    }


def producers(rows: Iterable[Sequence[Any]]) -> dict[int, schemas.ProducerRef]:
    """Producer id → the producer as a card names it, from rows of ``with_main_photo``."""
    return {
        row[0].producer_id: schemas.ProducerRef(code=code, name=name, kind=kind.value)
        for *row, code, name, kind in rows
    }


def place_ids(p: Product) -> set[int]:
    """The places a product's origin names."""
    ids = [p.origin_province_id, p.origin_commune_id, p.legacy_province_id, p.legacy_district_id]
    ids.append(p.origin_place_id)
    return {pid for pid in ids if pid is not None}


async def load_related(
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


async def translated_names(session: AsyncSession, ids: Iterable[int], language: str) -> dict[int, str]:
    """Product names as a visitor in ``language`` reads them, where a translation exists (in
    their language, else English; none asked for Vietnamese)."""
    return {pid: name for pid, (name, _) in (await _names(session, ids, language)).items()}


@functools.cache
def _summaries_select() -> sa.Select[Any]:
    """``summaries``' statement, built once (a cart's every page reads it), the products bound."""
    return with_main_photo(sa.select(Product).where(Product.id.in_(sa.bindparam("ids", expanding=True))))


async def summaries(
    session: AsyncSession, ids: Iterable[int], *, on: dt.date, language: str
) -> dict[int, schemas.ProductSummary]:
    """These products as a list shows them (a cart, an order), in one statement, each kept for
    the catalog cache's seconds (dropped with it by any catalog change): a cart's page and its
    checkout form read none again."""
    wanted = set(ids)
    db = database_key(session)
    found: dict[int, schemas.ProductSummary] = {}
    for product_id in wanted:
        card = cache.cards.get((db, product_id, language, on))
        if isinstance(card, schemas.ProductSummary):
            found[product_id] = card
    missing = sorted(wanted - found.keys())
    if not missing:
        return found
    generation = cache.catalog_generation()
    rows = (await session.execute(_summaries_select(), {"ids": missing})).all()
    products = [row[0] for row in rows]
    related = await load_related(session, products, producers(rows), language)
    images = main_photos(rows, language)
    for p in products:
        found[p.id] = summary(p, related, on, language, images.get(p.id))
        if generation == cache.catalog_generation():  # not read across a catalog change
            cache.cards.put((db, p.id, language, on), found[p.id])
    return found
