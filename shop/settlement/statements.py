"""A producer's monthly statement: prepared (and prepared again) as a draft from its
sources, approved by the office once the month is over, then marked paid.

Each step is a conditional update of the statement's status, so two clicks, or the office
and a refresh racing, change it once; anything else is a 409 naming the allowed next state.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import today
from shop.db import dialect_of, insert_for
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory.models import DocumentKind, Movement, MovementKind, Ownership
from shop.orders.models import OrderEvent, OrderLine
from shop.payments.models import PaymentRefund
from shop.settlement import sources
from shop.settlement.lines import Line, month_bounds
from shop.settlement.models import NEXT, LineKind, Statement, StatementLine, StatementStatus

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: StatementStatus, wanted: StatementStatus) -> None:
        allowed = [s.value for s in NEXT[current]]
        super().__init__(
            N_("A {current} statement cannot become {wanted}; it can become: {allowed}."),
            errors=[{"field": "status", "current": current.value, "allowed": allowed}],
            current=current.value,
            wanted=wanted.value,
            allowed=", ".join(allowed) or "-",
        )


def parse_month(text: str, field: str = "month") -> dt.date:
    """``YYYY-MM`` → its first day; a month still to come is refused."""
    match = MONTH.match(text.strip())
    if match is None:
        raise InvalidInput(errors=[field_error(field, N_("Give a month as YYYY-MM, e.g. 2026-11."))])
    month = dt.date(int(match[1]), int(match[2]), 1)
    if month > today().replace(day=1):
        raise InvalidInput(errors=[field_error(field, N_("That month has not begun."))])
    return month


def month_text(month: dt.date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def month_is_over(month: dt.date) -> bool:
    return month < today().replace(day=1)


def rate_of(producer: Producer, default_bp: int) -> int:
    return producer.commission_rate_bp if producer.commission_rate_bp is not None else default_bp


async def find(session: AsyncSession, producer: Producer, month: dt.date, *, lock: bool = False) -> Statement:
    """The month's statement (``lock``: its row locked on PostgreSQL; SQLite's write
    transactions hold the database already)."""
    stmt = sa.select(Statement).where(Statement.producer_id == producer.id, Statement.month == month)
    if lock and dialect_of(session) == "postgresql":
        stmt = stmt.with_for_update().execution_options(populate_existing=True)  # read again, locked
    found = await session.scalar(stmt)
    if found is None:
        raise NotFound(
            N_("No statement for {producer} in {month}."),
            error_code="statement_not_found",
            producer=producer.code,
            month=month_text(month),
        )
    return found


async def lines_of(session: AsyncSession, statement: Statement) -> list[StatementLine]:
    stmt = (
        sa.select(StatementLine).where(StatementLine.statement_id == statement.id).order_by(StatementLine.id)
    )
    return list(await session.scalars(stmt))


async def _draft(session: AsyncSession, producer: Producer, month: dt.date, rate_bp: int) -> Statement:
    """The month's statement, created as an empty draft the first time (twins meet at the
    unique key: the loser reads the winner's)."""
    insert = (
        insert_for(session)(Statement)
        .values(
            producer_id=producer.id, month=month, status=StatementStatus.draft, commission_rate_bp=rate_bp
        )
        .on_conflict_do_nothing(index_elements=["producer_id", "month"])
    )
    await session.execute(insert)
    return await find(session, producer, month, lock=True)


def _totals(lines: Sequence[Line]) -> dict[str, int]:
    def amount(*kinds: LineKind) -> int:
        return sum(line.amount for line in lines if line.kind in kinds)

    return {
        "consignment_sales_vnd": amount(LineKind.consignment_sale),
        "consignment_returns_vnd": amount(LineKind.consignment_return),
        "online_sales_vnd": amount(LineKind.online_sale),
        "refunds_vnd": amount(LineKind.online_refund),
        "commission_vnd": sum(line.commission for line in lines),
        "shipping_fees_vnd": amount(LineKind.shipping_fee),
        "cash_collected_vnd": amount(LineKind.cash_collected),
        "amount_due_vnd": sum(line.due for line in lines),
    }


