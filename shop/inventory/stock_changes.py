"""What a stock change is, and why one is refused: shared by the ledger and its PostgreSQL statements.

``shop.inventory.ledger`` (the generic path) and ``shop.inventory.ledger_postgres`` (the
statements that do a whole document in one round trip) both take these changes and entries,
read back the same columns of a level, and refuse a change the same way; they live here,
below both, so that the two depend on this module and not on each other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput
from shop.i18n import N_
from shop.inventory.models import DocumentKind, Movement, MovementKind, StockLevel

LEVEL: sa.Table = StockLevel.__table__  # type: ignore[assignment]  # declarative tables are Tables
MOVEMENT: sa.Table = Movement.__table__  # type: ignore[assignment]


class InsufficientStock(Conflict):
    """Fewer units available than asked for; nothing was changed."""

    code = "insufficient_stock"
    title = N_("Not enough stock.")

    def __init__(self, *, product_id: int, requested: int, available: int, name: str | None = None) -> None:
        super().__init__(
            N_("Not enough stock of {product}: {requested} asked for, {available} available."),
            errors=[
                {"field": "lines", "product_id": product_id, "requested": requested, "available": available}
            ],
            product=name or f"#{product_id}",
            requested=requested,
            available=available,
        )
        self.product_id, self.requested, self.available = product_id, requested, available


# What one level may hold: its column's limit (2³¹ − 1). A line brings at most a million
# units (``schemas.Quantity``), so only a level already near the limit can meet it.
MAX_ON_HAND = 2_147_483_647


class TooMuchStock(InvalidInput):
    """More units than one stock level can hold; nothing was changed."""

    code = "too_much_stock"

    def __init__(self, *, product_id: int, on_hand: int, adding: int) -> None:
        message = N_("At most {limit} units of one product can be kept at one place: {on_hand} are there.")
        super().__init__(
            message,
            errors=[{"field": "lines", "product_id": product_id, "on_hand": on_hand, "adding": adding}],
            limit=MAX_ON_HAND,
            on_hand=on_hand,
        )


@dataclass(frozen=True)
class Entry:
    """Why a change happens: its document, who made it, when, and a free-text reason."""

    document_kind: DocumentKind | None
    document_id: int | None
    user_id: int | None
    reason: str | None = None
    at: dt.datetime = field(default_factory=utcnow)


@dataclass
class Change:
    """One movement to write: a level, what changes, and what each unit is worth."""

    level_id: int
    kind: MovementKind
    quantity: int = 0  # change to on hand
    reserved: int = 0  # change to reserved
    unit_value: int | None = None  # what one unit is worth on this movement
    reason: str | None = None  # overrides the entry's reason for this line
    # Goods coming in: their cost is folded into the level's weighted average; or, with
    # ``agreement`` (consigned goods), price and commission replace the level's, both of
    # them: the latest agreement with the producer applies to the whole level.
    unit_cost: int | None = None
    commission_bp: int | None = None
    agreement: bool = False


@dataclass(frozen=True)
class Applied:
    """What a conditional update returned: the level's new balance and its key."""

    on_hand: int
    location_id: int
    product_id: int
    ownership: str
    unit_cost: int | None = None  # the level's terms after the change
    commission_bp: int | None = None


RETURNED = (
    LEVEL.c.on_hand,
    LEVEL.c.location_id,
    LEVEL.c.product_id,
    LEVEL.c.ownership,
    LEVEL.c.unit_cost_vnd,
    LEVEL.c.commission_bp,
)


def applied_row(row: Sequence[Any]) -> Applied:
    """An :class:`Applied` from the columns ``RETURNED`` names, in that order."""
    on_hand, location_id, product_id, ownership, unit_cost, commission_bp = row
    return Applied(int(on_hand), int(location_id), int(product_id), str(ownership), unit_cost, commission_bp)


async def raise_refused(session: AsyncSession, change: Change) -> NoReturn:
    """Raise why a change did not fit: too much stock coming in, else InsufficientStock with
    what is available now."""
    row = (await session.execute(sa.select(LEVEL).where(LEVEL.c.id == change.level_id))).one()
    if change.quantity > 0 and row.on_hand > MAX_ON_HAND - change.quantity:
        raise TooMuchStock(product_id=row.product_id, on_hand=row.on_hand, adding=change.quantity)
    wanted = change.reserved if change.reserved > 0 else -change.quantity
    raise InsufficientStock(product_id=row.product_id, requested=wanted, available=row.on_hand - row.reserved)
