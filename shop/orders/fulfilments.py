"""A fulfilment's life, for whoever holds the goods: accept or reject lines, pack, ship,
deliver. Only the transitions in ``NEXT`` (``fulfilment_states.py``) exist; any other
answers 409 naming the allowed ones. Every transition is a conditional update on the
current state, with an event naming who and when. Rejected or cancelled lines give their
stock back and are refunded (``refunds.py``); shipping commits the held stock (it leaves
the shelf, once). What a user may see, and reading the queue, is ``fulfilment_queue.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.db import dialect_of
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_, format_number
from shop.invoices import queue as invoices
from shop.invoices.models import SourceKind
from shop.orders import holds, lifecycle, notices, refunds
from shop.orders.fulfilment_queue import fee_collector, lines_of, refuse_unless_open, to_collect
from shop.orders.fulfilment_states import NEXT, IllegalTransition
from shop.orders.invoicing import buyer_of
from shop.orders.models import (
    DeliveryMethod,
    Fulfilment,
    FulfilmentStatus,
    LineStatus,
    Order,
    OrderLine,
    PaymentMethod,
)

S = FulfilmentStatus


async def move(
    session: AsyncSession,
    f: Fulfilment,
    to: FulfilmentStatus,
    *,
    actor: str,
    detail: str | None = None,
    **values: object,
) -> None:
    if to not in NEXT[f.status]:
        raise IllegalTransition(f.status, to)
    moved = await session.execute(
        sa.update(Fulfilment)
        .where(Fulfilment.id == f.id, Fulfilment.status == f.status, Fulfilment.location_id == f.location_id)
        .values(status=to, updated_at=utcnow(), **values)
        .returning(Fulfilment.id)
    )
    if moved.first() is None:  # someone else moved it first: say what it is now
        await session.refresh(f)
        raise IllegalTransition(f.status, to)
    await session.refresh(f)
    lifecycle.record(
        session,
        f.order_id,
        "fulfilment_" + to.value,
        actor=actor,
        status=to,
        fulfilment_id=f.id,
        detail=detail,
    )


async def order_of(session: AsyncSession, f: Fulfilment) -> Order:
    """The order, locked, and the fulfilment read again under that lock: whoever changes an
    order's fulfilments (its holder, the office) decides on their current state. A
    fulfilment that moved to another location meanwhile is no longer this caller's."""
    seen = f.location_id
    order = await lifecycle.locked(session, f.order_id)
    await session.refresh(f, with_for_update=dialect_of(session) == "postgresql")
    if f.location_id != seen:
        raise NotFound(N_("No fulfilment {id}."), error_code="fulfilment_not_found", id=f.id)
    refuse_unless_open(order)
    return order


async def accept(
    session: AsyncSession,
    f: Fulfilment,
    user: CurrentUser,
    rejected: Sequence[tuple[int, str]] = (),
    *,
    base_url: str,
) -> None:
    """Accept the fulfilment, rejecting some lines (id, reason); all of them rejects it."""
    order = await order_of(session, f)
    lines = {line.id: line for line in await lines_of(session, f.id)}
    reasons = dict(rejected)
    unknown = [i for i in reasons if i not in lines or lines[i].status != LineStatus.open]
    if unknown:
        raise InvalidInput(errors=[field_error("rejected", N_("No open line {id} here."), id=unknown[0])])
    if any(len(r.strip()) < 3 for r in reasons.values()):
        raise InvalidInput(errors=[field_error("rejected", N_("Say why a line is rejected."))])
    open_lines = [ln for ln in lines.values() if ln.status == LineStatus.open]
    everything = {ln.id for ln in open_lines} <= set(reasons)
    await move(session, f, S.rejected if everything else S.accepted, actor=user.username)
    if reasons:
        closing = [lines[i] for i in reasons]
        await close_lines(
            session, order, closing, LineStatus.rejected, reasons, user.username, base_url=base_url
        )


async def reject(
    session: AsyncSession, f: Fulfilment, user: CurrentUser, reason: str, *, base_url: str
) -> None:
    """Reject every open line for one reason (the holder cannot supply any of it)."""
    lines = await lines_of(session, f.id)
    everything = [(ln.id, reason) for ln in lines if ln.status == LineStatus.open]
    await accept(session, f, user, everything, base_url=base_url)


async def close_lines(
    session: AsyncSession,
    order: Order,
    lines: Sequence[OrderLine],
    status: LineStatus,
    reasons: dict[int, str],
    actor: str,
    *,
    base_url: str,
) -> None:
    """Lines that will not be delivered: stock back, money back (or less to collect), and
    the customer told."""
    for line in lines:
        line.status, line.reason = status, reasons.get(line.id, "")[:300]
    await session.flush()
    await holds.release(session, order.id, reason=f"lines {status.value}", line_ids=[ln.id for ln in lines])
    for line in lines:
        lifecycle.record(
            session,
            order.id,
            "line_" + status.value,
            actor=actor,
            fulfilment_id=line.fulfilment_id,
            detail=f"{line.name} × {line.quantity}: {line.reason}",
        )
    await refunds.for_lines(session, order, lines)
    await notices.lines_closed(session, order, list(lines), base_url)
    if not await _any_open(session, order.id):
        await lifecycle.cancel(session, order, actor=actor, reason="no line left to deliver")


