"""The office's trade figures: sales by channel, stock and its value, fulfilment on time,
sales points' compliance, and revenue before and after certification.

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
from shop.catalog.sellability import VIETNAM, sellable_product_clause
from shop.geo.models import Area
from shop.i18n import gettext
from shop.inventory.models import Batch, Location, LocationKind, Movement, StockLevel
from shop.orders.models import Fulfilment, LineStatus, OrderEvent, OrderLine
from shop.reports.tables import Cell, Table
from shop.till.models import ReturnLine, Sale, SaleLine, SaleReturn

SalesBy = Literal["channel", "location", "product", "producer", "month"]
CHANNELS = ("till", "fair", "online")
COMPLIANT_SHARE = 70.0  # % of items OCOP ≥3★ (Quảng Ninh's rule; the common benchmark)


@dataclass(frozen=True)
class _Sold:
    channel: str
    location_id: int
    product_id: int
    at: dt.datetime
    units: int
    amount: int


def _utc(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(dt.UTC)


async def _sold(session: AsyncSession, start: dt.date, end: dt.date) -> list[_Sold]:
    """Every sale and return of the period [start, end] (Vietnam's days)."""
    lo, hi = _utc(start), _utc(end + dt.timedelta(days=1))
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
        "online": gettext("Online"),
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
        start = _utc(since)
        before = sum(
            s.amount for s in by_product[pid] if _utc(since - dt.timedelta(days=365)) <= s.at < start
        )
        after = sum(s.amount for s in by_product[pid] if start <= s.at < _utc(since + dt.timedelta(days=365)))
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


async def stock(session: AsyncSession, *, on: dt.date, within: int = 30) -> tuple[Table, Table]:
    """Stock and its value by location; and the batches on hand that expire soon."""
    value = sa.func.sum(StockLevel.on_hand * sa.func.coalesce(StockLevel.unit_cost_vnd, 0))
    consigned = sa.func.sum(sa.case((StockLevel.ownership == "consigned", StockLevel.on_hand), else_=0))
    by_location = await session.execute(
        sa.select(Location.name, Location.code, sa.func.sum(StockLevel.on_hand), consigned, value)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.on_hand > 0)
        .group_by(Location.id, Location.name, Location.code)
        .order_by(value.desc())
    )
    rows: list[list[Cell]] = [[n, c, int(u), int(k), int(v or 0)] for n, c, u, k, v in by_location]
    levels = Table(
        key="stock-value",
        title=gettext("Stock and its value by location"),
        columns=[
            gettext("Location"),
            gettext("Code"),
            gettext("Units"),
            gettext("Consigned"),
            gettext("Value (VND)"),
        ],
        rows=rows,
        summary=gettext(
            "Value at cost (the agreed producer price for consigned goods); goods on commission have none."
        ),
    )
    soon = await session.execute(
        sa.select(Batch.expires_on, Product.name, Batch.code, Location.code, StockLevel.on_hand)
        .join(StockLevel, StockLevel.batch_id == Batch.id)
        .join(Product, Product.id == Batch.product_id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(
            StockLevel.on_hand > 0,
            Batch.expires_on.is_not(None),
            Batch.expires_on <= on + dt.timedelta(days=within),
        )
        .order_by(Batch.expires_on, Location.code)
        .limit(1000)
    )
    expiring = Table(
        key=f"batches-expiring-{within}",
        title=gettext("Batches on hand that expire within %(days)s days") % {"days": within},
        columns=[
            gettext("Expires"),
            gettext("Product"),
            gettext("Lot"),
            gettext("Location"),
            gettext("On hand"),
        ],
        rows=[[e, p, b or "", c, int(q)] for e, p, b, c, q in soon],
    )
    return levels, expiring


async def slow_movers(session: AsyncSession, *, on: dt.date, days: int = 60, limit: int = 200) -> Table:
    """Stock on hand that sold nothing for ``days`` days, the most valuable first."""
    since = _utc(on - dt.timedelta(days=days))
    # One probe per level into the partial index of sales by level and time; the
    # predicate is written as the index's own, so that the planner can use it.
    sold_lately = (
        sa.select(Movement.id)
        .where(
            Movement.stock_level_id == StockLevel.id,
            sa.text("stock_movement.kind IN ('sale', 'online_sale')"),
            Movement.at >= since,
        )
        .exists()
    )
    value = StockLevel.on_hand * sa.func.coalesce(StockLevel.unit_cost_vnd, Product.price_vnd)
    found = await session.execute(
        sa.select(Location.code, Product.name, StockLevel.on_hand, value)
        .join(Location, Location.id == StockLevel.location_id)
        .join(Product, Product.id == StockLevel.product_id)
        .where(StockLevel.on_hand > 0, Location.kind != LocationKind.producer, ~sold_lately)
        .order_by(value.desc())
        .limit(limit)
    )
    return Table(
        key=f"slow-movers-{days}",
        title=gettext("Goods that sold nothing in %(days)s days") % {"days": days},
        columns=[gettext("Location"), gettext("Product"), gettext("On hand"), gettext("Value (VND)")],
        rows=[[c, p, int(q), int(v)] for c, p, q, v in found],
    )


async def fulfilment_sla(session: AsyncSession, *, start: dt.date, end: dt.date) -> Table:
    """Per fulfilling location: parcels, accepted in time, accepted late or never, hours to accept."""
    lo, hi = _utc(start), _utc(end + dt.timedelta(days=1))
    accepted = (
        sa.select(OrderEvent.fulfilment_id, sa.func.min(OrderEvent.at).label("at"))
        .where(OrderEvent.kind.in_(["fulfilment_accepted", "fulfilment_rejected"]))
        .group_by(OrderEvent.fulfilment_id)
        .subquery()
    )
    rows = await session.execute(
        sa.select(Location.name, Location.code, Fulfilment.created_at, Fulfilment.due_at, accepted.c.at)
        .join(Location, Location.id == Fulfilment.location_id)
        .outerjoin(accepted, accepted.c.fulfilment_id == Fulfilment.id)
        .where(Fulfilment.created_at >= lo, Fulfilment.created_at < hi)
    )
    per: dict[tuple[str, str], list[tuple[dt.datetime, dt.datetime | None, dt.datetime | None]]] = (
        defaultdict(list)
    )
    for name, code, created, due, answered in rows:
        per[(name, code)].append((created, due, answered))
    out: list[list[Cell]] = []
    for (name, code), items in sorted(per.items(), key=lambda kv: kv[0][1]):
        on_time = sum(1 for _, due, a in items if a is not None and (due is None or a <= due))
        hours = sorted((a - c).total_seconds() / 3600 for c, _, a in items if a is not None)
        median = round(hours[len(hours) // 2], 1) if hours else None
        out.append(
            [
                name,
                code,
                len(items),
                on_time,
                len(items) - on_time,
                round(100 * on_time / len(items), 1),
                median,
            ]
        )
    return Table(
        key="fulfilment-sla",
        title=gettext("Fulfilments answered in time"),
        columns=[
            gettext("Location"),
            gettext("Code"),
            gettext("Fulfilments"),
            gettext("In time"),
            gettext("Late or unanswered"),
            gettext("In time (%)"),
            gettext("Median hours to answer"),
        ],
        rows=out,
    )


async def compliance(session: AsyncSession, *, on: dt.date) -> Table:
    """Per sales point: the items it has on hand, how many are OCOP ≥3★ now, and how many
    of those come from its own province (the rule: at least 70 % OCOP ≥3★)."""
    items = (
        sa.select(
            Location.id.label("location_id"),
            Product.id.label("product_id"),
            sellable_product_clause(on).label("ocop"),
            (Product.origin_province_id == Area.province_id).label("local"),
        )
        .select_from(StockLevel)
        .join(Location, Location.id == StockLevel.location_id)
        .join(Product, Product.id == StockLevel.product_id)
        .outerjoin(Area, Area.id == Location.area_id)
        .where(
            StockLevel.on_hand > 0,
            Location.kind.in_([LocationKind.sales_point, LocationKind.fair]),
            Location.is_active.is_(True),
        )
        .distinct()
        .subquery()
    )
    ocop = sa.func.sum(sa.case((items.c.ocop, 1), else_=0))
    local = sa.func.sum(sa.case((sa.and_(items.c.ocop, items.c.local), 1), else_=0))
    found = await session.execute(
        sa.select(Location.name, Location.code, sa.func.count(), ocop, local)
        .join(items, items.c.location_id == Location.id)
        .group_by(Location.id, Location.name, Location.code)
        .order_by(Location.code)
    )
    rows: list[list[Cell]] = []
    for name, code, n, k, lo in found:
        share = round(100 * int(k) / int(n), 1)
        rows.append(
            [
                name,
                code,
                int(n),
                int(k),
                int(lo),
                share,
                gettext("yes") if share >= COMPLIANT_SHARE else gettext("no"),
            ]
        )
    failing = sum(1 for r in rows if r[6] == gettext("no"))
    return Table(
        key="compliance",
        title=gettext("Sales points: share of OCOP ≥3★ items"),
        columns=[
            gettext("Sales point"),
            gettext("Code"),
            gettext("Items on hand"),
            gettext("OCOP ≥3★"),
            gettext("of which local"),
            gettext("Share (%)"),
            gettext("At least 70 %"),
        ],
        rows=rows,
        summary=gettext("%(failing)s of %(total)s sales points are below 70 %% OCOP ≥3★ items.")
        % {"failing": failing, "total": len(rows)},
    )
