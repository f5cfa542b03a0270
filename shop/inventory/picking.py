"""Choosing which stock a decrement takes: first expiring, first out (FEFO).

The candidate levels are locked in id order (``ledger.lock``'s rule) and then ordered by
expiry, so what is picked is what the conditional updates will find.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of
from shop.inventory.models import Batch, Ownership, StockLevel, fresh_on
from shop.inventory.stock_changes import InsufficientStock

FAR_FUTURE = dt.date.max


@dataclass(frozen=True)
class Candidate:
    level_id: int
    product_id: int
    batch_id: int
    batch_code: str | None
    expires_on: dt.date | None
    produced_on: dt.date | None
    ownership: Ownership
    on_hand: int
    reserved: int
    unit_cost: int | None
    commission_bp: int | None

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def fefo_key(self) -> tuple[dt.date, dt.date, int]:
        return (self.expires_on or FAR_FUTURE, self.produced_on or FAR_FUTURE, self.level_id)


@functools.cache
def _candidates_statement(*, fresh: bool, lock: bool) -> sa.Select[*tuple[Any, ...]]:
    """Built once for each kind (a sale's, an order's; locked on PostgreSQL), run with the
    location, the products and the day as parameters."""
    stmt = (
        sa.select(
            StockLevel.id,
            StockLevel.product_id,
            Batch.id,
            Batch.code,
            Batch.expires_on,
            Batch.produced_on,
            StockLevel.ownership,
            StockLevel.on_hand,
            StockLevel.reserved,
            StockLevel.unit_cost_vnd,
            StockLevel.commission_bp,
        )
        .join(Batch, Batch.id == StockLevel.batch_id)
        .where(
            StockLevel.location_id == sa.bindparam("at_location"),
            StockLevel.product_id.in_(sa.bindparam("product_ids", expanding=True)),
        )
        .order_by(StockLevel.id)
    )
    if fresh:
        stmt = stmt.where(fresh_on(sa.bindparam("fresh_on", type_=sa.Date)))
    if lock:
        stmt = stmt.with_for_update(of=StockLevel)
    return stmt


async def candidates(
    session: AsyncSession, location_id: int, product_ids: Iterable[int], *, fresh_on: dt.date | None = None
) -> dict[int, list[Candidate]]:
    """Each product's stock levels at the location, locked, in FEFO order.

    ``fresh_on``: only batches not expired on that day (what may still be sold online)."""
    stmt = _candidates_statement(fresh=fresh_on is not None, lock=dialect_of(session) == "postgresql")
    params: dict[str, Any] = {"at_location": location_id, "product_ids": sorted(set(product_ids))}
    if fresh_on is not None:
        params["fresh_on"] = fresh_on
    return _by_product(Candidate(*row) for row in await session.execute(stmt, params))


def locked_candidates_as_arrays(after: sa.CTE) -> sa.Select[*tuple[Any, ...]]:
    """The locked candidates (PostgreSQL; parameters ``at_location`` and ``product_ids``) as
    one row of arrays, a column each: a statement that writes something else can read them
    too, as a CTE, and return them beside its own rows (a till sale's does). The locks are
    taken in id order, as :func:`candidates` takes them, and only once ``after`` (a CTE of
    the same statement) has run: whatever plan the statement gets, the row locks ``after``
    takes come first, so two such statements never wait for each other in a circle."""
    first = sa.exists(sa.select(sa.literal_column("1")).select_from(after))
    locked = _candidates_statement(fresh=False, lock=True).where(first).subquery("candidate")
    return sa.select(*(sa.func.array_agg(column) for column in locked.c))


def candidates_from_arrays(arrays: Sequence[list[Any] | None]) -> dict[int, list[Candidate]]:
    """What :func:`locked_candidates_as_arrays` read, as :func:`candidates` returns it."""
    if not arrays or arrays[0] is None:  # no level at all: array_agg of nothing is NULL
        return {}
    rows = zip(*arrays, strict=True)
    return _by_product(
        Candidate(r[0], r[1], r[2], r[3], r[4], r[5], Ownership(r[6]), r[7], r[8], r[9], r[10]) for r in rows
    )


def _by_product(levels: Iterable[Candidate]) -> dict[int, list[Candidate]]:
    out: dict[int, list[Candidate]] = {}
    for level in levels:
        out.setdefault(level.product_id, []).append(level)
    for found in out.values():
        found.sort(key=Candidate.fefo_key)
    return out


def allocate(
    levels: Sequence[Candidate],
    quantity: int,
    *,
    product_id: int,
    name: str | None = None,
    batch_id: int | None = None,
    taken: dict[int, int] | None = None,
    prefer: Ownership | None = None,
) -> list[tuple[Candidate, int]]:
    """Take ``quantity`` from ``levels`` in order (one batch only if ``batch_id``).

    ``prefer``: levels of this ownership first.
    ``taken`` counts what earlier lines of the same document already took from each level,
    so two lines of one product never promise the same units.
    """
    taken = taken if taken is not None else {}
    chosen: list[tuple[Candidate, int]] = []
    need = quantity
    if prefer is not None:  # e.g. a return to the producer hands back its consigned units first
        levels = sorted(levels, key=lambda lv: lv.ownership is not prefer)  # stable: FEFO within
    for level in levels:
        if batch_id is not None and level.batch_id != batch_id:
            continue
        free = level.available - taken.get(level.level_id, 0)
        if free <= 0:
            continue
        take = min(free, need)
        chosen.append((level, take))
        taken[level.level_id] = taken.get(level.level_id, 0) + take
        need -= take
        if need == 0:
            return chosen
    available = quantity - need
    raise InsufficientStock(product_id=product_id, requested=quantity, available=available, name=name)
