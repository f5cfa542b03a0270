"""What the feeds list, read in one streamed pass: every product sellable today (the catalog's
rule), and for each, what an order can have delivered and what each sales point holds.

Stock is the routing's (``shop.orders.routing``): unexpired units on hand and not reserved, at
the producer's warehouses for delivery and at the sales point itself for a pickup there. The
products come through a server-side cursor a partition at a time, and each partition's stock is
read with a few ``IN`` queries, so memory stays that of one partition at any scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog.models import Producer, Product, ProductGroup
from shop.catalog.sellability import sellable_product_clause
from shop.inventory.models import PUBLIC_KINDS, Location, StockLevel
from shop.inventory.services import open_locations_select
from shop.media.models import StoredImage
from shop.media.naming import Picture
from shop.orders import routing

PARTITION = 500  # products read and written at a time


@dataclass(frozen=True, slots=True)
class ProductRow:
    """A sellable product as the feeds describe it (Vietnamese texts, the source)."""

    id: int
    slug: str
    name: str
    description: str | None
    pack_size: str | None
    price_vnd: int
    gtin: str | None
    producer: str
    group_code: str
    group_name: str
    parent_code: str | None
    parent_name: str | None
    photo: Picture | None  # the main one


@dataclass(frozen=True, slots=True)
class StoreStock:
    store_code: str
    quantity: int  # units a pickup there can have now (0: it stocks the product but has none free)


@dataclass(frozen=True, slots=True)
class Item:
    product: ProductRow
    online: int  # units one order can have from the producer's warehouse
    stores: tuple[StoreStock, ...]  # the open sales points and fairs stocking it, by code

    @property
    def in_stock(self) -> bool:
        """Something can be ordered now: delivered, or picked up where it is held."""
        return self.online > 0 or any(s.quantity > 0 for s in self.stores)


def _products(on: dt.date) -> sa.Select[*tuple[Any, ...]]:
    parent = aliased(ProductGroup)
    return (
        sa.select(
            Product.id,
            Product.slug,
            Product.name,
            Product.description,
            Product.pack_size,
            Product.price_vnd,
            Product.gtin,
            Producer.name,
            ProductGroup.code,
            ProductGroup.name,
            parent.code,
            parent.name,
            StoredImage.digest,
            StoredImage.width,
            StoredImage.height,
        )
        .join(Producer, Producer.id == Product.producer_id)
        .join(ProductGroup, ProductGroup.id == Product.group_id)
        .outerjoin(parent, parent.id == ProductGroup.parent_id)
        .outerjoin(StoredImage, StoredImage.id == Product.main_image_id)
        .where(sellable_product_clause(on))
        .order_by(Product.id)
    )


def _product_row(row: Sequence[Any]) -> ProductRow:
    """The columns of ``_products`` in order; the last three are the main photo's, if any."""
    digest, width, height = row[-3:]
    columns: list[Any] = [*row[:-3], Picture(digest, width, height) if digest is not None else None]
    return ProductRow(*columns)


async def open_points(session: AsyncSession, on: dt.date) -> dict[int, str]:
    """Id → code of the sales points and fairs taking pickups today: active, and a fair only
    between its first and last day (checkout refuses a pickup at a fair not yet open)."""
    stmt = (
        open_locations_select(on=on)
        .with_only_columns(Location.id, Location.code)
        .where(sa.or_(Location.starts_on.is_(None), Location.starts_on <= on))
        .order_by(None)
    )
    return {int(i): str(code) for i, code in await session.execute(stmt)}


async def _stocked(session: AsyncSession, ids: Sequence[int]) -> dict[int, set[int]]:
    """Product id → the public locations holding a stock level of it (free units or not)."""
    stmt = (
        sa.select(StockLevel.product_id, StockLevel.location_id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.product_id.in_(ids), Location.kind.in_(PUBLIC_KINDS))
        .group_by(StockLevel.product_id, StockLevel.location_id)
    )
    out: dict[int, set[int]] = {}
    for product_id, location_id in await session.execute(stmt):
        out.setdefault(int(product_id), set()).add(int(location_id))
    return out


async def _items_of(
    session: AsyncSession, products: list[ProductRow], points: dict[int, str], on: dt.date
) -> list[Item]:
    ids = [p.id for p in products]
    online, held = await routing.online_and_held(session, ids, on=on)
    stocked = await _stocked(session, ids)
    items = []
    for product in products:
        at = {point for point in stocked.get(product.id, ()) if point in points}
        stores = sorted(
            (StoreStock(points[point], held.get(point, {}).get(product.id, 0)) for point in at),
            key=lambda s: s.store_code,
        )
        items.append(Item(product, online[product.id], tuple(stores)))
    return items


async def items(session: AsyncSession, on: dt.date) -> AsyncIterator[Item]:
    """Every product sellable on ``on``, by id, with its stock; streamed."""
    points = await open_points(session, on)
    result = await session.stream(_products(on).execution_options(yield_per=PARTITION))
    async for partition in result.partitions():
        products = [_product_row(row) for row in partition]
        for item in await _items_of(session, products, points, on):
            yield item
