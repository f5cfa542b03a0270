"""Changing the catalog: producers, products and their translations, quality marks.

Certificates have their own module (``certificates.py``). Services flush, never commit: the
caller (a request handler, the CLI, an admin form) owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from shop.catalog import cache, schemas
from shop.catalog.models import (
    Producer,
    Product,
    ProductGroup,
    ProductTranslation,
    QualityCertification,
)
from shop.db import table_of
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.geo import services as geo
from shop.geo.models import Place
from shop.i18n import N_
from shop.text import random_code, search_terms, slugify

_PRODUCER_FIELDS = (
    "kind",
    "name",
    "tax_code",
    "address",
    "phone",
    "email",
    "website",
    "story",
    "commission_rate_bp",
    "is_active",
)
_PRODUCT_FIELDS = (
    "name",
    "unit",
    "price_vnd",
    "description",
    "pack_size",
    "gtin",
    "shelf_life_days",
    "image_url",
    "is_active",
)

# Optional fields a form may empty (the others are required, or derived).
_PRODUCER_CLEARABLE = frozenset(
    {"tax_code", "place", "address", "phone", "email", "website", "story", "commission_rate_bp"}
)
_PRODUCT_CLEARABLE = frozenset({"description", "pack_size", "gtin", "shelf_life_days", "image_url"})


async def find_producer(session: AsyncSession, key: int | str, *, field: str | None = None) -> Producer:
    """By id or code. With ``field``, a missing producer is that input field's error (422)."""
    column = Producer.id if isinstance(key, int) else Producer.code
    producer = await session.scalar(sa.select(Producer).where(column == key))
    if producer is None and field:
        raise InvalidInput(errors=[field_error(field, N_("No producer {key}."), key=key)])
    if producer is None:
        raise NotFound(N_("No producer {key}."), key=key)
    return producer


async def _place(session: AsyncSession, text: str | None, field: str) -> Place | None:
    if not text:
        return None
    place = await geo.resolve_place(session, text)
    if place is None:
        raise InvalidInput(
            errors=[
                field_error(field, N_("Cannot find the place {text} (old or new unit names)."), text=text)
            ]
        )
    return place


async def _check_unique(
    session: AsyncSession,
    column: QueryableAttribute[Any],
    value: object,
    field: str,
    exclude_id: int | None = None,
    *,
    model_id: QueryableAttribute[int],
) -> None:
    stmt = sa.select(model_id).where(column == value)
    if exclude_id is not None:
        stmt = stmt.where(model_id != exclude_id)
    if value is not None and await session.scalar(stmt) is not None:
        raise Conflict(
            N_("{field} {value} is already used."),
            field=field,
            value=value,
            # Pages show this next to the field, in words rather than the field's name.
            errors=[field_error(field, N_("{value} is already used by another record."), value=value)],
        )


async def new_producer_code(session: AsyncSession, name: str) -> str:
    """A free producer code made from its name ("HTX Tài Hoan" → "HTX-TAI-HOAN")."""
    base = slugify(name, 32).upper()
    code, n = base, 1
    while await session.scalar(sa.select(Producer.id).where(Producer.code == code)) is not None:
        n += 1
        code = f"{base[:36]}-{n}"
    return code


async def create_producer(session: AsyncSession, data: schemas.ProducerIn) -> Producer:
    await _check_unique(session, Producer.code, data.code, "code", model_id=Producer.id)
    await _check_unique(session, Producer.tax_code, data.tax_code, "tax_code", model_id=Producer.id)
    place = await _place(session, data.place, "place")
    producer = Producer(
        code=data.code,
        place_id=place.id if place else None,
        **{f: getattr(data, f) for f in _PRODUCER_FIELDS if hasattr(data, f)},
    )
    session.add(producer)
    await session.flush()
    return producer