async def _any_open(session: AsyncSession, order_id: int) -> bool:
    stmt = sa.select(OrderLine.id).where(OrderLine.order_id == order_id, OrderLine.status == LineStatus.open)
    return await session.scalar(stmt.limit(1)) is not None


async def pack(session: AsyncSession, f: Fulfilment, user: CurrentUser) -> None:
    await order_of(session, f)
    await move(session, f, S.packed, actor=user.username)


async def ship(
    session: AsyncSession,
    f: Fulfilment,
    user: CurrentUser,
    *,
    carrier: str,
    tracking_number: str,
    base_url: str,
) -> None:
    """The parcel left: its held units leave the stock for good (an online sale, once)."""
    errors = []
    if len(carrier) < 2:
        errors.append(field_error("carrier", N_("Name the carrier.")))
    if len(tracking_number) < 3:
        errors.append(field_error("tracking_number", N_("Enter the tracking number.")))
    if errors:
        raise InvalidInput(errors=errors)
    order = await order_of(session, f)
    await move(
        session,
        f,
        S.shipped,
        actor=user.username,
        detail=f"{carrier} {tracking_number}",
        carrier=carrier,
        tracking_number=tracking_number,
    )
    open_ids = [ln.id for ln in await lines_of(session, f.id) if ln.status == LineStatus.open]
    await holds.commit(session, order.id, line_ids=open_ids, user_id=user.id)
    await notices.fulfilment_moved(session, order, f, base_url)


async def deliver(
    session: AsyncSession, f: Fulfilment, user: CurrentUser, *, cash_collected_vnd: int | None, base_url: str
) -> None:
    """Handed over; for cash on delivery, the cash collected must be what is owed."""
    if S.delivered not in NEXT[f.status]:
        raise IllegalTransition(f.status, S.delivered)
    order = await order_of(session, f)
    if order.payment_method != PaymentMethod.cod:
        cash_collected_vnd = None  # nothing to collect: a typed figure is not kept
    else:
        due = await to_collect(session, order, f, await lines_of(session, f.id))
        if cash_collected_vnd != due:
            raise InvalidInput(
                errors=[
                    field_error(
                        "cash_collected_vnd",
                        N_("Collect {amount} VND for this parcel."),
                        amount=format_number(due),
                    )
                ]
            )
    # The parcel that carried the order's delivery fee, decided now and kept: the producer
    # who shipped it is credited the fee in its statement.
    carried = order.delivery_method == DeliveryMethod.ship and f.id == await fee_collector(session, order.id)
    fee = order.shipping_vnd if carried else 0
    await move(
        session,
        f,
        S.delivered,
        actor=user.username,
        cash_collected_vnd=cash_collected_vnd,
        fee_carried_vnd=fee,
    )
    if order.payment_method == PaymentMethod.cod:
        await _invoice_when_collected(session, order)
    await notices.fulfilment_moved(session, order, f, base_url)


async def _invoice_when_collected(session: AsyncSession, order: Order) -> None:
    """A cash order is invoiced once its last parcel is handed over: what was delivered and
    collected (a line rejected before is simply not on it)."""
    going = await session.scalar(
        sa.select(sa.func.count()).where(
            Fulfilment.order_id == order.id, Fulfilment.status.not_in([S.delivered, S.rejected, S.cancelled])
        )
    )
    if going:
        return
    collected = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Fulfilment.cash_collected_vnd), 0)).where(
            Fulfilment.order_id == order.id
        )
    )
    await invoices.enqueue(
        session,
        SourceKind.online_order,
        order.id,
        key=order.token,
        total_vnd=int(collected or 0),
        order_id=order.id,
        buyer=buyer_of(order),
    )


async def cancel_lines(
    session: AsyncSession, order: Order, line_ids: Sequence[int], *, base_url: str
) -> None:
    """The customer cancels lines that no one has accepted yet (of an order placed or paid:
    an unpaid card order is simply left to expire, or paid as it stands)."""
    order = await lifecycle.locked(session, order.id)
    refuse_unless_open(order, N_("Order {number} is not paid yet: its lines cannot be cancelled."))
    rows = (
        await session.execute(
            sa.select(OrderLine, Fulfilment)
            .join(Fulfilment, Fulfilment.id == OrderLine.fulfilment_id)
            .where(OrderLine.order_id == order.id, OrderLine.id.in_(line_ids))
        )
    ).all()
    found = {line.id: (line, f) for line, f in rows}
    for line_id in line_ids:
        line, f = found.get(line_id, (None, None))
        if line is None or f is None or line.status != LineStatus.open or f.status != S.new:
            raise Conflict(
                N_("Line {id} can no longer be cancelled: the producer has already accepted it."),
                error_code="line_not_cancellable",
                id=line_id,
            )
    lines = [found[i][0] for i in line_ids]
    await close_lines(session, order, lines, LineStatus.cancelled, {}, "customer", base_url=base_url)
    for f in {f.id: f for _, f in found.values()}.values():
        if (
            not [ln for ln in await lines_of(session, f.id) if ln.status == LineStatus.open]
            and f.status == S.new
        ):
            await move(session, f, S.cancelled, actor="customer")
