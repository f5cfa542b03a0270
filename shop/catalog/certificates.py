"""The OCOP certificate lifecycle: certify, re-certify (supersede), revoke, expire.

History is never overwritten: a re-certification adds a certificate and marks the previous
one superseded, whatever the new stars (they can go down). A partial unique index guarantees
one active certificate per product even for writes that bypass these functions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, schemas
from shop.catalog.models import Certificate, CertificateStatus, Product
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_

VALIDITY_MONTHS = 36  # Decision 148/QĐ-TTg: 36 months from the decision


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_valid_until(valid_from: dt.date) -> dt.date:
    """The last day of validity: 36 months later, the day before the anniversary."""
    return add_months(valid_from, VALIDITY_MONTHS) - dt.timedelta(days=1)


async def sync_products(session: AsyncSession, product_ids: Iterable[int] | None = None) -> None:
    """Copy each product's active certificate (stars, validity) onto the product row.

    Called by every function here that changes a certificate; with no ids it resyncs all
    products (after bulk loads, and by ``ocop jobs run`` as a safety net).
    """
    active = sa.select(Certificate).where(
        Certificate.product_id == Product.id, Certificate.status == CertificateStatus.active
    )
    stmt = sa.update(Product).values(
        stars=active.with_only_columns(Certificate.stars).scalar_subquery(),
        certified_from=active.with_only_columns(Certificate.valid_from).scalar_subquery(),
        certified_until=active.with_only_columns(Certificate.valid_until).scalar_subquery(),
    )
    if product_ids is not None:
        ids = list(product_ids)
        if not ids:
            return
        stmt = stmt.where(Product.id.in_(ids))
    await session.execute(stmt.execution_options(synchronize_session=False))
    cache.catalog_changed()


async def find_certificate(session: AsyncSession, certificate_id: uuid.UUID) -> Certificate:
    cert = await session.get(Certificate, certificate_id)
    if cert is None:
        raise NotFound(N_("No certificate {key}."), key=certificate_id)
    return cert


async def active_certificate(session: AsyncSession, product_id: int) -> Certificate | None:
    return await session.scalar(
        sa.select(Certificate)
        .where(Certificate.product_id == product_id, Certificate.status == CertificateStatus.active)
        .with_for_update()
    )


def _validity(data: schemas.CertificateIn) -> tuple[dt.date, dt.date]:
    valid_from = data.valid_from or data.decision_date
    valid_until = data.valid_until or default_valid_until(valid_from)
    if valid_until <= valid_from:
        raise InvalidInput(errors=[field_error("valid_until", N_("Must be after the start of validity."))])
    if valid_from < data.decision_date - dt.timedelta(days=366):
        raise InvalidInput(errors=[field_error("valid_from", N_("Too long before the decision date."))])
    return valid_from, valid_until


async def certify(session: AsyncSession, data: schemas.CertificateIn, *, today: dt.date) -> Certificate:
    """Record a certification decision; it supersedes the active certificate if newer."""
    if await session.get(Product, data.product_id) is None:
        raise InvalidInput(errors=[field_error("product_id", N_("No product {key}."), key=data.product_id)])
    duplicate = await session.scalar(
        sa.select(Certificate.id).where(
            Certificate.product_id == data.product_id, Certificate.decision_number == data.decision_number
        )
    )
    if duplicate is not None:
        raise Conflict(
            N_("This product already has a certificate from decision {number}."),
            number=data.decision_number,
            error_code="duplicate_certificate",
            errors=[
                field_error(
                    "decision_number",
                    N_("This product already has a certificate from decision {number}."),
                    number=data.decision_number,
                )
            ],
        )
    valid_from, valid_until = _validity(data)
    current = await active_certificate(session, data.product_id)
    status = _status_on(valid_from, valid_until, today)
    superseded_by: uuid.UUID | None = None
    if current is not None and current.decision_date > data.decision_date:
        # An older decision entered late (history import): it goes straight into history.
        status, superseded_by = CertificateStatus.superseded, current.id
    elif current is not None and status is CertificateStatus.active:
        current.status = CertificateStatus.superseded
        await session.flush()  # free the one-active slot before the new row takes it
    cert = Certificate(
        id=uuid.uuid4(),
        product_id=data.product_id,
        stars=data.stars,
        score=data.score,
        score_a=data.score_a,
        score_b=data.score_b,
        score_c=data.score_c,
        council_level=data.council_level,
        issuer=data.issuer,
        decision_number=data.decision_number,
        decision_date=data.decision_date,
        certificate_number=data.certificate_number,
        valid_from=valid_from,
        valid_until=valid_until,
        criteria_version=data.criteria_version,
        status=status,
        superseded_by_id=superseded_by,
    )
    session.add(cert)
    await session.flush()
    if current is not None and current.status == CertificateStatus.superseded and superseded_by is None:
        current.superseded_by_id = cert.id
        await session.flush()
    await sync_products(session, [data.product_id])
    return cert


def _status_on(valid_from: dt.date, valid_until: dt.date, today: dt.date) -> CertificateStatus:
    """A decision's status on ``today``: one that starts later waits (and supersedes nothing
    yet, the product stays on sale under its running certificate); one already ended never
    supersedes the certificate in force."""
    if valid_from > today:
        return CertificateStatus.scheduled
    return CertificateStatus.active if valid_until >= today else CertificateStatus.expired


async def start_scheduled(session: AsyncSession, *, today: dt.date) -> int:
    """Bring into force the certificates whose first day has come (``ocop jobs run``): each
    supersedes the product's running certificate, in the order of their decisions."""
    due = list(
        await session.scalars(
            sa.select(Certificate)
            .where(Certificate.status == CertificateStatus.scheduled, Certificate.valid_from <= today)
            .order_by(Certificate.product_id, Certificate.decision_date, Certificate.valid_from)
            .with_for_update()
        )
    )
    for cert in due:
        current = await active_certificate(session, cert.product_id)
        if current is not None and current.decision_date > cert.decision_date:
            cert.status, cert.superseded_by_id = CertificateStatus.superseded, current.id
            continue
        status = _status_on(cert.valid_from, cert.valid_until, today)
        if current is not None and status is CertificateStatus.active:
            current.status, current.superseded_by_id = CertificateStatus.superseded, cert.id
            await session.flush()  # free the one-active slot first
        cert.status = status
        await session.flush()
    await sync_products(session, {cert.product_id for cert in due})
    return len(due)


