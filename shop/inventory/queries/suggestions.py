"""Products offered while a person types in a product field of the stock screens: what the
location holds first (receiving more of it, writing it off), then the rest of the catalog
(goods arriving for the first time), each matched on its folded name or its barcode."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.inventory.models import StockLevel
from shop.text import search_terms

LIMIT = 15


@dataclass(frozen=True)
class Suggestion:
    product: Product
    on_hand: int  # units at this location


def _matching(text: str) -> list[sa.ColumnElement[bool]]:
    terms = search_terms(text)
    if not terms:
        return []
    named = sa.and_(*(Product.search_text.like(f"%{t}%") for t in terms))
    digits = text.strip()
    return [sa.or_(named, Product.gtin == digits)] if digits.isdigit() else [named]


async def suggest(
    session: AsyncSession, location_id: int, text: str, *, producer_id: int | None = None, held_only: bool
) -> list[Suggestion]:
    """Up to ``LIMIT`` products for ``text``: those on hand here first, by name."""
    match = _matching(text)
    on_hand = (
        sa.select(StockLevel.product_id, sa.func.sum(StockLevel.on_hand).label("units"))
        .where(StockLevel.location_id == location_id, StockLevel.on_hand > 0)
        .group_by(StockLevel.product_id)
        .subquery()
    )
    units = sa.func.coalesce(on_hand.c.units, 0)
    stmt = (
        sa.select(Product, units)
        .outerjoin(on_hand, on_hand.c.product_id == Product.id)
        .where(*match)
        .order_by((units > 0).desc(), Product.name, Product.id)
        .limit(LIMIT)
    )
    if held_only:
        stmt = stmt.where(on_hand.c.units > 0)
    if producer_id is not None:
        stmt = stmt.where(Product.producer_id == producer_id)
    return [Suggestion(product, int(n)) for product, n in (await session.execute(stmt)).all()]
