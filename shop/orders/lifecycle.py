"""The order's payment life: paid, expired, cancelled, flagged; each change an event.

Transitions are conditional updates on the current status, so two racing callers (the
scheduler expiring an order while Stripe reports it paid) decide once, in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of
from shop.db_types import utcnow
from shop.invoices import queue as invoices
from shop.invoices.models import SourceKind
from shop.orders import holds, notices
from shop.orders.errors import SoldOut
from shop.orders.invoicing import buyer_of
from shop.orders.models import (
    Fulfilment,
    FulfilmentStatus,
    LineStatus,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
)
from shop.orders.routing import Route


def record(
    session: AsyncSession,
    order_id: int,
    kind: str,
    *,
    actor: str,
    status: str | None = None,
    detail: str | None = None,
    fulfilment_id: int | None = None,
) -> None:
    session.add(
        OrderEvent(
            order_id=order_id,
            kind=kind,
            actor=actor,
            status=status,
            detail=detail,
            fulfilment_id=fulfilment_id,
        )
    )


async def _move(
    session: AsyncSession, order: Order, to: OrderStatus, frm: Sequence[OrderStatus], **values: object
) -> bool:
    """Set the status if it is still one of ``frm``; False if another change came first."""
    stmt = (
        sa.update(Order)
        .where(Order.id == order.id, Order.status.in_(frm))
        .values(status=to, **values)
        .returning(Order.id)
    )
    moved = (await session.execute(stmt)).first() is not None
    if moved:
        await session.refresh(order)
    return moved


async def locked(session: AsyncSession, order_id: int) -> Order:
    """The order, read afresh and locked until the transaction ends (PostgreSQL; SQLite's
    write transactions are serial already). Everything that changes an order's life (a
    webhook, the expiry job, the office) starts here, so each decides on the current state
    and two of them never interleave."""
    stmt = sa.select(Order).where(Order.id == order_id).execution_options(populate_existing=True)
    if dialect_of(session) == "postgresql":
        stmt = stmt.with_for_update()
    order = await session.scalar(stmt)
    assert order is not None
    return order


async def flag(session: AsyncSession, order: Order, reason: str, *, actor: str) -> None:
    """Ask the office to look at the order (the reason is kept, in English, for the office)."""
    order.flag = reason[:300]
    record(session, order.id, "flagged", actor=actor, detail=reason)
    await session.flush()


async def mark_paid(
    session: AsyncSession, order: Order, amount_vnd: int, *, actor: str, on: dt.date, base_url: str
) -> str:
    """The money arrived. Paid if it is the amount owed; otherwise the order is flagged, not paid.
    The caller holds the order's lock (:func:`locked`)."""
    if order.status == OrderStatus.paid:
        return "already paid"
    if amount_vnd != order.total_vnd:
        await flag(
            session,
            order,
            f"paid {amount_vnd} VND but {order.total_vnd} VND is owed: not marked paid",
            actor=actor,
        )
        return "amount mismatch: flagged"
    if order.status in (OrderStatus.expired, OrderStatus.cancelled):
        # Paid after the hold ran out: take the stock again if it is still there.
        try:
            async with session.begin_nested():  # a partial re-reservation is undone whole
                await rehold(session, order, on=on)
        except SoldOut as gone:
            await flag(
                session, order, f"paid after the reservation expired and {gone}: refund it", actor=actor
            )
            return "paid after expiry, stock gone: flagged"
        record(session, order.id, "reserved_again", actor=actor, detail="paid after the reservation expired")
    now = utcnow()
    if not await _move(
        session, order, OrderStatus.paid, (order.status,), paid_vnd=amount_vnd, paid_at=now, expires_at=None
    ):
        return "status changed meanwhile"
    record(session, order.id, "paid", actor=actor, status=OrderStatus.paid, detail=f"{amount_vnd} VND")
    await invoices.enqueue(
        session,
        SourceKind.online_order,
        order.id,
        key=order.token,
        total_vnd=amount_vnd,
        order_id=order.id,
        buyer=buyer_of(order),
    )
    await notices.order_paid(session, order, base_url)
    await notices.new_fulfilments(session, order, base_url)
    return "paid"


async def expire(session: AsyncSession, order: Order, *, actor: str, base_url: str) -> bool:
    """An unpaid order's time ran out: its holds go back to stock (once)."""
    if not await _move(
        session, order, OrderStatus.expired, (OrderStatus.awaiting_payment,), closed_at=utcnow()
    ):
        return False
    units = await holds.release(session, order.id, reason="reservation expired")
    await _close_fulfilments(session, order.id)
    record(
        session,
        order.id,
        "expired",
        actor=actor,
        status=OrderStatus.expired,
        detail=f"{units} units released",
    )
    await notices.order_expired(session, order, base_url)
    return True


async def cancel(session: AsyncSession, order: Order, *, actor: str, reason: str) -> bool:
    frm = (OrderStatus.awaiting_payment, OrderStatus.placed, OrderStatus.paid)
    if not await _move(session, order, OrderStatus.cancelled, frm, closed_at=utcnow()):
        return False
    units = await holds.release(session, order.id, reason=reason)
    await _close_fulfilments(session, order.id)
    record(session, order.id, "cancelled", actor=actor, status=OrderStatus.cancelled, detail=reason)
    record(session, order.id, "released", actor=actor, detail=f"{units} units released")
    return True


async def _close_fulfilments(session: AsyncSession, order_id: int) -> None:
    await session.execute(
        sa.update(Fulfilment)
        .where(Fulfilment.order_id == order_id, Fulfilment.status == FulfilmentStatus.new)
        .values(status=FulfilmentStatus.cancelled, updated_at=utcnow())
    )


async def rehold(session: AsyncSession, order: Order, *, on: dt.date) -> None:
    """Reserve the order's lines again where they were routed (after an expiry)."""
    rows = (
        await session.execute(
            sa.select(OrderLine, Fulfilment.location_id)
            .join(Fulfilment, Fulfilment.id == OrderLine.fulfilment_id)
            .where(OrderLine.order_id == order.id, OrderLine.status == LineStatus.open)
        )
    ).all()
    lines = {line.product_id: line for line, _ in rows}
    routes = [Route(line.product_id, line.quantity, location_id, "again") for line, location_id in rows]
    await holds.reserve(session, order.id, routes, lines, on=on)
    await session.execute(
        sa.update(Fulfilment)
        .where(Fulfilment.order_id == order.id, Fulfilment.status == FulfilmentStatus.cancelled)
        .values(status=FulfilmentStatus.new, updated_at=utcnow())
    )


async def expire_due(
    session: AsyncSession, *, now: dt.datetime, base_url: str, limit: int = 500
) -> list[Order]:
    """Expire unpaid orders whose hold ran out; the expired orders (to close their Stripe sessions)."""
    due = list(
        await session.scalars(
            sa.select(Order)
            # A flagged order (money arrived, not the right amount) waits for the office.
            .where(Order.status == OrderStatus.awaiting_payment, Order.expires_at < now, Order.flag.is_(None))
            .order_by(Order.expires_at)
            .limit(limit)
        )
    )
    expired = []
    for order in due:
        current = await locked(session, order.id)  # a payment may have arrived meanwhile
        if current.flag is None and await expire(session, current, actor="system", base_url=base_url):
            expired.append(current)
    return expired
