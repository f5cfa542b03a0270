"""Reading one product for its page or the API: the product with its producer, group,
certificates and texts, its quality certifications and photos (the list is ``queries.py``).

A product page runs statements built once, with the product bound: none is built or keyed
per request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog import cache, schemas
from shop.catalog.group_queries import GroupNames
from shop.catalog.models import (
    Certificate,
    CertificateStatus,
    Producer,
    Product,
    ProductGroup,
    ProductImage,
    ProductTranslation,
    QualityCertification,
)
from shop.catalog.product_cards import Related, best_text, photo_out, place_ids, summary, text_languages
from shop.catalog.queries import Stock
from shop.db import Snapshot, dialect_of
from shop.errors import NotFound
from shop.i18n import N_
from shop.media.models import StoredImage
from shop.media.naming import Picture


def certificate_out(cert: Certificate) -> schemas.CertificateOut:
    return schemas.CertificateOut(
        id=cert.id,
        stars=cert.stars,
        score=cert.score,
        council_level=cert.council_level.value,
        issuer=cert.issuer,
        decision_number=cert.decision_number,
        decision_date=cert.decision_date,
        certificate_number=cert.certificate_number,
        valid_from=cert.valid_from,
        valid_until=cert.valid_until,
        criteria_version=cert.criteria_version,
        status=cert.status.value,
        revoked_on=cert.revoked_on,
        revocation_reason=cert.revocation_reason,
    )


async def find_product(session: AsyncSession, key: int | str) -> Product:
    """By id, or by slug for pages."""
    column = Product.id if isinstance(key, int) else Product.slug
    product = await session.scalar(sa.select(Product).where(column == key))
    if product is None:
        raise NotFound(N_("No product {key}."), key=key)
    return product


@dataclass(frozen=True, eq=False)
class Also:
    """A column a higher domain reads in the product's statement (correlated to
    :class:`Product`, built once: the statement is kept per column), with its parameters."""

    column: sa.ColumnElement[Any]
    params: dict[str, Any]


@dataclass(frozen=True)
class _Loaded:
    """A product with what its page shows, read in one statement."""

    product: Product
    producer: Producer
    group: ProductGroup
    certificates: list[Certificate]  # newest decision first
    name: tuple[str, str] | None  # (text, language) when translated for the visitor
    description: str | None  # in the visitor's language, else the fallbacks'
    quality: list[schemas.QualityOut]  # by kind
    photos: list[tuple[int, Picture, dict[str, str]]]  # (photo id, picture, alt texts), in order
    also: Any  # the value of the column the caller asked for, if it did


def _json_rows(dialect: str, where: sa.ColumnElement[bool], **fields: Any) -> Any:
    """The rows matching ``where`` (correlated to the product) as one JSON array of objects,
    a column of the product's own row instead of a statement of their own."""
    pairs: list[Any] = []
    for name, column in fields.items():
        pairs += [sa.literal_column(f"'{name}'"), column]
    if dialect == "postgresql":
        rows = sa.func.json_agg(sa.func.json_build_object(*pairs))
    else:
        rows = sa.func.json_group_array(sa.func.json_object(*pairs))
    return sa.select(sa.type_coerce(rows, sa.JSON)).where(where).scalar_subquery()


def _quality_and_photos(dialect: str) -> tuple[Any, Any]:
    quality = _json_rows(
        dialect,
        QualityCertification.product_id == Product.id,
        kind=QualityCertification.kind,
        number=QualityCertification.number,
        issuer=QualityCertification.issuer,
        valid_from=QualityCertification.valid_from,
        valid_until=QualityCertification.valid_until,
    )
    alt = ProductImage.alt if dialect == "postgresql" else sa.func.json(ProductImage.alt)
    photos = _json_rows(
        dialect,
        sa.and_(ProductImage.product_id == Product.id, StoredImage.id == ProductImage.image_id),
        id=ProductImage.id,
        position=ProductImage.position,
        alt=alt,
        digest=StoredImage.digest,
        width=StoredImage.width,
        height=StoredImage.height,
    )
    return quality, photos


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _quality_out(rows: list[dict[str, Any]] | None) -> list[schemas.QualityOut]:
    found = [
        schemas.QualityOut(
            kind=row["kind"],
            number=row["number"],
            issuer=row["issuer"],
            valid_from=_date(row["valid_from"]),
            valid_until=_date(row["valid_until"]),
        )
        for row in rows or []
    ]
    return sorted(found, key=lambda q: q.kind)


def _photos(rows: list[dict[str, Any]] | None) -> list[tuple[int, Picture, dict[str, str]]]:
    ordered = sorted(rows or [], key=lambda row: (row["position"], row["id"]))
    return [
        (row["id"], Picture(row["digest"], row["width"], row["height"]), dict(row["alt"] or {}))
        for row in ordered
    ]


# (by id, language, database, id of the added column) → (that column, the statement)
_SELECTS: dict[tuple[bool, str, str, int], tuple[Any, sa.Select[*tuple[Any, ...]]]] = {}


def _load_select(
    by_id: bool, language: str, dialect: str, also: sa.ColumnElement[Any] | None
) -> sa.Select[*tuple[Any, ...]]:
    """``_load``'s statement, built once per kind of key, language, database and added
    column: a product page runs it with its key bound (``:key``), so the statement is
    neither built nor keyed again. Its quality certifications and photos come as two JSON
    columns; ``also``, a column correlated to :class:`Product` that a higher domain reads
    with the product (the storefront: where it is sold), built once by its owner, comes
    last. (Memoised by the column's identity, kept alive beside it: a column compared with
    ``==`` makes SQL, not a bool.)"""
    key = (by_id, language, dialect, id(also))
    if key not in _SELECTS:
        _SELECTS[key] = (also, _build_load_select(by_id, language, dialect, also))
    return _SELECTS[key][1]


