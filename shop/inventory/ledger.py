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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache
from shop.db import dialect_of, insert_for, unnest
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput
from shop.i18n import N_
from shop.inventory.models import DocumentKind, Movement, MovementKind, Ownership, StockLevel

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


@dataclass(frozen=True)
class Applied:
    """What a conditional update returned: the level's new balance and its key."""

    on_hand: int
    location_id: int
    product_id: int
    ownership: str
    unit_cost: int | None = None  # the level's terms after the change
    commission_bp: int | None = None


_RETURNED = (
    LEVEL.c.on_hand,
    LEVEL.c.location_id,
    LEVEL.c.product_id,
    LEVEL.c.ownership,
    LEVEL.c.unit_cost_vnd,
    LEVEL.c.commission_bp,
)


def _applied(row: Sequence[Any]) -> Applied:
    on_hand, location_id, product_id, ownership, unit_cost, commission_bp = row
    return Applied(int(on_hand), int(location_id), int(product_id), str(ownership), unit_cost, commission_bp)


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
    stmt = stmt.values(**values, updated_at=utcnow()).returning(*_RETURNED)
    row = (await session.execute(stmt)).one_or_none()
    return None if row is None else _applied(row)


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
    if _can_batch_outgoing(session, changes):
        balances = await _apply_outgoing(session, changes, entry)  # and their movements
    else:
        if _can_batch(session, changes):
            applied = await _apply_incoming(session, changes)
        else:
            for change in changes:
                done = await _apply(session, change)
                if done is None:
                    await _raise_refused(session, change)
                applied.append(done)
        await _record(session, changes, applied, entry)
        balances = [a.on_hand for a in applied]
    if any(c.quantity != c.reserved for c in changes):  # units available came or went
        cache.stock_changed(session)
    return balances


def _can_batch(session: AsyncSession, changes: Sequence[Change]) -> bool:
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


async def _apply_incoming(session: AsyncSession, changes: Sequence[Change]) -> list[Applied]:
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
        .returning(LEVEL.c.id, *_RETURNED)
    )
    params = {
        "level_ids": [c.level_id for c in changes],
        "quantities": [c.quantity for c in changes],
        "unit_costs": [c.unit_cost for c in changes],
        "commissions": [c.commission_bp for c in changes],
        "agreements": [c.agreement for c in changes],
    }
    result = await session.execute(stmt, params)
    rows = {int(r[0]): _applied(r[1:]) for r in result}
    for change in changes:
        if change.level_id not in rows:
            await _raise_refused(session, change)
    return [rows[c.level_id] for c in changes]


def _can_batch_outgoing(session: AsyncSession, changes: Sequence[Change]) -> bool:
    """Goods only leaving what is free (a sale), each level once: one statement does them
    all and writes their movements (below). PostgreSQL only, as above; one change too (a
    one-line sale), which needs no lock taken first."""
    return (
        len(changes) > 0
        and dialect_of(session) == "postgresql"
        and all(c.quantity < 0 and c.reserved == 0 for c in changes)
        and len({c.level_id for c in changes}) == len(changes)
    )


def _outgoing_statement() -> sa.Insert:
    """``WITH moved AS (UPDATE … FROM unnest(…) RETURNING …) INSERT INTO stock_movement
    SELECT … FROM moved``: each level's conditional update (never below what is reserved),
    and the movement of each row it changed, from the balance it returned, in one round
    trip. A row that does not fit is neither changed nor recorded, and is refused (the
    caller's transaction then rolls back the others). Built once, run with parameters."""
    outgoing = unnest(
        "outgoing",
        "n",
        level_id=("level_ids", sa.Integer),
        quantity=("quantities", sa.Integer),  # units leaving: positive
        kind=("kinds", sa.String),
        unit_value=("unit_values", sa.BigInteger),
        reason=("reasons", sa.String),
    )
    on_hand, reserved, q = LEVEL.c.on_hand, LEVEL.c.reserved, outgoing.c.quantity
    moved = (
        sa.update(LEVEL)
        .where(LEVEL.c.id == outgoing.c.level_id, on_hand - reserved >= q)
        .values(on_hand=on_hand - q, updated_at=sa.bindparam("now", type_=LEVEL.c.updated_at.type))
        .returning(
            LEVEL.c.id,
            LEVEL.c.on_hand,
            LEVEL.c.location_id,
            LEVEL.c.product_id,
            LEVEL.c.ownership,
            LEVEL.c.unit_cost_vnd,
            LEVEL.c.commission_bp,
            outgoing.c.kind,
            outgoing.c.quantity,
            outgoing.c.unit_value,
            outgoing.c.reason,
            outgoing.c.n,
        )
        .cte("moved")
    )
    m = moved.c
    rows = sa.select(
        m.id,
        m.location_id,
        m.product_id,
        m.kind,
        -m.quantity,
        sa.literal_column("0"),
        m.on_hand,
        sa.func.coalesce(m.unit_value, m.unit_cost_vnd),  # as ``_unit_value`` for goods leaving
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


_OUTGOING = _outgoing_statement()


async def _apply_outgoing(session: AsyncSession, changes: Sequence[Change], entry: Entry) -> list[int]:
    params = {
        "level_ids": [c.level_id for c in changes],
        "quantities": [-c.quantity for c in changes],
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
    balances = {int(level_id): int(after) for level_id, after in await session.execute(_OUTGOING, params)}
    for change in changes:
        if change.level_id not in balances:
            await _raise_refused(session, change)
    return [balances[c.level_id] for c in changes]


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


async def _raise_refused(session: AsyncSession, change: Change) -> NoReturn:
    """Raise why a change did not fit: too much stock coming in, else InsufficientStock with
    what is available now."""
    row = (await session.execute(sa.select(LEVEL).where(LEVEL.c.id == change.level_id))).one()
    if change.quantity > 0 and row.on_hand > MAX_ON_HAND - change.quantity:
        raise TooMuchStock(product_id=row.product_id, on_hand=row.on_hand, adding=change.quantity)
    wanted = change.reserved if change.reserved > 0 else -change.quantity
    raise InsufficientStock(product_id=row.product_id, requested=wanted, available=row.on_hand - row.reserved)
