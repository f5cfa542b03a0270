"""The cooperative's queue, read: which fulfilments a user may see and act on (their
location's, once the order can be fulfilled; the office sees all), the queue's pages, a
fulfilment's lines and what its courier collects. Nothing here changes a row; the changes
are in ``fulfilments.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop import paging
from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.errors import Conflict, NotFound
from shop.i18n import N_
from shop.inventory import access
from shop.inventory.models import Location, LocationKind
from shop.orders.fulfilment_states import DONE
from shop.orders.models import (
    Fulfilment,
    FulfilmentStatus,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
)

S = FulfilmentStatus


def can_be_fulfilled(order: Order) -> bool:
    """Paid, or paid in cash on delivery or at pickup: its goods may be prepared. An order
    still waiting for a card or transfer payment is nobody's work yet."""
    return order.paid_at is not None or order.payment_method == PaymentMethod.cod


def fulfillable() -> sa.ColumnElement[bool]:
    """:func:`can_be_fulfilled`, in SQL."""
    return sa.or_(Order.paid_at.is_not(None), Order.payment_method == PaymentMethod.cod)


def refuse_unless_open(
    order: Order, unpaid: str = N_("Order {number} is not paid yet: prepare it once the payment has arrived.")
) -> None:
    """A translated refusal for an order that cannot be fulfilled now (no state code in it)."""
    if order.status in (OrderStatus.paid, OrderStatus.placed):
        return
    if order.status == OrderStatus.awaiting_payment:
        raise Conflict(unpaid, error_code="order_not_fulfillable", number=order.number)
    raise Conflict(
        N_("Order {number} was cancelled or not paid in time: it cannot be fulfilled."),
        error_code="order_not_fulfillable",
        number=order.number,
    )


async def find(session: AsyncSession, user: CurrentUser, fulfilment_id: int) -> tuple[Fulfilment, Location]:
    """The fulfilment if the user may act on it (its location's people, the office); else 404.
    Its holder does not see it before it can be fulfilled (an unpaid transfer or card order)."""
    stmt = (
        sa.select(Fulfilment, Location)
        .join(Location, Location.id == Fulfilment.location_id)
        .where(Fulfilment.id == fulfilment_id)
    )
    if not user.is_admin:
        stmt = stmt.join(Order, Order.id == Fulfilment.order_id).where(fulfillable())
    row = (await session.execute(stmt)).first()
    if row is None or not access.can_change(user, row[1]):
        raise NotFound(N_("No fulfilment {id}."), error_code="fulfilment_not_found", id=fulfilment_id)
    return row[0], row[1]


def _scope(user: CurrentUser) -> sa.ColumnElement[bool]:
    """The locations whose fulfilments the user handles (``access.can_change``, in SQL)."""
    if user.is_admin:
        return sa.true()
    if user.role is Role.cooperative:
        return sa.and_(Location.kind == LocationKind.producer, Location.producer_id == user.producer_id)
    return Location.id.in_(sorted(user.location_ids))


def queue_select(
    user: CurrentUser, status: FulfilmentStatus | None = None
) -> sa.Select[Fulfilment, Location]:
    """The fulfilments at the locations the user works at, once they can be fulfilled (the
    office sees every one): work to do by oldest deadline first, the history (delivered,
    rejected, cancelled) by the latest change first; the id breaks ties, so pages are stable."""
    stmt = (
        sa.select(Fulfilment, Location)
        .join(Location, Location.id == Fulfilment.location_id)
        .where(_scope(user))
    )
    if not user.is_admin:
        stmt = stmt.join(Order, Order.id == Fulfilment.order_id).where(fulfillable())
    if status is not None:
        stmt = stmt.where(Fulfilment.status == status)
    if status in DONE:
        stmt = stmt.order_by(Fulfilment.updated_at.desc(), Fulfilment.id.desc())
    else:
        stmt = stmt.order_by(Fulfilment.due_at, Fulfilment.id)
    return stmt


async def queue(
    session: AsyncSession,
    user: CurrentUser,
    status: FulfilmentStatus | None = None,
    *,
    page: int = 1,
    page_size: int = paging.DEFAULT_PAGE_SIZE,
) -> tuple[list[tuple[Fulfilment, Location]], int]:
    """One page of ``queue_select`` and how many fulfilments it holds in all."""
    rows, total = await paging.paginate(session, queue_select(user, status), page=page, page_size=page_size)
    return [(f, loc) for f, loc in rows], total


async def lines_of(session: AsyncSession, fulfilment_id: int) -> list[OrderLine]:
    stmt = sa.select(OrderLine).where(OrderLine.fulfilment_id == fulfilment_id).order_by(OrderLine.id)
    return list(await session.scalars(stmt))


def amount_due(order: Order, lines: Sequence[OrderLine]) -> int:
    """What is still owed for these lines (cash on delivery): open lines only."""
    return sum(ln.line_total_vnd for ln in lines if ln.status == LineStatus.open)


async def fee_collector(session: AsyncSession, order_id: int) -> int:
    """The fulfilment that collects the delivery fee on a cash order: the first one still
    going (not rejected, not cancelled)."""
    stmt = sa.select(sa.func.min(Fulfilment.id)).where(
        Fulfilment.order_id == order_id, Fulfilment.status.not_in([S.rejected, S.cancelled])
    )
    return int(await session.scalar(stmt) or 0)


async def to_collect(session: AsyncSession, order: Order, f: Fulfilment, lines: Sequence[OrderLine]) -> int:
    """What the courier collects for this parcel (its ``lines``) of a cash order (0 for any other)."""
    if order.payment_method != PaymentMethod.cod:
        return 0
    due = amount_due(order, lines)
    return due + (order.shipping_vnd if f.id == await fee_collector(session, order.id) else 0)
