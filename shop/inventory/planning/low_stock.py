"""Low stock and reordering: thresholds per location and product, suggestions from sales.

The suggestion is deliberately simple, so a manager can check it by hand: the reorder point
is the threshold (or a week of recent sales when none is set); at or below it, order enough
for 30 days of recent sales on top of the threshold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db_types import utcnow
from shop.inventory import schemas
from shop.inventory.documents import lines
from shop.inventory.models import Location, Movement, MovementKind, StockLevel, StockThreshold
from shop.inventory.queries.stock import product_refs

WINDOW_DAYS = 30
COVER_DAYS = 30
WEEK = 7
SALES = (MovementKind.sale, MovementKind.online_sale, MovementKind.customer_return)


async def set_thresholds(
    session: AsyncSession, location: Location, wanted: Sequence[schemas.ThresholdIn]
) -> int:
    """Set (or, with 0, keep at 0) each product's minimum here; returns how many were set."""
    found = await lines.products(session, (t.product_id for t in wanted))
    lines.raise_if(lines.missing_products(wanted, found))
    existing = {
        t.product_id: t
        for t in await session.scalars(
            sa.select(StockThreshold).where(
                StockThreshold.location_id == location.id,
                StockThreshold.product_id.in_([t.product_id for t in wanted]),
            )
        )
    }
    for t in wanted:
        if (row := existing.get(t.product_id)) is not None:
            row.minimum = t.minimum
        else:
            session.add(StockThreshold(location_id=location.id, product_id=t.product_id, minimum=t.minimum))
    await session.flush()
    return len(wanted)


async def _sold(session: AsyncSession, location_id: int, since: dt.datetime) -> dict[int, int]:
    stmt = (
        sa.select(Movement.product_id, -sa.func.sum(Movement.quantity))
        .where(Movement.location_id == location_id, Movement.kind.in_(SALES), Movement.at >= since)
        .group_by(Movement.product_id)
    )
    return {pid: int(n or 0) for pid, n in (await session.execute(stmt))}


def suggest(available: int, minimum: int | None, sold: int) -> tuple[int, float | None]:
    """How many to order, and how many days the stock lasts at the recent pace."""
    daily = sold / WINDOW_DAYS
    cover = round(available / daily, 1) if daily > 0 else None
    reorder_point = minimum if minimum is not None else math.ceil(daily * WEEK)
    if available > reorder_point or (minimum is None and sold <= 0):
        return 0, cover
    target = (minimum or 0) + math.ceil(daily * COVER_DAYS)
    return max(target - available, 0), cover


async def reorder(session: AsyncSession, location: Location, *, today: dt.date) -> list[schemas.ReorderOut]:
    """Products to reorder at this location, most urgent (least cover) first."""
    sold = await _sold(session, location.id, utcnow() - dt.timedelta(days=WINDOW_DAYS))
    available = dict(
        (
            await session.execute(
                sa.select(StockLevel.product_id, sa.func.sum(StockLevel.on_hand - StockLevel.reserved))
                .where(StockLevel.location_id == location.id)
                .group_by(StockLevel.product_id)
            )
        ).all()
    )
    minimums = dict(
        (
            await session.execute(
                sa.select(StockThreshold.product_id, StockThreshold.minimum).where(
                    StockThreshold.location_id == location.id
                )
            )
        ).all()
    )
    rows = []
    for pid in set(available) | set(minimums) | set(sold):
        quantity, cover = suggest(int(available.get(pid) or 0), minimums.get(pid), sold.get(pid, 0))
        if quantity > 0:
            rows.append((pid, quantity, cover))
    refs = await product_refs(session, (pid for pid, _, _ in rows), on=today)
    out = [
        schemas.ReorderOut(
            product=refs[pid],
            available=int(available.get(pid) or 0),
            minimum=minimums.get(pid),
            sold_last_30_days=sold.get(pid, 0),
            days_of_cover=cover,
            suggested_quantity=quantity,
        )
        for pid, quantity, cover in rows
    ]
    out.sort(
        key=lambda r: (r.days_of_cover if r.days_of_cover is not None else -1, r.product.name, r.product.id)
    )
    return out
