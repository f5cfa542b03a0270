"""What the system already knows about a product, as evidence for its dossier: sales at the
tills and online over the last twelve months, where it was sold (sales points and provinces:
its distribution area), its quality certifications and its traceable batches. Read only and
computed when asked, so a dossier copied for a re-evaluation gets today's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog.models import QualityCertification, QualityKind
from shop.catalog.sellability import VIETNAM
from shop.geo.models import Area, Place
from shop.inventory.models import Batch, Location
from shop.orders.models import LineStatus, Order, OrderLine, OrderStatus
from shop.till.models import Sale, SaleLine

PERIOD_DAYS = 365
RECENT_BATCHES = 20
# Orders that count as sold: paid, or placed to be paid in cash (not expired or cancelled).
SOLD_ORDERS = (OrderStatus.paid, OrderStatus.placed)


@dataclass(frozen=True)
class QualityRow:
    id: int
    kind: QualityKind
    number: str | None
    valid_until: dt.date | None
    valid: bool  # in force on the day the figures were computed


@dataclass(frozen=True)
class BatchRow:
    id: int
    code: str | None
    trace_code: str
    produced_on: dt.date | None


@dataclass(frozen=True)
class Figures:
    period_from: dt.date
    period_until: dt.date
    till_units: int
    till_vnd: int
    online_units: int
    online_vnd: int
    sales_points: int  # where the till sold it
    provinces: tuple[str, ...]  # where it was sold or shipped to
    quality: tuple[QualityRow, ...]
    batches: tuple[BatchRow, ...]  # the most recent
    batch_count: int


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=VIETNAM)


async def product_figures(session: AsyncSession, product_id: int, *, today: dt.date) -> Figures:
    since = today - dt.timedelta(days=PERIOD_DAYS - 1)
    start, end = _start_of(since), _start_of(today + dt.timedelta(days=1))
    till_units, till_vnd, points, till_provinces = await _till(session, product_id, start, end)
    online_units, online_vnd, online_provinces = await _online(session, product_id, start, end)
    batch_count = await session.scalar(sa.select(sa.func.count()).where(Batch.product_id == product_id))
    return Figures(
        period_from=since,
        period_until=today,
        till_units=till_units,
        till_vnd=till_vnd,
        online_units=online_units,
        online_vnd=online_vnd,
        sales_points=points,
        provinces=tuple(sorted(set(till_provinces) | set(online_provinces))),
        quality=await quality_rows(session, product_id, today=today),
        batches=await recent_batches(session, product_id),
        batch_count=int(batch_count or 0),
    )


async def _till(
    session: AsyncSession, product_id: int, start: dt.datetime, end: dt.datetime
) -> tuple[int, int, int, list[str]]:
    sold = (
        sa.select(Sale.location_id, SaleLine.quantity, SaleLine.total_vnd)
        .join(SaleLine, SaleLine.sale_id == Sale.id)
        .where(SaleLine.product_id == product_id, Sale.sold_at >= start, Sale.sold_at < end)
        .subquery()
    )
    units, vnd, points = (
        await session.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(sold.c.quantity), 0),
                sa.func.coalesce(sa.func.sum(sold.c.total_vnd), 0),
                sa.func.count(sa.distinct(sold.c.location_id)),
            )
        )
    ).one()
    province = _location_province()
    names = await session.scalars(
        sa.select(Place.name)
        .distinct()
        .select_from(Location)
        .outerjoin(Area, Area.id == Location.area_id)
        .join(Place, Place.id == province)
        .where(Location.id.in_(sa.select(sold.c.location_id)))
    )
    return int(units), int(vnd), int(points), list(names)


def _location_province() -> sa.ColumnElement[int]:
    """A location's province: its commune's, else its area's."""
    commune = aliased(Place)
    return sa.func.coalesce(
        sa.select(commune.province_id).where(commune.id == Location.place_id).scalar_subquery(),
        Area.province_id,
    )


async def _online(
    session: AsyncSession, product_id: int, start: dt.datetime, end: dt.datetime
) -> tuple[int, int, list[str]]:
    where = (
        OrderLine.product_id == product_id,
        OrderLine.status == LineStatus.open,
        Order.status.in_(SOLD_ORDERS),
        Order.created_at >= start,
        Order.created_at < end,
    )
    units, vnd = (
        await session.execute(
            sa.select(
                sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0),
                sa.func.coalesce(sa.func.sum(OrderLine.line_total_vnd), 0),
            )
            .join(Order, Order.id == OrderLine.order_id)
            .where(*where)
        )
    ).one()
    shipped = await session.scalars(
        sa.select(Place.name)
        .distinct()
        .select_from(OrderLine)
        .join(Order, Order.id == OrderLine.order_id)
        .join(Place, Place.id == Order.ship_province_id)
        .where(*where)
    )
    return int(units), int(vnd), list(shipped)


async def quality_rows(session: AsyncSession, product_id: int, *, today: dt.date) -> tuple[QualityRow, ...]:
    found = await session.scalars(
        sa.select(QualityCertification)
        .where(QualityCertification.product_id == product_id)
        .order_by(QualityCertification.valid_until.desc(), QualityCertification.id)
    )
    return tuple(
        QualityRow(
            q.id,
            q.kind,
            q.number,
            q.valid_until,
            (q.valid_from is None or q.valid_from <= today)
            and (q.valid_until is None or today <= q.valid_until),
        )
        for q in found
    )


async def recent_batches(session: AsyncSession, product_id: int) -> tuple[BatchRow, ...]:
    found = await session.scalars(
        sa.select(Batch)
        .where(Batch.product_id == product_id)
        .order_by(Batch.produced_on.desc(), Batch.id.desc())
        .limit(RECENT_BATCHES)
    )
    return tuple(BatchRow(b.id, b.code, b.trace_code, b.produced_on) for b in found)
