"""Certificates about to expire: listed for the office and announced by email, once per
threshold (90, then 60, then 30 days before the end of validity), to the producer and in
a daily digest to the office. The outbox's unique key makes each email go once, however
often the jobs run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
from shop.mail import outbox
from shop.mail.render import queue_template

THRESHOLDS = (30, 60, 90)  # days before the end of validity


@dataclass(frozen=True)
class Expiring:
    certificate: Certificate
    product: Product
    producer: Producer
    days_left: int

    @property
    def threshold(self) -> int:
        """The notice due: the smallest threshold the days left are within."""
        return min(t for t in THRESHOLDS if self.days_left <= t)


async def expiring(session: AsyncSession, *, today: dt.date, within: int = 90) -> list[Expiring]:
    """Active certificates whose validity ends within ``within`` days, soonest first."""
    rows = await session.execute(
        sa.select(Certificate, Product, Producer)
        .join(Product, Product.id == Certificate.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .where(
            Certificate.status == CertificateStatus.active,
            Certificate.valid_until >= today,
            Certificate.valid_until <= today + dt.timedelta(days=within),
        )
        .order_by(Certificate.valid_until, Product.name)
    )
    return [Expiring(c, p, m, (c.valid_until - today).days) for c, p, m in rows.all()]


def _producer_key(item: Expiring) -> str:
    return f"certificate:{item.certificate.id}:expiring:{item.threshold}"


async def notify(session: AsyncSession, *, today: dt.date, office_email: str | None, base_url: str) -> int:
    """Queue the notices due today; answers how many certificates are within 90 days.
    The jobs run every minute: emails already queued are neither rendered nor queued again."""
    found = await expiring(session, today=today, within=max(THRESHOLDS))
    digest_key = f"office:certificates-expiring:{today.isoformat()}"
    keys = [_producer_key(item) for item in found] + [digest_key]
    queued = await outbox.queued(session, keys)
    for item in found:
        if item.producer.email and _producer_key(item) not in queued:
            await queue_template(
                session,
                key=_producer_key(item),
                to=item.producer.email,
                template="reports/email_expiring.txt",
                language="vi",
                item=item,
                base_url=base_url,
            )
    if office_email and found and digest_key not in queued:
        await queue_template(
            session,
            key=digest_key,
            to=office_email,
            template="reports/email_expiring_digest.txt",
            language="vi",
            items=found,
            today=today,
            base_url=base_url,
        )
    return len(found)
