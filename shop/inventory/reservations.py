"""Holding stock for online orders: reserve, release, and fulfil (the order ships).

``orders`` asks for these; inventory knows nothing of orders beyond the id it is given.
A reservation raises ``reserved`` (on hand is unchanged, so available falls); a release
lowers it; fulfilling lowers both, as the goods leave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shop.inventory import ledger, picking, stock_changes
from shop.inventory.models import DocumentKind, MovementKind


@dataclass(frozen=True)
class Held:
    """Units held at one stock level for one order line."""

    level_id: int
    product_id: int
    quantity: int


async def reserve(
    session: AsyncSession,
    location_id: int,
    wanted: Sequence[tuple[int, int]],
    *,
    order_id: int,
    names: Mapping[int, str],
    fresh_on: dt.date | None = None,
) -> list[Held]:
    """Reserve (product id, quantity) pairs, first-expiring first; all or nothing.

    ``names``: the products' names (the order has them), for the error when one is short;
    ``fresh_on``: never batches expired on that day."""
    stock = await picking.candidates(session, location_id, names, fresh_on=fresh_on)
    taken: dict[int, int] = {}
    held, changes = [], []
    for product_id, quantity in wanted:
        name = names.get(product_id)
        levels = stock.get(product_id, [])
        picked = picking.allocate(levels, quantity, product_id=product_id, name=name, taken=taken)
        for level, q in picked:
            held.append(Held(level.level_id, product_id, q))
            changes.append(stock_changes.Change(level.level_id, MovementKind.reservation, reserved=q))
    await ledger.apply(session, changes, stock_changes.Entry(DocumentKind.order, order_id, None))
    return held


async def release(
    session: AsyncSession, held: Sequence[Held], *, order_id: int, reason: str | None = None
) -> None:
    """Give reserved units back (the reservation expired or the order was cancelled)."""
    changes = [stock_changes.Change(h.level_id, MovementKind.release, reserved=-h.quantity) for h in held]
    await ledger.apply(
        session, changes, stock_changes.Entry(DocumentKind.order, order_id, None, reason=reason)
    )


async def fulfil(
    session: AsyncSession, held: Sequence[Held], *, order_id: int, user_id: int | None = None
) -> None:
    """The reserved units leave with the order: on hand and reserved both fall."""
    changes = [
        stock_changes.Change(h.level_id, MovementKind.online_sale, -h.quantity, reserved=-h.quantity)
        for h in held
    ]
    await ledger.apply(session, changes, stock_changes.Entry(DocumentKind.order, order_id, user_id))
