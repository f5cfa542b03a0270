"""Starting a payment after checkout, and what the providers tell us afterwards."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.db import insert_for
from shop.db_types import utcnow
from shop.errors import Conflict
from shop.i18n import N_
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus, PaymentMethod
from shop.payments import providers
from shop.payments.models import Payment, PaymentStatus, Provider, WebhookEvent
from shop.payments.stripe_events import Envelope, EventObject
from shop.settings import Settings

# Built once, run with the order bound (an order's page and each payment step read it).
_LATEST = (
    sa.select(Payment)
    .where(Payment.order_id == sa.bindparam("order_id"))
    .order_by(Payment.id.desc())
    .limit(1)
)


def latest_status(
    order_id: sa.ColumnElement[int] | InstrumentedAttribute[int],
) -> sa.ScalarSelect[PaymentStatus]:
    """The status of the order's latest payment, as a column of another statement."""
    return (
        sa.select(Payment.status)
        .where(Payment.order_id == order_id)
        .order_by(Payment.id.desc())
        .limit(1)
        .scalar_subquery()
    )


async def payment_of(session: AsyncSession, order_id: int) -> Payment | None:
    return await session.scalar(_LATEST, {"order_id": order_id})


async def start(session: AsyncSession, settings: Settings, order: Order) -> providers.Instructions | None:
    """What the customer does to pay, asking the provider if needed; None once nothing is owed."""
    payment = await payment_of(session, order.id)
    if payment is None or order.status not in (OrderStatus.awaiting_payment, OrderStatus.placed):
        return None
    return await providers.provider_for(order.payment_method).start(session, settings, order, payment)


async def remember_event(session: AsyncSession, provider: Provider, event_id: str, type_: str) -> int | None:
    """Store the event id; None if it was stored before (a replay: do nothing)."""
    insert = insert_for(session)
    stmt = (
        insert(WebhookEvent)
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(WebhookEvent.id)
    )
    row = (
        await session.execute(
            stmt.values(provider=provider, event_id=event_id, type=type_, outcome="", received_at=utcnow())
        )
    ).first()
    return None if row is None else int(row[0])


async def _stripe_payment(
    session: AsyncSession, obj: EventObject, *, session_id: str | None
) -> Payment | None:
    """The payment an event is about: by session id, by intent id, else by the order number."""
    if session_id:
        found = await session.scalar(sa.select(Payment).where(Payment.external_id == session_id))
        if found:
            return found
    if intent := obj.intent_id:
        found = await session.scalar(sa.select(Payment).where(Payment.intent_id == intent))
        if found:
            return found
    number = obj.order_number
    if not number:
        return None
    return await session.scalar(
        sa.select(Payment)
        .join(Order, Order.id == Payment.order_id)
        .where(Order.number == number, Payment.provider == Provider.stripe)
        .order_by(Payment.id.desc())
        .limit(1)
    )


async def handle_stripe_event(
    session: AsyncSession, settings: Settings, event: Envelope, obj: EventObject, *, on: dt.date
) -> str:
    """Apply one verified Stripe event (stored once by the caller); what happened, for the log."""
    kind = event.type
    session_id = obj.id if obj.object == "checkout.session" else None
    found = await _stripe_payment(session, obj, session_id=session_id)
    if found is None:
        return "no such payment: ignored"
    order = await lifecycle.locked(session, found.order_id)  # one event of an order at a time
    payment = await _fresh(session, found.id)
    await _note_event_order(session, event.id, order.id)
    if isinstance(intent := obj.payment_intent, str):
        payment.intent_id = intent
    payment.updated_at = utcnow()
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if obj.payment_status not in ("paid", "no_payment_required"):
            return "completed, payment still pending"
        return await _paid(session, settings, order, payment, obj, on=on)
    if kind == "checkout.session.expired":
        if payment.status in (PaymentStatus.pending, PaymentStatus.failed):
            payment.status = PaymentStatus.expired
        expired = await lifecycle.expire(session, order, actor="stripe", base_url=settings.base_url)
        return "expired" if expired else f"expired event for a {order.status} order: nothing to do"
    if kind in ("payment_intent.payment_failed", "checkout.session.async_payment_failed"):
        message = obj.last_payment_error.message if obj.last_payment_error else None
        if payment.status == PaymentStatus.pending:
            payment.status = PaymentStatus.failed
        payment.failure = (message or kind)[:300]
        lifecycle.record(session, order.id, "payment_failed", actor="stripe", detail=payment.failure)
        return "payment failed: the customer may try again"
    if kind == "charge.refunded":
        return await _refunded(session, settings, order, payment, obj)
    return f"{kind}: not handled"


