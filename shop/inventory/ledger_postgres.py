"""The ledger's PostgreSQL statements: a whole document's changes in one round trip.

On PostgreSQL a statement costs a round trip, so a receipt's lines (goods only coming in)
and a sale's lines (goods only leaving) are each applied by one statement over array
parameters (``shop.db.unnest``) instead of one update per line. ``shop.inventory.ledger``
decides when they apply (``can_batch_incoming``, ``can_batch_outgoing``,
``can_batch_reserving``) and falls back to its generic path otherwise; SQLite always takes
that path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of, unnest
from shop.db_types import utcnow
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


def can_batch_incoming(session: AsyncSession, changes: Sequence[Change]) -> bool:
    """Goods only coming in, each level once: one UPDATE … FROM (VALUES …) does them all.

    Nothing can fall below zero when stock only comes in, so no condition is lost. PostgreSQL
    only (SQLite names VALUES columns column1…, and its statements cost no round trip)."""
    return (
        len(changes) > 1
        and dialect_of(session) == "postgresql"
        and all(c.quantity > 0 and c.reserved == 0 for c in changes)
        and len({c.level_id for c in changes}) == len(changes)
    )


def _incoming_rows() -> Any:
    """The changes as a table, from array parameters: a statement compiled once, however
    many lines."""
    return unnest(
        "incoming",
        level_id=("level_ids", sa.Integer),
        quantity=("quantities", sa.Integer),
        unit_cost=("unit_costs", sa.BigInteger),
        commission_bp=("commissions", sa.Integer),
        agreement=("agreements", sa.Boolean),
    )


async def apply_incoming(session: AsyncSession, changes: Sequence[Change]) -> list[Applied]:
    incoming = _incoming_rows()
    cost, on_hand, q = LEVEL.c.unit_cost_vnd, LEVEL.c.on_hand, incoming.c.quantity
    new_cost = incoming.c.unit_cost
    averaged = sa.case(
        (incoming.c.agreement, new_cost),
        (new_cost.is_(None), cost),
        (sa.or_(cost.is_(None), on_hand == 0), new_cost),
        else_=(cost * on_hand + new_cost * q) // (on_hand + q),
    )
    commission = sa.case((incoming.c.agreement, incoming.c.commission_bp), else_=LEVEL.c.commission_bp)
    stmt = (
        sa.update(LEVEL)
        .where(LEVEL.c.id == incoming.c.level_id, on_hand <= MAX_ON_HAND - q)
        .values(
            on_hand=on_hand + q,
            unit_cost_vnd=averaged,
            commission_bp=commission,
            updated_at=utcnow(),
        )
        .returning(LEVEL.c.id, *RETURNED)
    )
    params = {
        "level_ids": [c.level_id for c in changes],
        "quantities": [c.quantity for c in changes],
        "unit_costs": [c.unit_cost for c in changes],
        "commissions": [c.commission_bp for c in changes],
        "agreements": [c.agreement for c in changes],
    }
    result = await session.execute(stmt, params)
    rows = {int(r[0]): applied_row(r[1:]) for r in result}
    for change in changes:
        if change.level_id not in rows:
            await raise_refused(session, change)
    return [rows[c.level_id] for c in changes]


def can_batch_outgoing(session: AsyncSession, changes: Sequence[Change]) -> bool:
    """Goods only leaving what is free (a sale), each level once: one statement does them
    all and writes their movements (below). PostgreSQL only, as above; one change too (a
    one-line sale), which needs no lock taken first."""
    return _can_batch(session, changes, lambda c: c.quantity < 0 and c.reserved == 0)


def can_batch_reserving(session: AsyncSession, changes: Sequence[Change]) -> bool:
    """Units only set aside from what is free (an online order's reservation), each level
    once: the same one statement, which raises what is reserved instead of lowering what is
    on hand."""
    return _can_batch(session, changes, lambda c: c.quantity == 0 and c.reserved > 0)


def _can_batch(session: AsyncSession, changes: Sequence[Change], each: Callable[[Change], bool]) -> bool:
    return (
        len(changes) > 0
        and dialect_of(session) == "postgresql"
        and all(each(c) for c in changes)
        and len({c.level_id for c in changes}) == len(changes)
    )


def _taking_statement(reserving: bool) -> sa.Insert:
    """``WITH moved AS (UPDATE … FROM unnest(…) RETURNING …) INSERT INTO stock_movement
    SELECT … FROM moved``: each level's conditional update (never below what is reserved),
    and the movement of each row it changed, from the balance it returned, in one round
    trip. A row that does not fit is neither changed nor recorded, and is refused (the
    caller's transaction then rolls back the others). Goods leaving lower what is on hand;
    with ``reserving``, what is reserved rises instead (the movement says so, with no
    value: no unit has left). Built once, run with parameters."""
    taken = unnest(
        "taken",
        "n",
        level_id=("level_ids", sa.Integer),
        quantity=("quantities", sa.Integer),  # units leaving or set aside: positive
        kind=("kinds", sa.String),
        unit_value=("unit_values", sa.BigInteger),
        reason=("reasons", sa.String),
    )
    on_hand, reserved, q = LEVEL.c.on_hand, LEVEL.c.reserved, taken.c.quantity
    now = sa.bindparam("now", type_=LEVEL.c.updated_at.type)
    changed = {"reserved": reserved + q} if reserving else {"on_hand": on_hand - q}
    moved = (
        sa.update(LEVEL)
        .where(LEVEL.c.id == taken.c.level_id, on_hand - reserved >= q)
        .values(**changed, updated_at=now)
        .returning(
            LEVEL.c.id,
            LEVEL.c.on_hand,
            LEVEL.c.location_id,
            LEVEL.c.product_id,
            LEVEL.c.ownership,
            LEVEL.c.unit_cost_vnd,
            LEVEL.c.commission_bp,
            taken.c.kind,
            taken.c.quantity,
            taken.c.unit_value,
            taken.c.reason,
            taken.c.n,
        )
        .cte("moved")
    )
    m = moved.c
    zero: sa.ColumnElement[Any] = sa.literal_column("0")
    rows = sa.select(
        m.id,
        m.location_id,
        m.product_id,
        m.kind,
        zero if reserving else -m.quantity,
        m.quantity if reserving else zero,
        m.on_hand,
        # as ``ledger._unit_value``: the caller's figure; for goods leaving, else their cost
        m.unit_value if reserving else sa.func.coalesce(m.unit_value, m.unit_cost_vnd),
        m.commission_bp,
        m.ownership,
        sa.bindparam("document_kind", type_=sa.String),
        sa.bindparam("document_id", type_=sa.BigInteger),
        sa.func.coalesce(m.reason, sa.bindparam("reason", type_=sa.String)),
        sa.bindparam("user_id", type_=sa.Integer),
        sa.bindparam("at", type_=MOVEMENT.c.at.type),
    ).order_by(m.n)  # the movements numbered in the changes' order, as one by one
    columns = [
        "stock_level_id",
        "location_id",
        "product_id",
        "kind",
        "quantity",
        "reserved_change",
        "on_hand_after",
        "unit_value_vnd",
        "commission_bp",
        "ownership",
        "document_kind",
        "document_id",
        "reason",
        "user_id",
        "at",
    ]
    return (
        sa.insert(MOVEMENT)
        .from_select(columns, rows)
        .returning(MOVEMENT.c.stock_level_id, MOVEMENT.c.on_hand_after)
    )


_OUTGOING = _taking_statement(reserving=False)
_RESERVING = _taking_statement(reserving=True)


async def apply_outgoing(session: AsyncSession, changes: Sequence[Change], entry: Entry) -> list[int]:
    """Goods leaving (``can_batch_outgoing``): the balance on hand after each change."""
    return await _take(session, _OUTGOING, changes, [-c.quantity for c in changes], entry)


async def apply_reserving(session: AsyncSession, changes: Sequence[Change], entry: Entry) -> list[int]:
    """Units set aside (``can_batch_reserving``): the balance on hand after each change."""
    return await _take(session, _RESERVING, changes, [c.reserved for c in changes], entry)


async def _take(
    session: AsyncSession, stmt: sa.Insert, changes: Sequence[Change], quantities: list[int], entry: Entry
) -> list[int]:
    params = {
        "level_ids": [c.level_id for c in changes],
        "quantities": quantities,
        "kinds": [c.kind.value for c in changes],
        "unit_values": [c.unit_value for c in changes],
        "reasons": [c.reason for c in changes],
        "now": utcnow(),
        "document_kind": entry.document_kind.value if entry.document_kind else None,
        "document_id": entry.document_id,
        "reason": entry.reason,
        "user_id": entry.user_id,
        "at": entry.at,
    }
    balances = {int(level_id): int(after) for level_id, after in await session.execute(stmt, params)}
    for change in changes:
        if change.level_id not in balances:
            await raise_refused(session, change)
    return [balances[c.level_id] for c in changes]