async def update_producer(
    session: AsyncSession, key: int | str, patch: schemas.ProducerPatch, *, clear: Iterable[str] = ()
) -> Producer:
    """Apply the fields the patch gives; ``clear`` names optional fields to empty (a form
    whose field a person emptied: in a patch, an absent value means "unchanged")."""
    producer = await find_producer(session, key)
    for name in set(clear) & _PRODUCER_CLEARABLE:
        setattr(producer, "place_id" if name == "place" else name, None)
    if patch.tax_code is not None:
        await _check_unique(
            session, Producer.tax_code, patch.tax_code, "tax_code", producer.id, model_id=Producer.id
        )
    if patch.place is not None:
        place = await _place(session, patch.place, "place")
        producer.place_id = place.id if place else None
    for name in _PRODUCER_FIELDS:
        if (value := getattr(patch, name)) is not None:
            setattr(producer, name, value)
    await session.flush()
    if patch.name is not None:
        await refresh_search_text(session, await _product_ids_of(session, producer.id))
    return producer


async def _product_ids_of(session: AsyncSession, producer_id: int) -> list[int]:
    return list(await session.scalars(sa.select(Product.id).where(Product.producer_id == producer_id)))


async def find_group(session: AsyncSession, code: str) -> ProductGroup:
    """The group with that code in the newest criteria version that has it."""
    group = await session.scalar(
        sa.select(ProductGroup)
        .where(ProductGroup.code == code)
        .order_by(ProductGroup.criteria_version.desc())
        .limit(1)
    )
    if group is None:
        raise InvalidInput(errors=[field_error("group_code", N_("No product group {code}."), code=code)])
    return group


async def unique_slug(session: AsyncSession, name: str, exclude_id: int | None = None) -> str:
    base = slugify(name)
    taken = set(
        await session.scalars(
            sa.select(Product.slug)
            .where(sa.or_(Product.slug == base, Product.slug.like(f"{base}-%")))
            .where(Product.id != (exclude_id or 0))
        )
    )
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


async def new_trace_code(session: AsyncSession) -> str:
    while True:
        code = random_code(8)
        if await session.scalar(sa.select(Product.id).where(Product.trace_code == code)) is None:
            return code


async def set_origin(session: AsyncSession, product: Product, place: Place | None) -> None:
    """Record the unit as certified and what it is today (and was before 2025)."""
    product.origin_place_id = place.id if place else None
    origin = await geo.origin_of(session, place) if place else None
    product.origin_province_id = origin.current_province.id if origin and origin.current_province else None
    product.origin_commune_id = origin.current_commune.id if origin and origin.current_commune else None
    product.legacy_province_id = origin.legacy_province.id if origin and origin.legacy_province else None
    product.legacy_district_id = origin.legacy_district.id if origin and origin.legacy_district else None


async def _replace_translations(
    session: AsyncSession, product_id: int, translations: Sequence[schemas.TranslationIn]
) -> None:
    languages = [t.language for t in translations]
    if len(set(languages)) != len(languages):
        raise InvalidInput(errors=[field_error("translations", N_("One translation per language."))])
    await session.execute(sa.delete(ProductTranslation).where(ProductTranslation.product_id == product_id))
    session.add_all(
        ProductTranslation(product_id=product_id, language=t.language, name=t.name, description=t.description)
        for t in translations
    )


async def create_product(session: AsyncSession, data: schemas.ProductIn) -> Product:
    producer = await find_producer(session, data.producer_code, field="producer_code")
    group = await find_group(session, data.group_code)
    await _check_unique(session, Product.gtin, data.gtin, "gtin", model_id=Product.id)
    product = Product(
        producer_id=producer.id,
        group_id=group.id,
        slug=await unique_slug(session, data.name),
        trace_code=await new_trace_code(session),
        **{f: getattr(data, f) for f in _PRODUCT_FIELDS if hasattr(data, f)},
    )
    place = await _place(session, data.origin, "origin")
    if place is None and producer.place_id is not None:
        place = await session.get(Place, producer.place_id)
    await set_origin(session, product, place)
    session.add(product)
    await session.flush()
    await _replace_translations(session, product.id, data.translations)
    await refresh_search_text(session, [product.id])
    return product


