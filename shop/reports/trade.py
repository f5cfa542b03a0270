"""The office's sales figures: sales by channel, location, product, producer or month, and
revenue before and after certification (stock, fulfilment and compliance are in
``operations.py``).

Sales are what customers paid: till sale lines less what returns refunded (by the time
they were recorded), and online order lines delivered (by the delivery's time). The
channel is the till of a sales point, a fair's till, or online.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, Producer, Product
from shop.catalog.sellability import VIETNAM
from shop.i18n import gettext
from shop.inventory.models import Location, LocationKind
from shop.orders.models import Fulfilment, LineStatus, OrderEvent, OrderLine
from shop.reports.tables import Cell, Table
from shop.till.models import ReturnLine, Sale, SaleLine, SaleReturn

SalesBy = Literal["channel", "location", "product", "producer", "month"]
CHANNELS = ("till", "fair", "online")


@dataclass(frozen=True)
class _Sold:
    channel: str
    location_id: int
    product_id: int
    at: dt.datetime
    units: int
    amount: int


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a day in Vietnam, in UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(dt.UTC)


async def _sold(session: AsyncSession, start: dt.date, end: dt.date) -> list[_Sold]:
    """Every sale and return of the period [start, end] (Vietnam's days)."""
    lo, hi = day_start(start), day_start(end + dt.timedelta(days=1))
    channel = sa.case((Location.kind == LocationKind.fair, "fair"), else_="till")
    till = (
        sa.select(
            channel,
            Sale.location_id,
            SaleLine.product_id,
            Sale.recorded_at,
            SaleLine.quantity,
            SaleLine.total_vnd,
        )
        .join(Sale, Sale.id == SaleLine.sale_id)
        .join(Location, Location.id == Sale.location_id)
        .where(Sale.recorded_at >= lo, Sale.recorded_at < hi)
    )
    returned = (
        sa.select(
            channel,
            SaleReturn.location_id,
            SaleLine.product_id,
            SaleReturn.returned_at,
            -ReturnLine.quantity,
            -ReturnLine.amount_vnd,
        )
        .join(SaleReturn, SaleReturn.id == ReturnLine.return_id)
        .join(SaleLine, SaleLine.id == ReturnLine.sale_line_id)
        .join(Location, Location.id == SaleReturn.location_id)
        .where(SaleReturn.returned_at >= lo, SaleReturn.returned_at < hi)
    )
    online = (
        sa.select(
            sa.literal("online"),
            Fulfilment.location_id,
            OrderLine.product_id,
            OrderEvent.at,
            OrderLine.quantity,
            OrderLine.line_total_vnd,
        )
        .join(Fulfilment, Fulfilment.id == OrderEvent.fulfilment_id)
        .join(OrderLine, OrderLine.fulfilment_id == Fulfilment.id)
        .where(
            OrderEvent.kind == "fulfilment_delivered",
            OrderEvent.at >= lo,
            OrderEvent.at < hi,
            OrderLine.status == LineStatus.open,
        )
    )
    out = []
    for stmt in (till, returned, online):
        for ch, loc, pid, at, units, amount in await session.execute(stmt):
            out.append(_Sold(str(ch), int(loc), int(pid), at, int(units), int(amount)))
    return out


async def _names(session: AsyncSession, by: SalesBy, keys: set[int]) -> dict[object, str]:
    if by == "location":
        stmt = sa.select(Location.id, Location.name).where(Location.id.in_(keys))
    elif by == "product":
        stmt = sa.select(Product.id, Product.name).where(Product.id.in_(keys))
    else:
        stmt = sa.select(Producer.id, Producer.name).where(Producer.id.in_(keys))
    return {int(k): str(v) for k, v in await session.execute(stmt)}


async def sales(session: AsyncSession, *, start: dt.date, end: dt.date, by: SalesBy = "channel") -> Table:
    sold = await _sold(session, start, end)
    makers: dict[int, int] = {}
    if by == "producer" and sold:
        ids = {s.product_id for s in sold}
        makers = dict(
            (
                await session.execute(sa.select(Product.id, Product.producer_id).where(Product.id.in_(ids)))
            ).all()
        )
    totals: dict[object, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHANNELS, 0))
    units: dict[object, int] = defaultdict(int)
    for s in sold:
        key: object = {
            "channel": s.channel,
            "location": s.location_id,
            "product": s.product_id,
            "producer": makers.get(s.product_id, 0),
            "month": s.at.astimezone(VIETNAM).strftime("%Y-%m"),
        }[by]
        totals[key][s.channel] += s.amount
        units[key] += s.units
    labels = {
        "till": gettext("Sales point tills"),
        "fair": gettext("Trade fairs"),
        "online": gettext("Online orders"),  # "Online" alone reads as a presence status
    }
    names: dict[object, str] = {k: str(k) for k in totals}
    if by in ("location", "product", "producer"):
        names.update(await _names(session, by, {k for k in totals if isinstance(k, int)}))
    elif by == "channel":
        names.update(labels)
    order = (
        sorted(totals, key=lambda k: str(k))
        if by == "month"
        else sorted(totals, key=lambda k: -sum(totals[k].values()))
    )
    rows: list[list[Cell]] = [
        [names.get(k, str(k)), units[k], *(totals[k][c] for c in CHANNELS), sum(totals[k].values())]
        for k in order
    ]
    grand = {c: sum(t[c] for t in totals.values()) for c in CHANNELS}
    rows.append([gettext("Total"), sum(units.values()), *(grand[c] for c in CHANNELS), sum(grand.values())])
    heading = {
        "channel": gettext("Channel"),
        "location": gettext("Location"),
        "product": gettext("Product"),
        "producer": gettext("Producer"),
        "month": gettext("Month"),
    }[by]
    return Table(
        key=f"sales-by-{by}",
        title=gettext("Sales from %(start)s to %(end)s")
        % {"start": start.isoformat(), "end": end.isoformat()},
        columns=[
            heading,
            gettext("Units"),
            *(labels[c] + " (VND)" for c in CHANNELS),
            gettext("Total (VND)"),
        ],
        rows=rows,
        summary=None,
        series=[labels[c] for c in CHANNELS],
        bars=[(names.get(k, str(k)), [max(totals[k][c], 0) for c in CHANNELS]) for k in order[:15]],
    )


