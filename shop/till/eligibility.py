"""May this product be sold at the till today, and if not, why (DESIGN.md rule 5)?

A product is sold as OCOP only while ``sellability`` says so. Otherwise the till tells the
cashier why — no certificate, expired on…, revoked on… for… — and refuses it, unless the
office has granted a clearance for it (old stock sold off, not as OCOP), which the sale
line then records.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, CertificateStatus, Product
from shop.catalog.sellability import product_is_sellable
from shop.i18n import N_, gettext
from shop.till.models import Clearance


@dataclass(frozen=True)
class Blocked:
    """Why a product is not sellable as OCOP: a message id and its parameters."""

    message: str
    params: dict[str, Any]

    @property
    def detail(self) -> str:
        """The reason in the current request's language."""
        return gettext(self.message).format(**self.params)


async def blocked(session: AsyncSession, products: Iterable[Product], on: dt.date) -> dict[int, Blocked]:
    """For each product that is not sellable on ``on``, the reason (one query for all)."""
    unsellable = {p.id: p for p in products if not product_is_sellable(p, on)}
    if not unsellable:
        return {}
    latest: dict[int, Certificate] = {}
    stmt = (
        sa.select(Certificate)
        .where(Certificate.product_id.in_(unsellable))
        .order_by(Certificate.product_id, Certificate.valid_from, Certificate.created_at)
    )
    for certificate in await session.scalars(stmt):
        latest[certificate.product_id] = certificate  # ordered: the last one wins
    return {pid: _reason(product, latest.get(pid), on) for pid, product in unsellable.items()}


def _reason(product: Product, certificate: Certificate | None, on: dt.date) -> Blocked:
    name: dict[str, Any] = {"product": product.name}
    if not product.is_active:
        return Blocked(N_("{product} is no longer sold."), name)
    if certificate is None:
        return Blocked(N_("{product} has no OCOP certificate."), name)
    if certificate.status is CertificateStatus.revoked:
        return Blocked(
            N_("{product}: its OCOP certificate was revoked on {date} ({reason})."),
            name | {"date": certificate.revoked_on or "?", "reason": certificate.revocation_reason or "—"},
        )
    if certificate.valid_from > on:
        return Blocked(
            N_("{product}: its OCOP certificate is valid from {date}."),
            name | {"date": certificate.valid_from},
        )
    return Blocked(
        N_("{product}: its OCOP certificate expired on {date}."), name | {"date": certificate.valid_until}
    )


async def clearances(
    session: AsyncSession, location_id: int, product_ids: Iterable[int], on: dt.date
) -> dict[int, Clearance]:
    """The office's clearances in force for these products at this location on ``on``."""
    wanted = set(product_ids)
    if not wanted:
        return {}
    stmt = (
        sa.select(Clearance)
        .where(
            Clearance.product_id.in_(wanted),
            sa.or_(Clearance.location_id.is_(None), Clearance.location_id == location_id),
            Clearance.starts_on <= on,
            Clearance.until >= on,
            Clearance.revoked_at.is_(None),
        )
        .order_by(Clearance.id)
    )
    return {c.product_id: c for c in await session.scalars(stmt)}
