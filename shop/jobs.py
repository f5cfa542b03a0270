"""Background work that is due: run by ``ocop jobs run`` (cron) or the in-app scheduler
(``shop.scheduler``, which imports this module when it first runs the jobs: a worker that
never runs them does without the invoicing, refunds, feeds and mail they import, 3 MiB).

Every job is idempotent: running twice, or in two processes at once, changes nothing the
second time (expiries are conditional updates; emails are sent from an outbox).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, certificates, expiry
from shop.catalog.sellability import VIETNAM
from shop.db import Database
from shop.db_types import utcnow
from shop.evaluation import reevaluation
from shop.invoices import emails as invoice_emails
from shop.invoices import issuing as invoices
from shop.invoices.models import SourceKind
from shop.mail import outbox
from shop.orders import invoicing as order_invoices
from shop.orders import lifecycle, office, refunds
from shop.orders.models import PaymentMethod
from shop.payments import stripe_gateway
from shop.payments.models import Payment, Provider
from shop.settings import Settings
from shop.storefront.feeds import files as feeds
from shop.till import invoicing as till_invoices

log = logging.getLogger("shop.jobs")

# What each kind of queued e-invoice invoices, read when it is issued.
INVOICE_LOADERS: dict[SourceKind, invoices.Loader] = {
    SourceKind.till_sale: till_invoices.sale_source,
    SourceKind.till_return: till_invoices.return_source,
    SourceKind.online_order: order_invoices.order_source,
    SourceKind.order_line: order_invoices.line_source,
}


async def run_due(db: Database, settings: Settings, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Run what is due at ``now``; how many things each job did."""
    now = now or utcnow()
    async with db.write_sessions() as session:
        today = now.astimezone(VIETNAM).date()
        started_certificates = await certificates.start_scheduled(session, today=today)
        expired_certificates = await certificates.expire_certificates(session, today=today)
        expiring = await expiry.notify(
            session, today=today, office_email=settings.office_email, base_url=settings.base_url
        )
        expired = await lifecycle.expire_due(session, now=now, base_url=settings.base_url)
        overdue = await office.flag_overdue(session, now=now)
        reevaluations = await reevaluation.open_due(session, today=today)
        card_orders = [o.id for o in expired if o.payment_method == PaymentMethod.card]
        sessions = await _stripe_sessions(session, card_orders)
        if started_certificates or expired_certificates:
            # A certificate come into force or expired shows on the pages at once (here, and
            # in the other instances when they share Redis); a run with no such change keeps
            # the caches, however often the jobs run.
            await cache.commit(session)
        else:
            await session.commit()
    closed = 0
    for session_id in sessions:  # so that no late payment arrives for stock gone back on sale
        try:
            await stripe_gateway.expire_checkout_session(settings, session_id)
            closed += 1
        except stripe_gateway.StripeUnavailable as failure:
            log.warning("could not expire Stripe session %s: %s", session_id, failure)
    return {
        "certificates come into force": started_certificates,
        "certificates expired": expired_certificates,
        "certificates expiring within 90 days": expiring,
        "reservations expired": len(expired),
        "card sessions closed": closed,
        "fulfilments past their deadline": overdue,
        "re-evaluations opened": reevaluations,
        "refunds made": await refunds.send_pending(db, settings),
        "e-invoices issued": await invoices.issue_due(db, INVOICE_LOADERS, now=now),
        "e-invoice PDFs attached": await invoice_emails.attach_pending(db),
        "emails sent": await outbox.deliver_pending(db, settings),
        "shopping feeds regenerated": int(await feeds.refresh(db, settings, now=now)),
    }


async def _stripe_sessions(session: AsyncSession, order_ids: list[int]) -> list[str]:
    if not order_ids:
        return []
    found = await session.scalars(
        sa.select(Payment.external_id).where(
            Payment.order_id.in_(order_ids),
            Payment.provider == Provider.stripe,
            Payment.external_id.is_not(None),
        )
    )
    return [sid for sid in found if sid]