def _day(day: dt.date) -> str:
    return day.strftime("%d/%m/%Y")


def _date_conflict(
    cert: Certificate, other: Certificate, decision_date: dt.date, *, today: dt.date
) -> Conflict | None:
    """Why ``cert`` cannot take ``decision_date`` given ``other`` (same product), if it cannot."""
    params: dict[str, Any] = {
        "day": _day(decision_date),
        "number": cert.decision_number,
        "other": other.decision_number,
    }
    was_before = other.decision_date < cert.decision_date
    if other.decision_date == decision_date or was_before != (other.decision_date < decision_date):
        message = N_(
            "Dated {day}, decision {number} would contradict decision {other} of {other_day} "
            "for the same product."
        )
        return Conflict(
            message, error_code="certificate_date_conflict", other_day=_day(other.decision_date), **params
        )
    back_in_force = cert.status is CertificateStatus.expired and default_valid_until(decision_date) >= today
    if other.status is CertificateStatus.active and back_in_force:
        message = N_(
            "Dated {day}, decision {number} would be in force beside decision {other}, "
            "the product's certificate in force."
        )
        return Conflict(message, error_code="certificate_date_conflict", **params)
    return None


async def redate(session: AsyncSession, cert: Certificate, decision_date: dt.date, *, today: dt.date) -> None:
    """Correct the date of a recorded decision (a typo in the province's list).

    Its validity is recomputed from the new date (36 months). Refused with a ``Conflict``
    when the certificate was revoked, when the new date would move it past another decision
    of the same product (the history would contradict itself), or when it would come back
    into force beside the certificate in force.
    """
    if cert.status is CertificateStatus.revoked:
        raise Conflict(
            N_("Decision {number} was revoked: its date cannot be corrected."),
            number=cert.decision_number,
            error_code="certificate_revoked",
        )
    others = await session.scalars(
        sa.select(Certificate).where(Certificate.product_id == cert.product_id, Certificate.id != cert.id)
    )
    for other in others:
        if (conflict := _date_conflict(cert, other, decision_date, today=today)) is not None:
            raise conflict
    cert.decision_date = cert.valid_from = decision_date
    cert.valid_until = default_valid_until(decision_date)
    if cert.status is not CertificateStatus.superseded:
        cert.status = _status_on(cert.valid_from, cert.valid_until, today)
    await session.flush()
    await sync_products(session, [cert.product_id])


async def revoke(
    session: AsyncSession, certificate_id: uuid.UUID, data: schemas.RevocationIn, *, today: dt.date
) -> Certificate:
    """Withdraw a certificate (thu hồi): the product stops being sold as OCOP at once."""
    cert = await find_certificate(session, certificate_id)
    revocable = (CertificateStatus.active, CertificateStatus.expired, CertificateStatus.scheduled)
    if cert.status not in revocable:
        raise Conflict(
            N_("Only an active or expired certificate can be revoked; this one is {status}."),
            status=cert.status.value,
            error_code="certificate_not_revocable",
        )
    revoked_on = data.revoked_on or today
    if revoked_on < cert.decision_date:
        raise InvalidInput(errors=[field_error("revoked_on", N_("Cannot be before the decision date."))])
    cert.status = CertificateStatus.revoked
    cert.revoked_on = revoked_on
    cert.revocation_reason = data.reason
    cert.revocation_decision = data.decision_number
    await session.flush()
    await sync_products(session, [cert.product_id])
    return cert


async def expire_certificates(session: AsyncSession, *, today: dt.date) -> int:
    """Mark active certificates whose validity ended as expired (``ocop jobs run``)."""
    expired = list(
        await session.scalars(
            sa.update(Certificate)
            .where(Certificate.status == CertificateStatus.active, Certificate.valid_until < today)
            .values(status=CertificateStatus.expired)
            .returning(Certificate.product_id)
            .execution_options(synchronize_session=False)
        )
    )
    await sync_products(session, expired)
    return len(expired)
