"""Where an order line is served from, and so what the storefront may promise.

For delivery a line is served by its producer's own warehouse; for pickup by the chosen
sales point if it holds the whole quantity, else by the producer, who sends it there. A line
comes whole from one location, so what is available to buy is the best single source.
The cart's "available" and checkout's allocation both come from :func:`sources`: the page
can never promise what checkout would refuse.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.catalog import cache
from shop.catalog.models import Product
from shop.db import database_key
from shop.inventory.models import PUBLIC_KINDS, Batch, Location, LocationKind, StockLevel, fresh_on, public_on
from shop.orders.cart_models import CartLine
from shop.orders.errors import SoldOut


@dataclass(frozen=True)
class Source:
    location_id: int
    available: int
    is_pickup_point: bool
    producer_id: int | None = None  # the producer whose warehouse it is (None: a sales point)


@dataclass(frozen=True)
class Route:
    product_id: int
    quantity: int
    location_id: int
    reason: str  # kept in the order's history


async def sources(
    session: AsyncSession, product_ids: Iterable[int], *, on: dt.date, pickup_at: int | None = None
) -> dict[int, list[Source]]:
    """Each product's possible sources with what they can give, best first.

    Unexpired units on hand and not reserved, at the product's producer's warehouses and at
    the pickup point if there is one."""
    wanted = sorted(set(product_ids))
    if not wanted:
        return {}
    stmt = _AVAILABLE["producer or pickup point" if pickup_at is not None else "producer"]
    params = {"ids": wanted, "on": on, "pickup_at": pickup_at}
    out: dict[int, list[Source]] = {}
    for product_id, location_id, n, owner, _ in await session.execute(stmt, params):
        out.setdefault(product_id, []).append(Source(location_id, int(n), location_id == pickup_at, owner))
    return {product_id: _best_first(found) for product_id, found in out.items()}


def _available(where: sa.ColumnElement[bool]) -> sa.Select[int, int, int, int | None, LocationKind]:
    """(product id, location id, units, the location's producer, its kind) a customer can
    have there: unexpired units on hand and not reserved, at the active locations ``where``
    selects (the producer, for an order's fulfilment, and the kind come along at no cost).
    Bound when run: the products (``:ids``), the day (``:on``) and, where ``where`` names it,
    ``:pickup_at``."""
    ids: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
    return _per_location(
        where, StockLevel.product_id.in_(ids), sa.func.sum(StockLevel.on_hand - StockLevel.reserved)
    )


def _per_location(
    where: sa.ColumnElement[bool], products: sa.ColumnElement[bool], units: sa.ColumnElement[Any]
) -> sa.Select[int, int, int, int | None, LocationKind]:
    """:func:`_available` of the ``products`` chosen, ``units`` being the sum it counts."""
    on = sa.bindparam("on", type_=sa.Date)
    return (
        sa.select(
            StockLevel.product_id,
            StockLevel.location_id,
            units.label("units"),
            Location.producer_id,
            Location.kind,
        )
        .join(Product, Product.id == StockLevel.product_id)
        .join(Location, Location.id == StockLevel.location_id)
        .join(Batch, Batch.id == StockLevel.batch_id)
        .where(products, Location.is_active.is_(True), where, fresh_on(on))
        .group_by(StockLevel.product_id, StockLevel.location_id, Location.producer_id, Location.kind)
        .having(units > 0)
    )


_SERVES = sa.and_(Location.kind == LocationKind.producer, Location.producer_id == Product.producer_id)
# The locations a product can come from: its producer's warehouses, with the pickup point
# chosen (``:pickup_at``), or with every sales point and fair (what a checkout form offers).
_FROM = {
    "producer": _SERVES,
    "producer or pickup point": sa.or_(_SERVES, Location.id == sa.bindparam("pickup_at")),
    "producer and pickup points": sa.or_(_SERVES, Location.kind.in_(PUBLIC_KINDS)),
}
# Built once (a cart, its checkout and the order read them several times each).
_AVAILABLE = {name: _available(where) for name, where in _FROM.items()}


@functools.cache
def line_stock_column(dialect: str, where: str) -> sa.ScalarSelect[Any]:
    """The rows of ``_AVAILABLE[where]`` for the product of a cart's line, as one JSON column of
    a statement that selects from :class:`CartLine` (correlated to it): a checkout reads its
    lines and their stock in one statement (:func:`sources_in`, :func:`online_and_held_in`).
    Bound: ``on``, and ``pickup_at`` where ``where`` names it. Built once per database."""
    units = sa.func.sum(StockLevel.on_hand - StockLevel.reserved)
    per_location = (
        _per_location(_FROM[where], StockLevel.product_id == CartLine.product_id, units)
        .correlate(CartLine)
        .subquery("held")
    )
    return _json_rows(dialect, per_location, ("location_id", "units", "producer_id", "kind"))


def _best_first(found: list[Source]) -> list[Source]:
    """The pickup point first (no parcel to send), then the fullest warehouse."""
    return sorted(found, key=lambda s: (not s.is_pickup_point, -s.available, s.location_id))


def sources_in(rows: list[dict[str, Any]] | None, pickup_at: int | None) -> list[Source]:
    """:func:`sources` of one product, from its :func:`line_stock_column` (``producer`` or
    ``producer or pickup point``)."""
    return _best_first(
        [
            Source(row["location_id"], int(row["units"]), row["location_id"] == pickup_at, row["producer_id"])
            for row in rows or []
        ]
    )


def online_and_held_in(
    lines: Iterable[tuple[int, list[dict[str, Any]] | None]],
) -> tuple[dict[int, int], dict[int, dict[int, int]]]:
    """:func:`online_and_held`, from each line's product id and its :func:`line_stock_column`
    (``producer and pickup points``)."""
    online: dict[int, int] = {}
    held: dict[int, dict[int, int]] = {}
    for product_id, rows in lines:
        warehouses = 0
        for row in rows or []:
            if row["kind"] == LocationKind.producer.value:
                warehouses = max(warehouses, int(row["units"]))
            else:
                held.setdefault(row["location_id"], {})[product_id] = int(row["units"])
        online[product_id] = warehouses
    return online, held


async def online_and_held(
    session: AsyncSession, product_ids: Iterable[int], *, on: dt.date
) -> tuple[dict[int, int], dict[int, dict[int, int]]]:
    """What delivery can have of each product (:func:`available` without a pickup point), and
    per open sales point or fair the units of these products it holds for a pickup there (the
    same rule checkout routes by: what a point does not hold, the producer sends it). One
    statement: a checkout form and the product feeds show both."""
    ids = list(product_ids)
    warehouses: dict[int, list[Source]] = {}
    held: dict[int, dict[int, int]] = {}
    if ids:
        params = {"ids": sorted(set(ids)), "on": on}
        rows = await session.execute(_AVAILABLE["producer and pickup points"], params)
        for product_id, location_id, n, owner, kind in rows:
            if kind == LocationKind.producer:  # one of its producer's warehouses (``_SERVES``)
                warehouses.setdefault(product_id, []).append(Source(location_id, int(n), False, owner))
            else:
                held.setdefault(location_id, {})[product_id] = int(n)
    return {pid: best_available(warehouses.get(pid, [])) for pid in ids}, held


@dataclass(frozen=True)
class Offer:
    """What a product's page promises: where it can be bought today, and how many units one
    order line can have."""

    points: list[tuple[str, str, str, int]]  # (code, name, kind, available) of open sales points and fairs
    online: int


@dataclass(frozen=True)
class Outlet:
    """A location as a product's page needs it (``locations_on``)."""

    rank: int  # by name, in the database's order
    code: str
    name: str
    kind: LocationKind
    public: bool  # a sales point or fair open to the public that day
    producer_id: int | None  # whose warehouse it is, for a producer's


_OUTLETS = (
    sa.select(
        Location.id,
        Location.code,
        Location.name,
        Location.kind,
        public_on(sa.bindparam("on", type_=sa.Date)),
        Location.producer_id,
    )
    .where(Location.is_active.is_(True))
    .order_by(Location.name)
)


async def locations_on(session: AsyncSession, on: dt.date) -> dict[int, Outlet]:
    """Every active location (some 700 nationally) by id, with whether the public sees it on
    ``on``: read once for all the product pages drawn within the catalog cache's seconds,
    so a page's own statement reads only its stock per location (``offer_column``)."""

    async def read() -> object:
        rows = await session.execute(_OUTLETS, {"on": on})
        return {row[0]: Outlet(rank, *row[1:]) for rank, row in enumerate(rows)}

    found = await cache.pages.get_or_compute(("outlets", database_key(session), on), read)
    assert isinstance(found, dict)
    return found


@functools.cache
def offer_column(dialect: str) -> sa.ScalarSelect[Any]:
    """What :func:`offer_from` reads: one JSON column of a statement that selects from
    :class:`Product` (correlated to its id), so a product page reads its product and its
    stock in one statement. Per location holding the product: its units not reserved over
    every batch (what a sales point shows) and over the unexpired ones (what checkout routes
    from its producer's warehouses). What each location is, :func:`locations_on` says: joined
    here, PostgreSQL hashed the whole location table for every page. Bound: ``on``, the day.
    Built once per database."""
    on = sa.bindparam("on", type_=sa.Date)
    free = StockLevel.on_hand - StockLevel.reserved
    per_location = (
        sa.select(
            StockLevel.location_id.label("location"),
            sa.func.sum(free).label("units"),
            sa.func.sum(sa.case((fresh_on(on), free), else_=0)).label("fresh"),
        )
        .join(Batch, Batch.id == StockLevel.batch_id)
        .where(StockLevel.product_id == Product.id)
        .group_by(StockLevel.location_id)
        .correlate(Product)
        .subquery("offer")
    )
    return _json_rows(dialect, per_location, ("location", "units", "fresh"))


def _json_rows(dialect: str, rows: sa.Subquery, names: Sequence[str]) -> sa.ScalarSelect[Any]:
    """The ``rows`` as one JSON column, a list of objects with these columns (``[]`` or NULL
    when there is none)."""
    pairs: list[Any] = []
    for name in names:
        pairs += [sa.literal_column(f"'{name}'"), rows.c[name]]
    if dialect == "postgresql":
        listed = sa.func.json_agg(sa.func.json_build_object(*pairs))
    else:
        listed = sa.func.json_group_array(sa.func.json_object(*pairs))
    return sa.select(sa.type_coerce(listed, sa.JSON)).scalar_subquery()


def offer_from(rows: list[dict[str, Any]] | None, outlets: dict[int, Outlet], producer_id: int) -> Offer:
    """The :class:`Offer` in :func:`offer_column`'s value, for a product of ``producer_id``:
    the public points holding it, by name, and the most its producer's warehouses can send."""
    points: list[tuple[int, tuple[str, str, str, int]]] = []
    online = 0
    for row in rows or []:
        where = outlets.get(row["location"])
        if where is None:  # closed for good
            continue
        if where.public:
            if row["units"] > 0:
                points.append((where.rank, (where.code, where.name, where.kind.value, int(row["units"]))))
        elif where.kind == LocationKind.producer and where.producer_id == producer_id:
            online = max(online, int(row["fresh"]))
    return Offer([point for _, point in sorted(points)], online)


def best_available(found: Sequence[Source]) -> int:
    """What one line of this product can have: the most any single source holds."""
    return max((s.available for s in found), default=0)


def available_of(product_id: sa.ColumnElement[int] | InstrumentedAttribute[int]) -> sa.ColumnElement[int]:
    """:func:`available` of the product ``product_id`` (a column of the enclosing statement,
    such as a cart's line, or a bound parameter) on ``:on``, without a pickup point, as a
    column of another statement: its fullest location's units, 0 when none holds it."""
    units = sa.func.sum(StockLevel.on_hand - StockLevel.reserved)
    fullest = (
        _per_location(_SERVES, StockLevel.product_id == product_id, units)
        .with_only_columns(units)
        .order_by(units.desc())
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(fullest, 0)


async def available(
    session: AsyncSession, product_ids: Iterable[int], *, on: dt.date, pickup_at: int | None = None
) -> dict[int, int]:
    """Units of each product a customer can order now (0 for those with none)."""
    ids = list(product_ids)
    found = await sources(session, ids, on=on, pickup_at=pickup_at)
    return {pid: best_available(found.get(pid, [])) for pid in ids}


def route(
    wanted: Sequence[tuple[int, int]], found: dict[int, list[Source]], names: dict[int, str]
) -> list[Route]:
    """Each (product id, quantity) to the first source that holds it all; SoldOut if none."""
    routes = []
    for product_id, quantity in wanted:
        options = found.get(product_id, [])
        source = next((s for s in options if s.available >= quantity), None)
        if source is None:
            raise SoldOut(product_id, names.get(product_id, str(product_id)), best_available(options))
        if source.is_pickup_point:
            reason = "the pickup point holds it"
        elif any(s.is_pickup_point for s in options):
            reason = "the pickup point holds too few: the producer sends it there"
        else:
            reason = "the producer ships it from its warehouse"
        routes.append(Route(product_id, quantity, source.location_id, reason))
    return routes
