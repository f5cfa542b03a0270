"""A statement line and its arithmetic: what a unit is worth under its terms, shares of a
line's total that add up exactly, commissions rounded half up, Vietnam's month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from shop.catalog.sellability import VIETNAM
from shop.settlement.models import LineKind


@dataclass(frozen=True)
class Terms:
    """What the producer gets for a unit: an agreed price, else the sale less a commission."""

    unit_cost: int | None
    commission_bp: int | None


@dataclass(frozen=True)
class Line:
    kind: LineKind
    source: str
    at: dt.datetime
    reference: str
    amount: int
    due: int
    commission: int = 0
    quantity: int = 0
    location_id: int | None = None
    product_id: int | None = None
    unit_cost: int | None = None
    commission_bp: int | None = None


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month's first instant and the next month's, in UTC."""
    start = dt.datetime(month.year, month.month, 1, tzinfo=VIETNAM)
    end = dt.datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=VIETNAM)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def share(total: int, units: int, upto: int) -> int:
    """What the first ``upto`` of ``units`` units are worth of ``total`` (floor), so that the
    shares of consecutive slices add up to the total exactly."""
    return total * upto // units


def commission_of(amount: int, bp: int) -> int:
    """``bp`` basis points of ``amount``, half up, symmetric for a negative amount."""
    value = (abs(amount) * bp + 5000) // 10000
    return value if amount >= 0 else -value


def priced(kind: LineKind, amount: int, quantity: int, terms: Terms, fallback_bp: int, base: Line) -> Line:
    """``base`` (where and when) priced under its terms; ``amount`` and ``quantity`` are
    signed alike (a return is negative)."""
    if terms.unit_cost is not None:
        due = terms.unit_cost * quantity
        return replace(
            base,
            kind=kind,
            amount=amount,
            due=due,
            commission=amount - due,
            quantity=abs(quantity),
            unit_cost=terms.unit_cost,
        )
    bp = terms.commission_bp if terms.commission_bp is not None else fallback_bp
    commission = commission_of(amount, bp)
    return replace(
        base,
        kind=kind,
        amount=amount,
        due=amount - commission,
        commission=commission,
        quantity=abs(quantity),
        commission_bp=bp,
    )