async def _settled_elsewhere(session: AsyncSession, statement: Statement, keys: list[str]) -> set[str]:
    """Sources already on another statement (never settle one twice)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        stmt = sa.select(StatementLine.source).where(
            StatementLine.source.in_(keys[i : i + 500]), StatementLine.statement_id != statement.id
        )
        found.update(await session.scalars(stmt))
    return found


async def prepare(session: AsyncSession, producer: Producer, month: dt.date, *, default_bp: int) -> Statement:
    """Computes the month's draft again from its sources (creating it the first time).
    An approved or paid statement stays as it was agreed: 409."""
    rate = rate_of(producer, default_bp)
    statement = await _draft(session, producer, month, rate)
    if statement.status != StatementStatus.draft:
        raise Conflict(
            N_("The statement for {month} is {status}: it is no longer recomputed."),
            error_code="statement_closed",
            month=month_text(month),
            status=statement.status.value,
        )
    found = await sources.month_lines(session, producer.id, month, rate_bp=rate)
    taken = await _settled_elsewhere(session, statement, [line.source for line in found])
    lines = [line for line in found if line.source not in taken]
    await session.execute(sa.delete(StatementLine).where(StatementLine.statement_id == statement.id))
    if lines:
        await session.execute(
            sa.insert(StatementLine),
            [
                {
                    "statement_id": statement.id,
                    "kind": line.kind,
                    "source": line.source,
                    "at": line.at,
                    "location_id": line.location_id,
                    "product_id": line.product_id,
                    "reference": line.reference,
                    "quantity": line.quantity,
                    "amount_vnd": line.amount,
                    "unit_cost_vnd": line.unit_cost,
                    "commission_bp": line.commission_bp,
                    "commission_vnd": line.commission,
                    "due_vnd": line.due,
                }
                for line in lines
            ],
        )
    await session.execute(
        sa.update(Statement)
        .where(Statement.id == statement.id)
        .values(commission_rate_bp=rate, computed_at=utcnow(), **_totals(lines))
    )
    await session.refresh(statement)
    return statement


async def _move(
    session: AsyncSession, statement: Statement, to: StatementStatus, **values: object
) -> Statement:
    if to not in NEXT[statement.status]:
        raise IllegalTransition(statement.status, to)
    moved = await session.execute(
        sa.update(Statement)
        .where(Statement.id == statement.id, Statement.status == statement.status)
        .values(status=to, **values)
        .returning(Statement.id)
    )
    if moved.first() is None:  # someone else moved it first
        await session.refresh(statement)
        raise IllegalTransition(statement.status, to)
    await session.refresh(statement)
    return statement


async def approve(
    session: AsyncSession, producer: Producer, month: dt.date, user: CurrentUser, *, default_bp: int
) -> Statement:
    """The office agrees the figures, computed one last time, once the month is over."""
    statement = await find(session, producer, month)
    if statement.status != StatementStatus.draft:
        raise IllegalTransition(statement.status, StatementStatus.approved)
    if not month_is_over(month):
        raise Conflict(
            N_("{month} is not over yet: its statement can be approved from the 1st of next month."),
            error_code="month_not_over",
            month=month_text(month),
        )
    statement = await prepare(session, producer, month, default_bp=default_bp)
    return await _move(
        session, statement, StatementStatus.approved, approved_at=utcnow(), approved_by=user.id
    )


async def pay(
    session: AsyncSession, producer: Producer, month: dt.date, user: CurrentUser, reference: str
) -> Statement:
    """The amount due was paid (or, when negative, received), with its bank reference."""
    reference = reference.strip()
    if not 1 <= len(reference) <= 100:
        raise InvalidInput(errors=[field_error("reference", N_("Give the payment's bank reference."))])
    statement = await find(session, producer, month)
    return await _move(
        session,
        statement,
        StatementStatus.paid,
        paid_at=utcnow(),
        paid_by=user.id,
        payment_reference=reference,
    )


async def active_producers(session: AsyncSession, month: dt.date) -> list[int]:
    """Producers with anything to settle in the month: consigned goods sold or returned at
    a sales point, or their order lines delivered or refunded."""
    start, end = month_bounds(month)
    consigned = (
        sa.select(Product.producer_id)
        .join(Movement, Movement.product_id == Product.id)
        .where(
            Movement.kind.in_([MovementKind.sale, MovementKind.customer_return]),
            Movement.document_kind.in_([DocumentKind.sale, DocumentKind.sale_return]),  # the till's
            Movement.ownership == Ownership.consigned,
            Movement.at >= start,
            Movement.at < end,
        )
    )
    delivered = (
        sa.select(OrderLine.producer_id)
        .join(OrderEvent, OrderEvent.fulfilment_id == OrderLine.fulfilment_id)
        .where(OrderEvent.kind == sources.DELIVERED_EVENT, OrderEvent.at >= start, OrderEvent.at < end)
    )
    refunded = (
        sa.select(OrderLine.producer_id)
        .join(PaymentRefund, PaymentRefund.key == sa.literal("line:") + sa.cast(OrderLine.id, sa.String))
        .where(PaymentRefund.created_at >= start, PaymentRefund.created_at < end)
    )
    found = await session.scalars(sa.union(consigned, delivered, refunded))
    return sorted(found)


async def prepare_month(session: AsyncSession, month: dt.date, *, default_bp: int) -> list[Statement]:
    """Every active producer's draft for the month (approved ones are left as they are)."""
    out = []
    for producer_id in await active_producers(session, month):
        producer = await session.get(Producer, producer_id)
        assert producer is not None
        existing = await session.scalar(
            sa.select(Statement.status).where(Statement.producer_id == producer_id, Statement.month == month)
        )
        if existing in (None, StatementStatus.draft):
            out.append(await prepare(session, producer, month, default_bp=default_bp))
    return out