async def _fresh(session: AsyncSession, payment_id: int) -> Payment:
    """The payment as committed now (read after taking the order's lock)."""
    stmt = sa.select(Payment).where(Payment.id == payment_id).execution_options(populate_existing=True)
    payment = await session.scalar(stmt)
    assert payment is not None
    return payment


async def _note_event_order(session: AsyncSession, event_id: str, order_id: int) -> None:
    await session.execute(
        sa.update(WebhookEvent)
        .where(WebhookEvent.provider == Provider.stripe, WebhookEvent.event_id == event_id)
        .values(order_id=order_id)
    )


async def _paid(
    session: AsyncSession,
    settings: Settings,
    order: Order,
    payment: Payment,
    obj: EventObject,
    *,
    on: dt.date,
) -> str:
    amount = obj.amount_total or 0
    if (obj.currency or "").lower() != "vnd":
        payment.status = PaymentStatus.mismatch
        await lifecycle.flag(session, order, f"paid in {obj.currency}, not VND", actor="stripe")
        return "currency mismatch: flagged"
    payment.received_vnd = amount
    outcome = await lifecycle.mark_paid(
        session, order, amount, actor="stripe", on=on, base_url=settings.base_url
    )
    payment.status = PaymentStatus.succeeded if order.status == OrderStatus.paid else PaymentStatus.mismatch
    if order.status == OrderStatus.paid and payment.refunded_vnd >= amount:
        # The refund's event came first (Stripe does not promise any order).
        await lifecycle.cancel(session, order, actor="stripe", reason="refunded in full")
        return "paid, and already refunded in full: order cancelled"
    return outcome


async def _refunded(
    session: AsyncSession, settings: Settings, order: Order, payment: Payment, obj: EventObject
) -> str:
    # The charge carries the total refunded so far: taking the largest seen makes events in
    # any order, and replays, land on the same figure.
    refunded = obj.amount_refunded or 0
    if refunded <= payment.refunded_vnd:
        return "refund already known"
    payment.refunded_vnd = refunded
    lifecycle.record(session, order.id, "refunded", actor="stripe", detail=f"{refunded} VND refunded in all")
    if refunded >= order.paid_vnd > 0 and order.status == OrderStatus.paid:
        await lifecycle.cancel(session, order, actor="stripe", reason="refunded in full")
        return "refunded in full: order cancelled"
    return "partly refunded"


async def confirm_transfer(
    session: AsyncSession,
    settings: Settings,
    order: Order,
    *,
    amount_vnd: int,
    by: str,
    on: dt.date,
    reference: str | None = None,
) -> str:
    """The office saw a bank transfer for this order arrive (``reference``: the bank's)."""
    if order.payment_method != PaymentMethod.bank_transfer:
        raise Conflict(N_("This order is not paid by bank transfer."), error_code="not_a_transfer")
    order = await lifecycle.locked(session, order.id)  # two clicks, two staff: one decides
    if order.status == OrderStatus.paid:
        return "already paid"
    payment = await payment_of(session, order.id)
    assert payment is not None
    payment.received_vnd, payment.confirmed_by, payment.updated_at = amount_vnd, by, utcnow()
    payment.bank_reference = reference or payment.bank_reference
    outcome = await lifecycle.mark_paid(
        session, order, amount_vnd, actor=by, on=on, base_url=settings.base_url
    )
    payment.status = PaymentStatus.succeeded if outcome == "paid" else PaymentStatus.mismatch
    return outcome
