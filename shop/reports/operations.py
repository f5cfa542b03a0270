"""The office's operational figures: stock and its value, batches near expiry, slow movers,
fulfilments answered in time, and each sales point's share of OCOP ≥3★ items."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause
from shop.geo.models import Area
from shop.i18n import gettext
from shop.inventory.models import Batch, Location, LocationKind, Movement, StockLevel
from shop.orders.models import Fulfilment, OrderEvent
from shop.reports.tables import Cell, Table
from shop.reports.trade import day_start

COMPLIANT_SHARE = 70.0  # % of items OCOP ≥3★ (Quảng Ninh's rule; the common benchmark)


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
    since = day_start(on - dt.timedelta(days=days))
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
    lo, hi = day_start(start), day_start(end + dt.timedelta(days=1))
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
