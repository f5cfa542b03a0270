"""What is on a location's shelves, seen from outside the stock list: lots close to their
expiry date, and how much of the stock is certified OCOP and local (the office's figure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause
from shop.geo.models import Place
from shop.inventory import schemas
from shop.inventory.models import Batch, Location, StockLevel
from shop.inventory.queries.stock import batch_out, product_refs


async def expiring(
    session: AsyncSession, location: Location, *, days: int, today: dt.date, producer_id: int | None = None
) -> list[schemas.ExpiringOut]:
    """Batches on hand that expire within ``days`` (or already have), soonest first."""
    stmt = expiring_select(location, days=days, today=today, producer_id=producer_id)
    return await expiring_outs(session, (await session.execute(stmt)).all(), today=today)


def expiring_select(
    location: Location, *, days: int, today: dt.date, producer_id: int | None = None
) -> sa.Select[StockLevel, Batch]:
    stmt = (
        sa.select(StockLevel, Batch)
        .join(Batch, Batch.id == StockLevel.batch_id)
        .where(
            StockLevel.location_id == location.id,
            StockLevel.on_hand > 0,
            Batch.expires_on <= today + dt.timedelta(days=days),
        )
        .order_by(Batch.expires_on, StockLevel.id)
    )
    if producer_id is not None:
        stmt = stmt.where(
            StockLevel.product_id.in_(sa.select(Product.id).where(Product.producer_id == producer_id))
        )
    return stmt


async def expiring_outs(
    session: AsyncSession, rows: Sequence[sa.Row[StockLevel, Batch]], *, today: dt.date
) -> list[schemas.ExpiringOut]:
    refs = await product_refs(session, {level.product_id for level, _ in rows}, on=today)
    return [
        schemas.ExpiringOut(
            product=refs[level.product_id],
            batch=batch_out(batch),
            ownership=level.ownership.value,
            on_hand=level.on_hand,
            days_left=((batch.expires_on or today) - today).days,
        )
        for level, batch in rows
    ]


async def province_of(session: AsyncSession, location: Location) -> int | None:
    if location.place_id is None:
        return None
    return await session.scalar(sa.select(Place.province_id).where(Place.id == location.place_id))


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


async def compliance(session: AsyncSession, location: Location, *, today: dt.date) -> schemas.ComplianceOut:
    """The share of products on hand that are OCOP ≥3★ today, and that come from this province."""
    province_id = await province_of(session, location)
    certified = sa.case((sellable_product_clause(today), 1), else_=0)
    local = sa.case((Product.origin_province_id == province_id, 1), else_=0) if province_id else sa.literal(0)
    per_product = (
        sa.select(
            StockLevel.product_id,
            sa.func.sum(StockLevel.on_hand).label("units"),
            sa.func.max(certified).label("certified"),
            sa.func.max(local).label("local"),
        )
        .join(Product, Product.id == StockLevel.product_id)
        .where(StockLevel.location_id == location.id)
        .group_by(StockLevel.product_id)
        .having(sa.func.sum(StockLevel.on_hand) > 0)
        .subquery()
    )
    c = per_product.c
    row = (
        await session.execute(
            sa.select(
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(c.certified), 0),
                sa.func.coalesce(sa.func.sum(c.local), 0),
                sa.func.coalesce(sa.func.sum(c.units), 0),
                sa.func.coalesce(sa.func.sum(c.units * c.certified), 0),
                sa.func.coalesce(sa.func.sum(c.units * c.local), 0),
            )
        )
    ).one()
    products, certified_n, local_n, units, certified_units, local_units = (int(v) for v in row)
    return schemas.ComplianceOut(
        location=location.code,
        products_on_hand=products,
        certified_products=certified_n,
        own_province_products=local_n,
        certified_share=_share(certified_n, products),
        own_province_share=_share(local_n, products),
        units_on_hand=units,
        certified_units=certified_units,
        own_province_units=local_units,
    )