async def revenue_growth(session: AsyncSession, *, on: dt.date) -> Table:
    """Each product certified at least a year ago: its sales in the year before its first
    certificate and in the year after (the programme's "×1.5 a year after" target)."""
    first = (
        sa.select(Certificate.product_id, sa.func.min(Certificate.valid_from).label("since"))
        .group_by(Certificate.product_id)
        .having(sa.func.min(Certificate.valid_from) <= on - dt.timedelta(days=365))
        .subquery()
    )
    rows = (
        await session.execute(
            sa.select(Product.id, Product.name, first.c.since).join(first, first.c.product_id == Product.id)
        )
    ).all()
    if not rows:
        return _growth_table([])
    earliest = min(r.since for r in rows) - dt.timedelta(days=365)
    latest = max(r.since for r in rows) + dt.timedelta(days=364)
    by_product: dict[int, list[_Sold]] = defaultdict(list)
    for s in await _sold(session, earliest, min(latest, on)):
        by_product[s.product_id].append(s)
    out: list[list[Cell]] = []
    for pid, name, since in rows:
        start = day_start(since)
        before = sum(
            s.amount for s in by_product[pid] if day_start(since - dt.timedelta(days=365)) <= s.at < start
        )
        after = sum(
            s.amount for s in by_product[pid] if start <= s.at < day_start(since + dt.timedelta(days=365))
        )
        if before or after:
            out.append([name, since, before, after, round(after / before, 2) if before > 0 else None])
    out.sort(key=lambda r: (r[4] is None, -(r[4] or 0)))  # type: ignore[operator]
    return _growth_table(out)


def _growth_table(rows: list[list[Cell]]) -> Table:
    reached = sum(1 for r in rows if isinstance(r[4], float) and r[4] >= 1.5)
    return Table(
        key="revenue-growth",
        title=gettext("Revenue in the year before and the year after certification"),
        columns=[
            gettext("Product"),
            gettext("Certified on"),
            gettext("Year before (VND)"),
            gettext("Year after (VND)"),
            "×",
        ],
        rows=rows,
        summary=gettext("%(reached)s of %(total)s products sold at least 1.5 times as much a year after.")
        % {"reached": reached, "total": len(rows)},
    )
