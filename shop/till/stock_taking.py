"""Taking a till sale's units off the shelf (FEFO), every change a ledger row; a late sale
books a shortfall in first as unrecorded stock and flags its location for a count (DESIGN.md
rule 7), so stock never goes below zero."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.db_types import utcnow
from shop.inventory import batches, ledger, picking, stock_changes
from shop.inventory.models import DocumentKind, Location, MovementKind, Ownership
from shop.till import numbering
from shop.till.models import Sale
from shop.till.pricing import Priced


async def take(
    session: AsyncSession,
    user: CurrentUser,
    location: Location,
    sale: Sale,
    priced: Sequence[Priced],
    *,
    late: bool,
    stock: dict[int, list[picking.Candidate]] | None = None,
) -> int:
    """Decrement the sold units (FEFO); for a late sale, book any shortfall in first.
    Returns the units booked in as unrecorded stock. ``stock``: the products' levels here,
    already read locked (:func:`shop.inventory.picking.candidates`), else read now."""
    if stock is None:
        stock = await picking.candidates(session, location.id, {p.product.id for p in priced})
    taken: dict[int, int] = {}
    found: list[stock_changes.Change] = []
    sold: list[stock_changes.Change] = []
    for p in priced:
        levels = stock.get(p.product.id, [])
        attempt = dict(taken)  # allocate marks what it takes even when it then gives up
        try:
            picked = picking.allocate(levels, p.line.quantity, product_id=p.product.id, taken=attempt)
            taken = attempt
        except stock_changes.InsufficientStock as short:
            if not late:
                raise stock_changes.InsufficientStock(
                    product_id=short.product_id,
                    requested=short.requested,
                    available=short.available,
                    name=p.product.name,
                ) from None
            picked = _all_there_is(levels, taken)
            missing = p.line.quantity - sum(q for _, q in picked)
            level_id, unit_value = await _level_for_unrecorded(session, location, p.product.id, levels)
            found.append(
                stock_changes.Change(level_id, MovementKind.unrecorded_stock, missing, unit_value=unit_value)
            )
            sold.append(stock_changes.Change(level_id, MovementKind.sale, -missing, unit_value=unit_value))
        sold += [
            stock_changes.Change(lv.level_id, MovementKind.sale, -q, unit_value=lv.unit_cost)
            for lv, q in picked
        ]
    entry = stock_changes.Entry(DocumentKind.sale, sale.id, user.id)
    # The candidates were read locked, in id order: no second lock (a level found for
    # unrecorded units may be new, so then the ledger locks as usual).
    await ledger.apply(session, [*found, *sold], entry, locked=not found)
    unrecorded = sum(c.quantity for c in found)
    if unrecorded:
        await _flag_for_count(session, location, sale)
    return unrecorded


def _all_there_is(
    levels: Sequence[picking.Candidate], taken: dict[int, int]
) -> list[tuple[picking.Candidate, int]]:
    """Everything still free of these levels (FEFO), marked as taken."""
    picked = []
    for level in levels:
        free = level.available - taken.get(level.level_id, 0)
        if free > 0:
            picked.append((level, free))
            taken[level.level_id] = taken.get(level.level_id, 0) + free
    return picked


async def _level_for_unrecorded(
    session: AsyncSession, location: Location, product_id: int, levels: Sequence[picking.Candidate]
) -> tuple[int, int | None]:
    """Where the unrecorded units are booked: the first-expiring level the location has of the
    product, else its unlabelled lot (owned: whose goods they were, a count will tell)."""
    if levels:
        return levels[0].level_id, levels[0].unit_cost
    found, _ = await batches.find_or_create(
        session, [batches.NewBatch(batches.BatchKey(product_id, None), None, None, "lines")]
    )
    batch = found[batches.BatchKey(product_id, None)]
    level_id = await ledger.ensure_level(
        session, location_id=location.id, product_id=product_id, batch_id=batch.id, ownership=Ownership.owned
    )
    return level_id, None


async def _flag_for_count(session: AsyncSession, location: Location, sale: Sale) -> None:
    """Rule 7: the books were short, so the shelves need counting (the first reason stays)."""
    reason = numbering.receipt_number(location.code, sale.number)  # the page says what it means
    await session.execute(
        sa.update(Location)
        .where(Location.id == location.id, Location.count_flagged_at.is_(None))
        .values(count_flagged_at=utcnow(), count_flag_reason=reason)
    )
