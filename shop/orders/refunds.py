"""Money back for lines that will not be delivered.

A card payment is refunded through Stripe, one refund row per reason (``line:12``,
``order:5:shipping``) written in the transaction that closed the lines, then sent after the
commit with the row's key as Stripe's idempotency key: a retry (``ocop jobs run`` sends what
is still pending) can never refund twice. Cash on delivery needs no refund: what is
collected falls. A bank transfer already paid is refunded by the office: the order is flagged.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database, insert_for
from shop.db_types import utcnow
from shop.invoices import queue as invoices
from shop.invoices.models import SourceKind
from shop.orders import lifecycle
from shop.orders.invoicing import buyer_of
from shop.orders.models import LineStatus, Order, OrderLine, OrderStatus, PaymentMethod
from shop.payments import stripe_gateway
from shop.payments.models import Payment, PaymentRefund, PaymentStatus, RefundStatus
from shop.settings import Settings


async def for_lines(session: AsyncSession, order: Order, lines: Sequence[OrderLine]) -> int:
    """Refund closed lines (and the delivery fee once nothing is left); the amount refunded."""
    if order.status != OrderStatus.paid or not lines:
        return 0  # nothing was paid: less is collected, or the hold simply ends
    for ln in lines:  # each line closed after payment lowers the order's e-invoice
        await invoices.enqueue(
            session,
            SourceKind.order_line,
            ln.id,
            key=f"{order.token}:{ln.id}",
            total_vnd=-ln.line_total_vnd,
            order_id=order.id,
            buyer=buyer_of(order),  # an adjustment names the buyer its invoice named
        )
    owed = {f"line:{ln.id}": ln.line_total_vnd for ln in lines}
    left = await session.scalar(
        sa.select(sa.func.count()).where(OrderLine.order_id == order.id, OrderLine.status == LineStatus.open)
    )
    if not left and order.shipping_vnd:
        owed[f"order:{order.id}:shipping"] = order.shipping_vnd
    amount = sum(owed.values())
    if order.payment_method == PaymentMethod.bank_transfer:
        await lifecycle.flag(session, order, f"refund {amount} VND by bank transfer", actor="system")
        return amount
    payment = await session.scalar(
        sa.select(Payment).where(Payment.order_id == order.id, Payment.status == PaymentStatus.succeeded)
    )
    if payment is None:
        return 0
    asked = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PaymentRefund.amount_vnd), 0)).where(
            PaymentRefund.payment_id == payment.id, PaymentRefund.key.not_in(list(owed))
        )
    )
    if int(asked or 0) + amount > payment.received_vnd:  # never more back than came in
        await lifecycle.flag(
            session, order, f"refunds would exceed the {payment.received_vnd} VND paid", actor="system"
        )
        return 0
    insert = insert_for(session)
    await session.execute(
        insert(PaymentRefund).on_conflict_do_nothing(index_elements=["key"]),
        [
            {
                "payment_id": payment.id,
                "key": key,
                "amount_vnd": value,
                "status": RefundStatus.pending,
                "created_at": utcnow(),
            }
            for key, value in owed.items()
        ],
    )
    lifecycle.record(session, order.id, "refund_requested", actor="system", detail=f"{amount} VND")
    return amount


async def _refused(db: Database, refund: PaymentRefund, why: str) -> None:
    async with db.write_sessions() as session:
        await session.execute(
            sa.update(PaymentRefund).where(PaymentRefund.id == refund.id).values(status=RefundStatus.failed)
        )
        payment = await session.get(Payment, refund.payment_id)
        assert payment is not None
        order = await lifecycle.locked(session, payment.order_id)
        await lifecycle.flag(
            session,
            order,
            f"Stripe refused the refund {refund.key} ({refund.amount_vnd} VND): {why}",
            actor="stripe",
        )
        await session.commit()


async def send_pending(db: Database, settings: Settings) -> int:
    """Ask Stripe for the refunds still pending; the number it made."""
    async with db.read_sessions() as session:
        pending = (
            await session.execute(
                sa.select(PaymentRefund, Payment.intent_id)
                .join(Payment, Payment.id == PaymentRefund.payment_id)
                .where(PaymentRefund.status == RefundStatus.pending)
                .order_by(PaymentRefund.id)
                .limit(100)
            )
        ).all()
    done = 0
    for refund, intent in pending:
        if not intent:
            continue
        try:
            external = await stripe_gateway.refund(
                settings, payment_intent=intent, amount_vnd=refund.amount_vnd, key=refund.key
            )
        except stripe_gateway.StripeRefused as refused:
            await _refused(db, refund, str(refused))  # never retried: the office decides
            continue
        except stripe_gateway.StripeUnavailable:
            continue  # stays pending: the next run retries with the same key
        async with db.write_sessions() as session:
            await session.execute(
                sa.update(PaymentRefund)
                .where(PaymentRefund.id == refund.id)
                .values(status=RefundStatus.succeeded, external_id=external)
            )
            await session.commit()
        done += 1
    return done
