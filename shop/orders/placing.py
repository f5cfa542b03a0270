"""An order's transaction edges, shared by the API and the pages: place it and commit, open
its payment after the commit, and the work that follows the answer (refunds, emails)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.background_tasks import BackgroundTask, BackgroundTasks
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import Conflict
from shop.i18n import N_, current_language
from shop.mail import outbox
from shop.orders import checkout, refunds
from shop.orders.cart_schemas import CheckoutIn
from shop.orders.errors import PaymentUnavailable
from shop.orders.models import Order
from shop.orders.notices import tracking_url
from shop.payments import services as payments
from shop.payments.stripe_gateway import StripeUnavailable
from shop.settings import Settings


def after_commit(request: Request[Any, Any, Any]) -> BackgroundTasks:
    """Refunds to Stripe, then the outbox: both after the answer, both retried by the jobs."""
    db, settings = request.app.state.db, request.app.state.settings
    tasks = [BackgroundTask(refunds.send_pending, db, settings)]
    if (mail := send_mail(request)) is not None:
        tasks.append(mail)
    return BackgroundTasks(tasks)


def send_mail(request: Request[Any, Any, Any]) -> BackgroundTask | None:
    """Deliver the outbox once the answer is sent (the emails were queued in the transaction),
    when there is an SMTP server to send to. Without one the emails go to ``var/mail`` with the
    scheduler's or ``ocop jobs run``'s next round: two write transactions after every order
    only to write a file are not worth a worker's time (issue 20)."""
    settings: Settings = request.app.state.settings
    if not settings.smtp_host:
        return None
    return BackgroundTask(outbox.deliver_pending, request.app.state.db, settings)


async def place_order(session: AsyncSession, settings: Settings, data: CheckoutIn) -> checkout.Placed:
    """Checkout, committed; a concurrent twin with the same key yields the twin's order."""
    try:
        placed = await checkout.place(
            session, settings, data, now=utcnow(), on=today(), language=current_language()
        )
        await session.commit()
    except IntegrityError:
        # PostgreSQL: a twin inserted the same idempotency key first; answer its order.
        await session.rollback()
        found = await checkout.by_key(session, data.idempotency_key)
        if found is None:
            raise
        if found.request_hash != checkout.request_hash(data):
            raise Conflict(
                N_("This idempotency key was already used for another checkout."),
                error_code="idempotency_key_reused",
            ) from None
        return checkout.Placed(found, created=False)
    return placed


async def start_payment(session: AsyncSession, settings: Settings, order: Order) -> Any:
    """Open the provider's payment (after the order's commit); 502 if the provider fails."""
    number, url = order.number, tracking_url(order, settings.base_url)
    try:
        instructions = await payments.start(session, settings, order)
        await session.commit()
    except StripeUnavailable as failure:
        await session.rollback()
        raise PaymentUnavailable(number, url) from failure
    return instructions
