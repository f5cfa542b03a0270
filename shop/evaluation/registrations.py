"""Registrations: a producer (its cooperative account, or the office on its behalf) enters a
product in an open round, on the published score sheet of the product set it chooses, as a
first evaluation, an upgrade or a re-evaluation. The dossier starts with one empty answer per
criterion, or as a copy of the product's last dossier when it has one.

Scope: a cooperative sees and changes only its own producer's registrations; anyone else's
answers 404, as one that does not exist. The office (``producer_id=None``) sees all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVarTuple

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.accounts.services import CurrentUser
from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.evaluation import copying
from shop.evaluation.models.registrations import (
    DossierAnswer,
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
)
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, SheetStatus
from shop.evaluation.registration_schemas import RegistrationIn
from shop.evaluation.rounds import registration_refusal
from shop.geo.models import Place
from shop.i18n import N_

# A dossier the producer still works on (answers and evidence may change).
Ts = TypeVarTuple("Ts")

EDITABLE = (RegistrationStatus.draft, RegistrationStatus.returned)
# Certificates that say what the product holds (a revoked one says it holds nothing).
HELD = (CertificateStatus.active, CertificateStatus.expired, CertificateStatus.scheduled)


@dataclass(frozen=True)
class Listed:
    registration: Registration
    product: Product
    producer: Producer
    sheet: CriteriaSheet
    commune: str | None
    district: str | None


@dataclass(frozen=True)
class Filters:
    round_id: int | None = None
    status: RegistrationStatus | None = None
    kind: EvaluationKind | None = None
    commune_id: int | None = None
    district_id: int | None = None
    producer_id: int | None = None  # the scope: a cooperative's own producer


def scope_of(user: CurrentUser) -> int | None:
    """Whose registrations a user may touch: None for the office (every producer's)."""
    if user.is_admin:
        return None
    return user.producer_id or -1  # a cooperative account without a producer owns nothing


def _not_found(registration_id: int) -> NotFound:
    return NotFound(N_("No registration {key}."), key=registration_id)


async def visible(session: AsyncSession, registration_id: int, producer_id: int | None) -> Registration:
    """The registration if the caller may see it (``producer_id`` None: the office)."""
    found = await session.get(Registration, registration_id)
    if found is None or (producer_id is not None and found.producer_id != producer_id):
        raise _not_found(registration_id)
    return found


async def published_sheets(session: AsyncSession) -> list[CriteriaSheet]:
    """The sheets a producer chooses from: the newest published one of each product set."""
    found = await session.scalars(
        sa.select(CriteriaSheet)
        .where(CriteriaSheet.status == SheetStatus.published)
        .order_by(CriteriaSheet.product_set, CriteriaSheet.revision.desc(), CriteriaSheet.id.desc())
    )
    newest: dict[str, CriteriaSheet] = {}
    for sheet in found:
        newest.setdefault(sheet.product_set, sheet)
    return sorted(newest.values(), key=lambda s: s.name)


async def sheet_for_set(session: AsyncSession, product_set: str) -> CriteriaSheet | None:
    return next((s for s in await published_sheets(session) if s.product_set == product_set), None)


def _tokens(text: str) -> set[str]:
    return {t for t in text.lower().replace("_", "-").split("-") if t}


def suggest_set(group_code: str, sheets: Sequence[CriteriaSheet]) -> str | None:
    """The product set whose name best matches the product's group code ("food-tea" →
    "tea"), when one matches better than all others; the producer can always choose."""
    wanted = _tokens(group_code)
    scored = []
    for sheet in sheets:
        have = _tokens(sheet.product_set)
        scored.append((len(wanted & have) / len(wanted | have) if wanted | have else 0.0, sheet.product_set))
    scored.sort(reverse=True)
    if not scored or scored[0][0] == 0 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


async def default_kind(session: AsyncSession, product_id: int, year: int) -> EvaluationKind:
    """Re-evaluation when the last certificate ends by the round's year; upgrade when the
    product holds one running beyond it (it aims higher); first evaluation otherwise."""
    until = await session.scalar(
        sa.select(sa.func.max(Certificate.valid_until)).where(
            Certificate.product_id == product_id, Certificate.status.in_(HELD)
        )
    )
    if until is None:
        return EvaluationKind.first
    return EvaluationKind.re_evaluation if until.year <= year else EvaluationKind.upgrade


async def register(
    session: AsyncSession,
    data: RegistrationIn,
    *,
    producer_id: int | None,
    user_id: int | None,
    today: dt.date,
) -> Registration:
    """A draft registration with its dossier; ``producer_id`` limits the products to one
    producer's (a cooperative); the office registers any product on its producer's behalf."""
    found = await session.get(EvaluationRound, data.round_id)
    if found is None:
        raise InvalidInput(errors=[field_error("round_id", N_("No round {key}."), key=data.round_id)])
    if (refusal := registration_refusal(found, today)) is not None:
        raise Conflict(refusal, error_code="registration_closed")
    product = await _product(session, data.product_id, producer_id, found)
    sheet = await sheet_for_set(session, data.product_set)
    if sheet is None:
        message = N_("Choose a product set that has a published score sheet.")
        raise InvalidInput(errors=[field_error("product_set", message)])
    taken = await session.scalar(
        sa.select(Registration.id).where(
            Registration.round_id == found.id, Registration.product_id == product.id
        )
    )
    if taken is not None:
        message = N_("This product is already registered in this round.")
        raise Conflict(message, error_code="already_registered", errors=[field_error("product_id", message)])
    registration = Registration(
        round_id=found.id,
        product_id=product.id,
        producer_id=product.producer_id,
        sheet_id=sheet.id,
        kind=data.kind or await default_kind(session, product.id, found.year),
        status=RegistrationStatus.draft,
        created_by=user_id,
    )
    session.add(registration)
    await session.flush()
    await start_dossier(session, registration, today=today)
    return registration


async def _product(
    session: AsyncSession, product_id: int, producer_id: int | None, found: EvaluationRound
) -> Product:
    product = await session.get(Product, product_id)
    if product is None or (producer_id is not None and product.producer_id != producer_id):
        raise InvalidInput(errors=[field_error("product_id", N_("No product {key}."), key=product_id)])
    if product.origin_province_id is not None and product.origin_province_id != found.province_id:
        message = N_("This product comes from another province: register it in that province's round.")
        raise InvalidInput(errors=[field_error("product_id", message)])
    return product


async def start_dossier(session: AsyncSession, registration: Registration, *, today: dt.date) -> None:
    """One answer per criterion; copied from the product's last dossier when there is one."""
    criteria = await session.scalars(
        sa.select(Criterion.id)
        .where(Criterion.sheet_id == registration.sheet_id)
        .order_by(Criterion.position)
    )
    session.add_all(
        DossierAnswer(registration_id=registration.id, criterion_id=c, evidence=[]) for c in criteria
    )
    await session.flush()
    previous = await copying.last_dossier(session, registration)
    if previous is not None:
        await copying.copy_dossier(session, registration, previous, today=today)


def _filtered(stmt: sa.Select[*Ts], filters: Filters) -> sa.Select[*Ts]:
    conditions = {
        Registration.round_id: filters.round_id,
        Registration.status: filters.status,
        Registration.kind: filters.kind,
        Registration.producer_id: filters.producer_id,
        Product.origin_commune_id: filters.commune_id,
        Product.legacy_district_id: filters.district_id,
    }
    for column, value in conditions.items():
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def listing_query(filters: Filters) -> sa.Select[Registration, Product, Producer, CriteriaSheet, str, str]:
    """Registrations with their product, producer, sheet and area, oldest first (the order
    they came in), the id last so that a page never repeats a row."""
    commune, district = aliased(Place), aliased(Place)
    stmt = (
        sa.select(Registration, Product, Producer, CriteriaSheet, commune.name, district.name)
        .join(Product, Product.id == Registration.product_id)
        .join(Producer, Producer.id == Registration.producer_id)
        .join(CriteriaSheet, CriteriaSheet.id == Registration.sheet_id)
        .outerjoin(commune, commune.id == Product.origin_commune_id)
        .outerjoin(district, district.id == Product.legacy_district_id)
        .order_by(Registration.created_at, Registration.id)
    )
    return _filtered(stmt, filters)


def listed(row: sa.Row[Registration, Product, Producer, CriteriaSheet, str, str]) -> Listed:
    registration, product, producer, sheet, commune, district = row
    return Listed(registration, product, producer, sheet, commune, district)


@dataclass(frozen=True)
class AreaCount:
    place_id: int | None
    name: str | None
    by_status: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


async def counts_by_status(session: AsyncSession, filters: Filters) -> dict[str, int]:
    stmt = sa.select(Registration.status, sa.func.count()).join(
        Product, Product.id == Registration.product_id
    )
    stmt = _filtered(stmt.group_by(Registration.status), replace(filters, status=None))
    return {str(status): int(n) for status, n in (await session.execute(stmt)).all()}


async def counts_by_area(session: AsyncSession, filters: Filters, *, level: str) -> list[AreaCount]:
    """Registrations per commune (today's map) or per former district, and per status."""
    column = Product.origin_commune_id if level == "commune" else Product.legacy_district_id
    stmt = (
        sa.select(column, Place.name, Registration.status, sa.func.count())
        .select_from(Registration)
        .join(Product, Product.id == Registration.product_id)
        .outerjoin(Place, Place.id == column)
        .group_by(column, Place.name, Registration.status)
    )
    areas: dict[int | None, AreaCount] = {}
    for place_id, name, status, n in (await session.execute(_filtered(stmt, filters))).all():
        area = areas.setdefault(place_id, AreaCount(place_id, name, {}))
        area.by_status[str(status)] = int(n)
    return sorted(areas.values(), key=lambda a: (a.name is None, a.name or ""))
