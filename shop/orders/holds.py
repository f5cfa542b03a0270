"""An order's stock holds: reserved at checkout, then released or committed exactly once.

The state change is a conditional update (``… WHERE state = 'held'``) whose returned rows
are the only ones the ledger then changes, so two processes releasing the same order (the
scheduler and a late webhook, say) can never give the same units back twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import table_of
from shop.db_types import utcnow
from shop.inventory import reservations
from shop.inventory.stock_changes import InsufficientStock
from shop.orders.errors import SoldOut
from shop.orders.models import HoldState, OrderHold, OrderLine
from shop.orders.routing import Route

_NEW_HOLDS = sa.insert(table_of(OrderHold))


async def reserve(
    session: AsyncSession, order_id: int, routes: Sequence[Route], lines: dict[int, OrderLine], *, on: dt.date
) -> None:
    """Reserve every routed line at its location; SoldOut (nothing held) if one no longer fits."""
    by_location: dict[int, list[tuple[int, int]]] = {}
    rows: list[dict[str, object]] = []
    now = utcnow()
    for r in routes:
        by_location.setdefault(r.location_id, []).append((r.product_id, r.quantity))
    for location_id in sorted(by_location):
        try:
            wanted = by_location[location_id]
            names = {product_id: lines[product_id].name for product_id, _ in wanted}
            held = await reservations.reserve(
                session, location_id, wanted, order_id=order_id, names=names, fresh_on=on
            )
        except InsufficientStock as short:
            line = lines[short.product_id]
            raise SoldOut(short.product_id, line.name, short.available) from short
        rows += [
            {
                "order_id": order_id,
                "order_line_id": lines[h.product_id].id,
                "level_id": h.level_id,
                "quantity": h.quantity,
                "state": HoldState.held,
                "changed_at": now,
            }
            for h in held
        ]
    # Plain rows (no flush): holds are changed only by conditional updates (``_take``).
    if rows:
        await session.execute(_NEW_HOLDS, rows)


async def _take(
    session: AsyncSession, order_id: int, state: HoldState, line_ids: Sequence[int] | None
) -> list[reservations.Held]:
    """Move the order's held holds (of these lines, or all) to ``state``; those moved."""
    stmt = (
        sa.update(OrderHold)
        .where(OrderHold.order_id == order_id, OrderHold.state == HoldState.held)
        .values(state=state, changed_at=utcnow())
        .returning(OrderHold.level_id, OrderHold.order_line_id, OrderHold.quantity)
    )
    if line_ids is not None:
        stmt = stmt.where(OrderHold.order_line_id.in_(line_ids))
    rows = (await session.execute(stmt)).all()
    # ``Held`` names a product; releasing and committing only need the level and the units,
    # so the order line's id stands in for it here.
    return [reservations.Held(level_id, line_id, quantity) for level_id, line_id, quantity in rows]


async def release(
    session: AsyncSession, order_id: int, *, reason: str, line_ids: Sequence[int] | None = None
) -> int:
    """Give the held units back to stock; the number of units released (0 if already done)."""
    taken = await _take(session, order_id, HoldState.released, line_ids)
    if taken:
        await reservations.release(session, taken, order_id=order_id, reason=reason)
    return sum(h.quantity for h in taken)


async def commit(
    session: AsyncSession, order_id: int, *, line_ids: Sequence[int] | None = None, user_id: int | None = None
) -> int:
    """The held units leave with the order (shipped or handed over); units committed."""
    taken = await _take(session, order_id, HoldState.committed, line_ids)
    if taken:
        await reservations.fulfil(session, taken, order_id=order_id, user_id=user_id)
    return sum(h.quantity for h in taken)
