"""The certificate lifecycle and the sellable rule, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from shop.catalog import certificates, schemas
from shop.catalog.models import Certificate, CertificateStatus
from shop.catalog.sellability import is_sellable
from shop.errors import Conflict
from tests import factories as f

TODAY = f.TODAY


async def test_certificate_is_valid_for_36_months_from_the_decision(session):
    product = await f.product(session)
    cert = await f.certificate(session, product, 4, decision_date=dt.date(2024, 4, 6))
    assert cert.valid_from == dt.date(2024, 4, 6)
    assert cert.valid_until == dt.date(2027, 4, 5)
    assert cert.status is CertificateStatus.active


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2024, 4, 5), False),
        (dt.date(2024, 4, 6), True),
        (dt.date(2027, 4, 5), True),
        (dt.date(2027, 4, 6), False),
    ],
)
async def test_sellable_only_between_the_validity_dates(session, on, expected):
    product = await f.product(session)
    cert = await f.certificate(session, product, 3, decision_date=dt.date(2024, 4, 6))
    assert is_sellable(cert, on) is expected


async def test_recertification_supersedes_and_can_lower_the_stars(session):
    product = await f.product(session)
    old = await f.certificate(session, product, 4, decision_date=dt.date(2024, 1, 10))
    new = await f.certificate(session, product, 3, decision_date=dt.date(2026, 6, 1))
    await session.refresh(old)
    assert old.status is CertificateStatus.superseded
    assert old.superseded_by_id == new.id
    assert new.status is CertificateStatus.active and new.stars == 3
    history = (
        await session.scalars(sa.select(Certificate).where(Certificate.product_id == product.id))
    ).all()
    assert len(history) == 2


async def test_an_older_decision_entered_late_goes_into_history(session):
    product = await f.product(session)
    current = await f.certificate(session, product, 5, decision_date=dt.date(2024, 7, 1))
    late = await f.certificate(session, product, 4, decision_date=dt.date(2020, 3, 1))
    assert late.status is CertificateStatus.superseded
    assert late.superseded_by_id == current.id
    await session.refresh(current)
    assert current.status is CertificateStatus.active


async def test_the_same_decision_twice_is_a_conflict(session):
    product = await f.product(session)
    await f.certificate(session, product, 3, decision_number="77/QĐ-UBND")
    with pytest.raises(Conflict):
        await f.certificate(session, product, 4, decision_number="77/QĐ-UBND")


async def test_a_certificate_already_past_its_validity_is_recorded_expired(session):
    product = await f.product(session)
    cert = await f.certificate(session, product, 3, decision_date=dt.date(2019, 5, 1))
    assert cert.status is CertificateStatus.expired
    assert not is_sellable(cert, TODAY)


async def test_revocation_stops_sales_and_cannot_be_repeated(session):
    product = await f.product(session)
    cert = await f.certificate(session, product, 4)
    revocation = schemas.RevocationIn(reason="Vi phạm an toàn thực phẩm", decision_number="12/QĐ-UBND")
    revoked = await certificates.revoke(session, cert.id, revocation, today=TODAY)
    assert revoked.status is CertificateStatus.revoked and revoked.revoked_on == TODAY
    assert not is_sellable(revoked, TODAY)
    with pytest.raises(Conflict):
        await certificates.revoke(session, cert.id, revocation, today=TODAY)


async def test_the_expiry_job_expires_only_what_is_past(session):
    old = await f.product(session)
    fresh = await f.product(session)
    stale = await f.certificate(session, old, 3, decision_date=dt.date(2023, 1, 1), today=dt.date(2024, 1, 1))
    live = await f.certificate(session, fresh, 3, decision_date=dt.date(2025, 1, 1))
    assert await certificates.expire_certificates(session, today=TODAY) == 1
    assert await certificates.expire_certificates(session, today=TODAY) == 0
    await session.refresh(stale)
    await session.refresh(live)
    assert stale.status is CertificateStatus.expired
    assert live.status is CertificateStatus.active


async def test_the_database_refuses_a_second_active_certificate(session):
    product = await f.product(session)
    cert = await f.certificate(session, product, 3)
    await session.commit()
    copy = {c.name: getattr(cert, c.key) for c in Certificate.__table__.columns}
    copy.update(id=None, decision_number="other")
    copy.pop("id")
    with pytest.raises(IntegrityError):
        await session.execute(sa.insert(Certificate).values(**copy))
    await session.rollback()


async def test_the_database_refuses_stars_outside_three_to_five(session):
    product = await f.product(session)
    cert = await f.certificate(session, product, 3)
    await session.commit()
    with pytest.raises(IntegrityError):
        await session.execute(sa.update(Certificate).where(Certificate.id == cert.id).values(stars=2))
    await session.rollback()


async def test_a_renewal_decided_early_waits_for_its_first_day(session):
    """Issue 18, item 8: the running certificate stays in force until the renewal starts."""
    product = await f.product(session)
    running = await f.certificate(session, product, 3, decision_date=dt.date(2024, 1, 10), today=TODAY)
    renewal = await f.certificate(
        session,
        product,
        4,
        decision_date=TODAY - dt.timedelta(days=5),
        valid_from=TODAY + dt.timedelta(days=20),
    )
    assert (running.status, renewal.status) == (CertificateStatus.active, CertificateStatus.scheduled)
    await session.refresh(product)
    assert product.stars == 3
    assert await certificates.start_scheduled(session, today=TODAY + dt.timedelta(days=20)) == 1
    await session.refresh(running)
    await session.refresh(product)
    assert running.status is CertificateStatus.superseded and running.superseded_by_id == renewal.id
    assert renewal.status is CertificateStatus.active and product.stars == 4


async def test_a_newer_decision_already_ended_never_supersedes_the_running_one(session):
    product = await f.product(session)
    running = await f.certificate(session, product, 4, decision_date=TODAY - dt.timedelta(days=30))
    ended = await f.certificate(
        session,
        product,
        5,
        decision_date=TODAY - dt.timedelta(days=20),
        valid_from=TODAY - dt.timedelta(days=20),
        valid_until=TODAY - dt.timedelta(days=1),
    )
    assert (running.status, ended.status) == (CertificateStatus.active, CertificateStatus.expired)
