"""Where the catalog's products can be bought now: read from the sales points' stock.

Inventory owns the stock and answers the catalog's ``queries.Stock`` questions (the pages and
the API pass this module in; the catalog imports no stock). Only public locations count
(sales points and fairs that are open), and only units on hand not reserved for an order.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import schemas
from shop.catalog.models import Product
from shop.errors import InvalidInput, field_error
from shop.i18n import N_
from shop.inventory.models import PUBLIC_KINDS, Location, StockLevel, public_on


async def in_stock_at(session: AsyncSession, code: str) -> sa.ColumnElement[bool]:
    """Products with at least one unit available (on hand, not reserved) at a sales point."""
    location_id = await session.scalar(
        sa.select(Location.id).where(
            Location.code == code, Location.kind.in_(PUBLIC_KINDS), Location.is_active.is_(True)
        )
    )
    if location_id is None:
        raise InvalidInput(errors=[field_error("sales_point", N_("No sales point {code}."), code=code)])
    return sa.exists().where(
        StockLevel.product_id == Product.id,
        StockLevel.location_id == location_id,
        StockLevel.on_hand > StockLevel.reserved,
    )


async def where_available(
    session: AsyncSession, product_id: int, *, on: dt.date
) -> list[schemas.AvailabilityOut]:
    """Where the product can be bought today: open sales points and fairs holding some."""
    available = sa.func.sum(StockLevel.on_hand - StockLevel.reserved)
    stmt = (
        sa.select(Location.code, Location.name, Location.kind, available)
        .join(StockLevel, StockLevel.location_id == Location.id)
        .where(
            StockLevel.product_id == product_id,
            Location.is_active.is_(True),
            public_on(on),
        )
        .group_by(Location.code, Location.name, Location.kind)
        .having(available > 0)
        .order_by(Location.name)
    )
    return [
        schemas.AvailabilityOut(sales_point=code, name=name, kind=kind.value, available=int(n))
        for code, name, kind, n in await session.execute(stmt)
    ]
