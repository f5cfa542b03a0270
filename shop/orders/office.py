"""The office's hand on fulfilments: the ones not accepted in time (flagged once by the
jobs, listed for the office) and moving one to another location that holds the stock."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput, field_error
from shop.i18n import N_
from shop.inventory.models import Location
from shop.orders import fulfilment_queue, fulfilment_states, fulfilments, holds, lifecycle, notices
from shop.orders.models import Fulfilment, FulfilmentStatus, LineStatus, Order
from shop.orders.routing import Route

S = FulfilmentStatus


async def late(session: AsyncSession, *, now: dt.datetime) -> list[tuple[Fulfilment, Location, Order]]:
    """Fulfilments still not accepted after their deadline (or flagged so by the jobs), oldest
    first: the office's list."""
    rows = await session.execute(
        sa.select(Fulfilment, Location, Order)
        .join(Location, Location.id == Fulfilment.location_id)
        .join(Order, Order.id == Fulfilment.order_id)
        .where(
            Fulfilment.status == S.new,
            sa.or_(Fulfilment.due_at < now, Fulfilment.sla_flagged_at.is_not(None)),
            fulfilment_queue.fulfillable(),
        )
        .order_by(Fulfilment.due_at)
        .limit(200)
    )
    return [(f, loc, order) for f, loc, order in rows.all()]


async def flag_overdue(session: AsyncSession, *, now: dt.datetime) -> int:
    """Fulfilments past their acceptance deadline: flagged once (the office's list shows them).
    One still waiting for its payment is not late: its producer could not start it."""
    payable = sa.exists().where(Order.id == Fulfilment.order_id, fulfilment_queue.fulfillable())
    flagged = await session.execute(
        sa.update(Fulfilment)
        .where(
            Fulfilment.status == S.new,
            Fulfilment.due_at < now,
            Fulfilment.sla_flagged_at.is_(None),
            payable,
        )
        .values(sla_flagged_at=now)
        .returning(Fulfilment.id, Fulfilment.order_id)
    )
    rows = flagged.all()
    for fid, oid in rows:
        lifecycle.record(
            session, oid, "sla_missed", actor="system", fulfilment_id=fid, detail="not accepted in time"
        )
    return len(rows)


async def reassign(
    session: AsyncSession,
    f: Fulfilment,
    target: Location,
    *,
    actor: str,
    reason: str,
    due: dt.datetime,
    on: dt.date,
    base_url: str,
) -> Fulfilment:
    """The office moves a fulfilment not yet accepted to another location holding the stock:
    the old holds are released and the stock reserved there, in one transaction."""
    order = await fulfilments.order_of(session, f)
    if f.status != S.new:
        raise Conflict(
            N_("Only a fulfilment not yet accepted can go elsewhere; this one is {status}."),
            error_code="fulfilment_not_reassignable",
            status=fulfilment_states.named(f.status),
        )
    if target.id == f.location_id:
        raise InvalidInput(errors=[field_error("location_code", N_("It is already there."))])
    existing = await session.scalar(
        sa.select(Fulfilment).where(Fulfilment.order_id == order.id, Fulfilment.location_id == target.id)
    )
    if existing is not None and existing.status != S.new:
        raise Conflict(
            N_("This order's part at {code} is already {status}."),
            error_code="fulfilment_not_reassignable",
            code=target.code,
            status=fulfilment_states.named(existing.status),
        )
    lines = [ln for ln in await fulfilment_queue.lines_of(session, f.id) if ln.status == LineStatus.open]
    await holds.release(session, order.id, reason="reassigned", line_ids=[ln.id for ln in lines])
    routes = [
        Route(ln.product_id, ln.quantity, target.id, f"reassigned by the office: {reason}") for ln in lines
    ]
    await holds.reserve(session, order.id, routes, {ln.product_id: ln for ln in lines}, on=on)
    if existing is None:
        f.location_id, f.producer_id, f.due_at, f.sla_flagged_at = target.id, target.producer_id, due, None
        kept = f
    else:
        for ln in lines:
            ln.fulfilment_id = existing.id
        await fulfilments.move(session, f, S.cancelled, actor=actor, detail=f"merged into {target.code}")
        kept = existing
    await session.flush()
    lifecycle.record(
        session,
        order.id,
        "reassigned",
        actor=actor,
        fulfilment_id=kept.id,
        detail=f"to {target.code}: {reason}",
    )
    await notices.new_fulfilments(session, order, base_url, only=kept.id, again=f":{target.code}")
    return kept
