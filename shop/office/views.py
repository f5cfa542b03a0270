"""What the office's product page shows: the product in words, where its certificate
stands, its history, and the values the certificate form starts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.groups import CRITERIA_148
from shop.catalog.models import (
    Certificate,
    CertificateStatus,
    Producer,
    Product,
    ProductGroup,
    ProductTranslation,
)
from shop.catalog.sellability import product_is_sellable, today
from shop.geo.models import Place
from shop.i18n import LANGUAGES, _, babel_locale


def language_name(code: str) -> str:
    """A language as the reader calls it, then as it calls itself: "Tiếng Hàn · 한국어"."""
    own = babel_locale().languages.get(code)
    return f"{own} · {LANGUAGES[code]}" if own and own != LANGUAGES[code] else LANGUAGES.get(code, code)


def certificate_labels() -> dict[str, str]:
    return {
        "active": _("In force"),
        "expired": _("Expired"),
        "revoked": _("Revoked"),
        "superseded": _("Replaced by a renewal"),
        "scheduled": _("Decided, in force from its first day"),
    }


def status_labels() -> dict[str, str]:
    return {
        "on_sale": _("On sale (certificate in force)"),
        "not_yet": _("Certified, not yet in force"),
        "expired": _("Certificate expired"),
        "revoked": _("Certificate revoked"),
        "none": _("No certificate"),
        "hidden": _("Hidden by the office"),
    }


def council_labels() -> dict[str, str]:
    return {
        "province": _("Province (3★ and 4★)"),
        "central": _("Ministry, central level (5★)"),
        "district": _("District (3★, until July 2025)"),
    }


def status_of(product: Product, latest: Certificate | None, on: dt.date) -> str:
    """Where a product stands, as the list's status filter names it."""
    if not product.is_active:
        return "hidden"
    if product_is_sellable(product, on):
        return "on_sale"
    if latest is None:
        return "none"
    if latest.status is CertificateStatus.active:
        return "not_yet" if latest.valid_from > on else "expired"
    return "revoked" if latest.status is CertificateStatus.revoked else "expired"


@dataclass
class ProductView:
    product: Product
    producer: Producer
    group: ProductGroup
    origin: list[str]  # today's names, then the former ones
    translations: dict[str, str]  # language name → translated name
    history: list[Certificate]  # newest first
    running: Certificate | None  # the active certificate, if any
    status: str
    certificate_defaults: dict[str, str] = field(default_factory=dict)

    @property
    def revocable(self) -> list[Certificate]:
        return [c for c in self.history if c.status in (CertificateStatus.active, CertificateStatus.expired)]


async def _names(session: AsyncSession, ids: list[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    rows = await session.execute(sa.select(Place.id, Place.name).where(Place.id.in_(wanted)))
    return {place_id: name for place_id, name in rows.all()}


def issuer_for(province_name: str | None) -> str:
    """The usual issuer: the province's People's Committee ("UBND tỉnh Thái Nguyên")."""
    if not province_name:
        return ""
    return f"UBND {province_name[:1].lower()}{province_name[1:]}"


async def product_view(session: AsyncSession, product: Product) -> ProductView:
    producer = await session.get(Producer, product.producer_id)
    group = await session.get(ProductGroup, product.group_id)
    assert producer is not None  # a foreign key
    assert group is not None
    places = await _names(
        session,
        [
            product.origin_commune_id,
            product.origin_province_id,
            product.legacy_district_id,
            product.legacy_province_id,
        ],
    )
    current = [places[i] for i in (product.origin_commune_id, product.origin_province_id) if i in places]
    former = [places[i] for i in (product.legacy_district_id, product.legacy_province_id) if i in places]
    origin = [", ".join(current)] if current else []
    if former:
        origin.append(_("formerly %(name)s") % {"name": ", ".join(former)})
    history = list(
        await session.scalars(
            sa.select(Certificate)
            .where(Certificate.product_id == product.id)
            .order_by(Certificate.decision_date.desc(), Certificate.created_at.desc())
        )
    )
    translations = {
        language_name(row.language): row.name
        for row in await session.scalars(
            sa.select(ProductTranslation).where(ProductTranslation.product_id == product.id)
        )
    }
    running = next((c for c in history if c.status is CertificateStatus.active), None)
    province = places.get(product.origin_province_id or 0)
    on = today()
    return ProductView(
        product=product,
        producer=producer,
        group=group,
        origin=origin,
        translations=translations,
        history=history,
        running=running,
        status=status_of(product, running or (history[0] if history else None), on),
        certificate_defaults={
            "council_level": "province",
            "issuer": issuer_for(province),
            "criteria_version": running.criteria_version if running else CRITERIA_148,
        },
    )