async def update_product(
    session: AsyncSession, product_id: int, patch: schemas.ProductPatch, *, clear: Iterable[str] = ()
) -> Product:
    """Apply the fields the patch gives; ``clear`` names optional fields to empty."""
    product = await session.get(Product, product_id)
    if product is None:
        raise NotFound(N_("No product {key}."), key=product_id)
    for name in set(clear) & _PRODUCT_CLEARABLE:
        setattr(product, name, None)
    if patch.gtin is not None:
        await _check_unique(session, Product.gtin, patch.gtin, "gtin", product.id, model_id=Product.id)
    if patch.group_code is not None:
        product.group_id = (await find_group(session, patch.group_code)).id
    if patch.origin is not None:
        await set_origin(session, product, await _place(session, patch.origin, "origin"))
    elif "origin" in clear:  # no origin of its own: the producer's address, as on creation
        producer = await session.get(Producer, product.producer_id)
        place = await session.get(Place, producer.place_id) if producer and producer.place_id else None
        await set_origin(session, product, place)
    for name in _PRODUCT_FIELDS:
        if (value := getattr(patch, name)) is not None:
            setattr(product, name, value)
    await session.flush()
    if patch.translations is not None:
        await _replace_translations(session, product.id, patch.translations)
    await refresh_search_text(session, [product.id])
    return product


async def add_quality(
    session: AsyncSession, product_id: int, data: schemas.QualityIn
) -> QualityCertification:
    if await session.get(Product, product_id) is None:
        raise NotFound(N_("No product {key}."), key=product_id)
    if data.valid_from and data.valid_until and data.valid_until <= data.valid_from:
        raise InvalidInput(errors=[field_error("valid_until", N_("Must be after the start of validity."))])
    quality = QualityCertification(
        product_id=product_id,
        kind=data.kind,
        number=data.number,
        issuer=data.issuer,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
    )
    session.add(quality)
    await session.flush()
    return quality


def compose_search_text(
    name: str, producer_name: str, place_names: Iterable[str], translated_names: Iterable[str] = ()
) -> str:
    """What search matches: the names of the product, its producer and places, folded, as
    words between single spaces (punctuation dropped), so that a search can match a word's
    start (``queries.word_clause``)."""
    return " ".join(search_terms(" ".join([name, producer_name, *translated_names, *place_names])))[:1000]


async def _place_short_names(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = await session.execute(sa.select(Place.id, Place.short_name).where(Place.id.in_(wanted)))
    return {place_id: name for place_id, name in rows.all()}


async def _translated_names(session: AsyncSession, product_ids: Iterable[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    rows = await session.execute(
        sa.select(ProductTranslation.product_id, ProductTranslation.name).where(
            ProductTranslation.product_id.in_(list(product_ids))
        )
    )
    for product_id, name in rows.all():
        names.setdefault(product_id, []).append(name)
    return names


async def search_text_for(
    session: AsyncSession, *, name: str, producer_id: int, place_ids: list[int | None], product_id: int | None
) -> str:
    """The search text a product will have with these values (for writes the admin makes)."""
    producer_name = await session.scalar(sa.select(Producer.name).where(Producer.id == producer_id)) or ""
    places = await _place_short_names(session, place_ids)
    translated = (await _translated_names(session, [product_id])).get(product_id, []) if product_id else []
    return compose_search_text(name, producer_name, places.values(), translated)


async def refresh_search_text(
    session: AsyncSession,
    product_ids: Iterable[int] | None = None,
    *,
    producer_names: Mapping[int, str] | None = None,
) -> int:
    """Recompute the folded search column: product, producer, places and translated names.

    ``producer_names`` overrides producers' names (a rename about to be written).
    """
    cache.catalog_changed()
    stmt = sa.select(
        Product.id,
        Product.name,
        Product.producer_id,
        Producer.name,
        Product.origin_province_id,
        Product.origin_commune_id,
        Product.legacy_province_id,
        Product.legacy_district_id,
    ).join(Producer, Producer.id == Product.producer_id)
    if product_ids is not None:
        stmt = stmt.where(Product.id.in_(list(product_ids)))
    rows = (await session.execute(stmt)).all()
    places = await _place_short_names(session, (pid for row in rows for pid in row[4:]))
    translations = await _translated_names(session, (row[0] for row in rows))
    overrides = producer_names or {}
    updates = [
        {
            "pid": row[0],
            "text": compose_search_text(
                row[1],
                overrides.get(row[2], row[3]),
                [places[p] for p in row[4:] if p in places],
                translations.get(row[0], []),
            ),
        }
        for row in rows
    ]
    if updates:
        table = table_of(Product)
        await session.execute(
            table.update().where(table.c.id == sa.bindparam("pid")).values(search_text=sa.bindparam("text")),
            updates,
        )
    return len(updates)
