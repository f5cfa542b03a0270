"""The one module that changes stock: every change is a conditional update and a movement row.

Callers (receipts, transfers, counts, write-offs, the till, orders) describe what happens;
this module makes it so in the caller's transaction:

- decrements are ``UPDATE … WHERE on_hand - reserved >= :quantity``, so two buyers of the
  last unit cannot both succeed, on PostgreSQL (row locks taken in id order by ``lock``)
  and on SQLite (write transactions begin IMMEDIATE);
- increments are ``UPDATE … WHERE on_hand <= :limit - :quantity``: a level never passes
  ``MAX_ON_HAND`` (its 32-bit column), the request is refused with a 422 instead;
- the CHECK constraints on ``stock_level`` are the last line: nothing goes negative;
- each change appends one :class:`Movement`, whose ``on_hand_after`` is the balance the
  update returned, so ``on_hand`` always equals the sum of the level's movements;
- each movement keeps the terms its units moved under (the level's commission, and for
  goods leaving, their agreed price or cost), so a statement prices a sale as it was agreed
  then, not as the level's terms stand when the month is settled.

What a change, an entry and a refusal are lives in ``shop.inventory.stock_changes``; the
statements that apply a whole receipt or sale in one round trip on PostgreSQL, in
``shop.inventory.ledger_postgres``. This module is the generic path and chooses between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache
from shop.db import dialect_of, insert_for
from shop.db_types import utcnow
from shop.inventory import ledger_postgres
from shop.inventory.models import Ownership
from shop.inventory.stock_changes import (
    LEVEL,
    MAX_ON_HAND,
    MOVEMENT,
    RETURNED,
    Applied,
    Change,
    Entry,
    applied_row,
    raise_refused,
)


async def ensure_level(
    session: AsyncSession,
    *,
    location_id: int,
    product_id: int,
    batch_id: int,
    ownership: Ownership,
) -> int:
    """The id of the stock level, created empty if it did not exist (safe under concurrency)."""
    key = LevelKey(location_id, product_id, batch_id, ownership)
    return (await ensure_levels(session, [key]))[key]


@dataclass(frozen=True)
class LevelKey:
    location_id: int
    product_id: int
    batch_id: int
    ownership: Ownership


async def ensure_levels(session: AsyncSession, keys: Sequence[LevelKey]) -> dict[LevelKey, int]:
    """The ids of these stock levels, the missing ones created empty: two statements however
    many there are (one multi-row insert that skips those that exist, one read)."""
    wanted = sorted(set(keys), key=lambda k: (k.location_id, k.batch_id, k.ownership.value))
    if not wanted:
        return {}
    now = utcnow()
    rows = [
        {
            "location_id": k.location_id,
            "product_id": k.product_id,
            "batch_id": k.batch_id,
            "ownership": k.ownership.value,
            "on_hand": 0,
            "reserved": 0,
            "updated_at": now,
        }
        for k in wanted
    ]
    insert = insert_for(session)
    stmt = insert(LEVEL).on_conflict_do_nothing(index_elements=["location_id", "batch_id", "ownership"])
    await session.execute(stmt, rows)  # executemany: one compiled statement
    found = await session.execute(
        sa.select(LEVEL.c.id, LEVEL.c.location_id, LEVEL.c.batch_id, LEVEL.c.ownership).where(
            sa.tuple_(LEVEL.c.location_id, LEVEL.c.batch_id, LEVEL.c.ownership).in_(
                [(k.location_id, k.batch_id, k.ownership.value) for k in wanted]
            )
        )
    )
    ids = {(row.location_id, row.batch_id, str(row.ownership)): int(row.id) for row in found}
    return {k: ids[(k.location_id, k.batch_id, k.ownership.value)] for k in wanted}


async def lock(session: AsyncSession, level_ids: Sequence[int]) -> dict[int, sa.Row[Any]]:
    """Lock these levels in id order (no deadlocks between two writers) and read them."""
    if not level_ids:
        return {}
    stmt = sa.select(LEVEL).where(LEVEL.c.id.in_(sorted(set(level_ids)))).order_by(LEVEL.c.id)
    if dialect_of(session) == "postgresql":
        stmt = stmt.with_for_update()
    return {row.id: row for row in (await session.execute(stmt)).all()}


def _averaged_cost(unit_cost: int, quantity: int) -> sa.ColumnElement[Any]:
    """The weighted average of what is there and what comes in, rounded down to the đồng."""
    cost, on_hand = LEVEL.c.unit_cost_vnd, LEVEL.c.on_hand
    return sa.case(
        (sa.or_(cost.is_(None), on_hand == 0), sa.literal(unit_cost, sa.BigInteger)),
        else_=(cost * on_hand + unit_cost * quantity) // (on_hand + quantity),
    )


async def _apply(session: AsyncSession, change: Change) -> Applied | None:
    """The conditional update for one change; None if it would not fit."""
    on_hand, reserved = LEVEL.c.on_hand, LEVEL.c.reserved
    stmt = sa.update(LEVEL).where(LEVEL.c.id == change.level_id)
    # What must be true before: never below zero, never more reserved than on hand.
    if change.quantity < 0 and change.reserved == 0:
        stmt = stmt.where(on_hand - reserved >= -change.quantity)
    elif change.reserved > 0:
        stmt = stmt.where(on_hand - reserved >= change.reserved)
    elif change.reserved < 0:
        stmt = stmt.where(reserved >= -change.reserved, on_hand >= -change.quantity)
    if change.quantity > 0:
        stmt = stmt.where(on_hand <= MAX_ON_HAND - change.quantity)  # computed here: no overflow
    values: dict[str, Any] = {"on_hand": on_hand + change.quantity, "reserved": reserved + change.reserved}
    if change.agreement:
        values["unit_cost_vnd"], values["commission_bp"] = change.unit_cost, change.commission_bp
    elif change.quantity > 0 and change.unit_cost is not None:
        values["unit_cost_vnd"] = _averaged_cost(change.unit_cost, change.quantity)
    stmt = stmt.values(**values, updated_at=utcnow()).returning(*RETURNED)
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else applied_row(row)


async def apply(
    session: AsyncSession, changes: Sequence[Change], entry: Entry, *, locked: bool = False
) -> list[int]:
    """Apply every change and write its movement; raises InsufficientStock on the first that
    does not fit (the caller's transaction then rolls back, so it is all or nothing).
    ``locked``: the caller holds these levels' row locks already, taken in id order
    (``picking.candidates`` does). Returns the balance (on hand) after each change."""
    applied: list[Applied] = []
    if len(changes) > 1 and dialect_of(session) == "postgresql" and not locked:
        # Row locks in id order before any update: two documents touching the same levels
        # in another order would otherwise deadlock.
        await lock(session, [c.level_id for c in changes])
    if ledger_postgres.can_batch_outgoing(session, changes):
        balances = await ledger_postgres.apply_outgoing(session, changes, entry)  # and their movements
    elif ledger_postgres.can_batch_reserving(session, changes):
        balances = await ledger_postgres.apply_reserving(session, changes, entry)  # and their movements
    else:
        if ledger_postgres.can_batch_incoming(session, changes):
            applied = await ledger_postgres.apply_incoming(session, changes)
        else:
            for change in changes:
                done = await _apply(session, change)
                if done is None:
                    await raise_refused(session, change)
                applied.append(done)
        await _record(session, changes, applied, entry)
        balances = [a.on_hand for a in applied]
    if any(c.quantity != c.reserved for c in changes):  # units available came or went
        cache.stock_changed(session)
    return balances


async def _record(
    session: AsyncSession, changes: Sequence[Change], applied: Sequence[Applied], entry: Entry
) -> None:
    """Write the movement rows of changes just applied, in one statement."""
    if not changes:
        return
    rows = [
        {
            "stock_level_id": change.level_id,
            "location_id": done.location_id,
            "product_id": done.product_id,
            "kind": change.kind.value,
            "quantity": change.quantity,
            "reserved_change": change.reserved,
            "on_hand_after": done.on_hand,
            "unit_value_vnd": _unit_value(change, done),
            "commission_bp": done.commission_bp,
            "ownership": done.ownership,
            "document_kind": entry.document_kind.value if entry.document_kind else None,
            "document_id": entry.document_id,
            "reason": change.reason or entry.reason,
            "user_id": entry.user_id,
            "at": entry.at,
        }
        for change, done in zip(changes, applied, strict=True)
    ]
    await session.execute(sa.insert(MOVEMENT), rows)


def _unit_value(change: Change, done: Applied) -> int | None:
    """What a unit is worth on this movement: the caller's figure, else for goods leaving,
    the level's agreed price or cost as it was (an online order's units, for one)."""
    if change.unit_value is not None or change.quantity >= 0:
        return change.unit_value
    return done.unit_cost