# The product's statement reads its entities' columns with Core: a page only shows them.
# Each entity's columns come in this order, one after the other, at the head of the row.
_ENTITIES = (Snapshot(Product), Snapshot(Producer), Snapshot(ProductGroup), Snapshot(Certificate))
_STARTS = [sum(len(entity.keys) for entity in _ENTITIES[:i]) for i in range(len(_ENTITIES) + 1)]


def _build_load_select(
    by_id: bool, language: str, dialect: str, also: sa.ColumnElement[Any] | None
) -> sa.Select[*tuple[Any, ...]]:
    column = Product.id if by_id else Product.slug
    stmt: sa.Select[*tuple[Any, ...]] = (
        sa.select(*(c for entity in _ENTITIES for c in entity.columns), *_quality_and_photos(dialect))
        .select_from(Product)
        .join(Producer, Producer.id == Product.producer_id)
        .join(ProductGroup, ProductGroup.id == Product.group_id)
        .outerjoin(Certificate, Certificate.product_id == Product.id)
        .where(column == sa.bindparam("key"))
        .order_by(Certificate.decision_date.desc(), Certificate.created_at.desc())
    )
    for lang in text_languages(language):
        t = aliased(ProductTranslation)
        stmt = stmt.add_columns(t.name, t.description).outerjoin(
            t, sa.and_(t.product_id == Product.id, t.language == lang)
        )
    return stmt if also is None else stmt.add_columns(also)


def _entity(row: Sequence[Any], n: int) -> Any:
    """The row's ``n``-th entity of ``_ENTITIES`` (None for a certificate it has not)."""
    values = row[_STARTS[n] : _STARTS[n + 1]]
    return _ENTITIES[n].build(values) if values[0] is not None else None


async def _load(session: AsyncSession, key: int | str, language: str, also: Also | None = None) -> _Loaded:
    """The product (by id, or by slug for pages) with its producer, group, certificates and
    the translations the visitor may read: joins on unique keys but the certificates, one row
    per certificate (a handful), instead of a statement each. Read with Core (``Snapshot``):
    nothing read here is changed."""
    stmt = _load_select(isinstance(key, int), language, dialect_of(session), also.column if also else None)
    connection = await session.connection()
    rows = (await connection.execute(stmt, {"key": key} | (also.params if also else {}))).all()
    if not rows:
        raise NotFound(N_("No product {key}."), key=key)
    product, producer, group = (_entity(rows[0], n) for n in range(3))
    rest = rows[0][_STARTS[-1] :]
    texts = rest[2 : 2 + 2 * len(text_languages(language))]
    names = [(product.id, lang, texts[2 * i]) for i, lang in enumerate(text_languages(language))]
    descriptions = [(product.id, lang, texts[2 * i + 1]) for i, lang in enumerate(text_languages(language))]
    described = best_text(descriptions, language).get(product.id)
    certificates = [certificate for row in rows if (certificate := _entity(row, 3)) is not None]
    return _Loaded(
        product,
        producer,
        group,
        certificates,
        best_text(names, language).get(product.id),
        described[0] if described else product.description,
        _quality_out(rest[0]),
        _photos(rest[1]),
        rows[0][-1] if also else None,
    )


async def product_detail(
    session: AsyncSession,
    key: int | str,
    *,
    on: dt.date,
    language: str,
    with_history: bool = False,
    stock: Stock | None = None,
) -> schemas.ProductDetail:
    """A product with its certificate; where it can be bought when ``stock`` is given."""
    detail, _producer, _ = await product_detail_with_producer(
        session, key, on=on, language=language, with_history=with_history
    )
    if stock is not None:
        availability = await stock.where_available(session, detail.id, on=on)
        detail = msgspec.structs.replace(detail, availability=availability)
    return detail


async def product_detail_with_producer(
    session: AsyncSession,
    key: int | str,
    *,
    on: dt.date,
    language: str,
    with_history: bool = False,
    also: Also | None = None,
) -> tuple[schemas.ProductDetail, Producer, Any]:
    """A product with its certificate (no availability), its producer and the value of the
    column ``also`` adds: a product page costs one statement here (the product with its
    producer, group, certificates, translations, quality certifications, photos and what the
    page adds), and the place names the first time."""
    loaded = await _load(session, key, language, also)
    product, certificates = loaded.product, loaded.certificates
    current = next((c for c in certificates if c.status == CertificateStatus.active), None)
    latest = current or (certificates[0] if certificates else None)
    producer, group = loaded.producer, loaded.group
    related = Related(
        {producer.id: schemas.ProducerRef(code=producer.code, name=producer.name, kind=producer.kind.value)},
        {group.id: GroupNames(group.code, group.name, group.name_en)},
        await cache.place_names(session, place_ids(product)),
        {product.id: loaded.name} if loaded.name else {},
    )
    images = [photo_out(photo_id, picture, alt, language) for photo_id, picture, alt in loaded.photos]
    base = summary(product, related, on, language, images[0] if images else None)
    detail = schemas.ProductDetail(
        **{f: getattr(base, f) for f in base.__struct_fields__},
        images=images,
        description=loaded.description,
        gtin=product.gtin,
        shelf_life_days=product.shelf_life_days,
        certificate=certificate_out(latest) if latest else None,
        quality_certifications=loaded.quality,
        availability=[],
        certificate_history=[certificate_out(c) for c in certificates] if with_history else None,
    )
    return detail, loaded.producer, loaded.also
