"""The office's product list: every product, on sale or not, found by words (no accents
needed), province of either map, group, stars and where its certificate stands."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, CertificateStatus, Producer, Product, ProductGroup
from shop.catalog.sellability import sellable_product_clause, today
from shop.office.views import status_of
from shop.text import search_terms

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """As typed in the list's form; anything not understood is ignored, never an error."""

    q: str | None = None
    province: str | None = None  # a place id, of either map
    group: str | None = None  # a group or sub-group code
    stars: str | None = None
    status: str | None = None


@dataclass(frozen=True)
class Row:
    product: Product
    producer: Producer
    group: ProductGroup
    status: str  # a key of status_labels()


@dataclass(frozen=True)
class Found:
    rows: list[Row]
    total: int
    page: int
    pages: int


def _has(status: CertificateStatus) -> sa.ColumnElement[bool]:
    return sa.exists().where(Certificate.product_id == Product.id, Certificate.status == status)


def _status_clause(status: str, on: dt.date) -> sa.ColumnElement[bool] | None:
    active = _has(CertificateStatus.active)
    clauses: dict[str, sa.ColumnElement[bool]] = {
        "on_sale": sellable_product_clause(on),
        "not_yet": sa.and_(Product.is_active.is_(True), active, Product.certified_from > on),
        "expired": sa.and_(
            Product.is_active.is_(True),
            sa.or_(Product.certified_until < on, sa.and_(~active, _has(CertificateStatus.expired))),
        ),
        "revoked": sa.and_(Product.is_active.is_(True), ~active, _has(CertificateStatus.revoked)),
        "none": sa.and_(
            Product.is_active.is_(True),
            ~sa.exists().where(Certificate.product_id == Product.id),
        ),
        "hidden": Product.is_active.is_(False),
    }
    return clauses.get(status)


def _where(filters: Filters, on: dt.date) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = [
        Product.search_text.like(f"%{t}%") for t in search_terms(filters.q)
    ]
    if filters.province and filters.province.isdigit() and len(filters.province) < 10:
        place = int(filters.province)
        where.append(sa.or_(Product.origin_province_id == place, Product.legacy_province_id == place))
    if filters.group:
        parent = sa.select(ProductGroup.id).where(ProductGroup.code == filters.group)
        groups = sa.select(ProductGroup.id).where(
            sa.or_(ProductGroup.code == filters.group, ProductGroup.parent_id.in_(parent))
        )
        where.append(Product.group_id.in_(groups))
    if filters.stars in ("3", "4", "5"):
        where.append(Product.stars == int(filters.stars))
    if filters.status and (clause := _status_clause(filters.status, on)) is not None:
        where.append(clause)
    return where


async def products(session: AsyncSession, filters: Filters, *, page: int) -> Found:
    on = today()
    where = _where(filters, on)
    total = await session.scalar(sa.select(sa.func.count(Product.id)).where(*where)) or 0
    rows = (
        await session.execute(
            sa.select(Product, Producer, ProductGroup)
            .join(Producer, Producer.id == Product.producer_id)
            .join(ProductGroup, ProductGroup.id == Product.group_id)
            .where(*where)
            .order_by(Product.name, Product.id)
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    ).all()
    latest = await _latest_certificates(session, [product.id for product, _, _ in rows])
    return Found(
        rows=[Row(p, maker, group, status_of(p, latest.get(p.id), on)) for p, maker, group in rows],
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


async def _latest_certificates(session: AsyncSession, ids: list[int]) -> dict[int, Certificate]:
    """Each product's certificate in force, else its latest one."""
    if not ids:
        return {}
    found: dict[int, Certificate] = {}
    for cert in await session.scalars(
        sa.select(Certificate)
        .where(Certificate.product_id.in_(ids))
        .order_by(Certificate.decision_date, Certificate.created_at)
    ):
        kept = found.get(cert.product_id)
        if kept is None or kept.status is not CertificateStatus.active:
            found[cert.product_id] = cert
    return found
