"""The lines of a producer's month, read from where the money and the goods were recorded.

- Consigned goods sold at a sales point: the till's ``sale`` rows of the stock ledger on a
  consigned level, priced from the sale line they belong to (its total spread over its
  units, as returns do); and pickups of online orders served from consigned stock.
- Consigned goods a customer brought back: the ledger's ``customer_return`` rows, at what
  the return refunded.
- Online sales: the committed holds of the order lines a delivered parcel carried from the
  producer's own warehouse, at the order's prices.
- Refunds of the producer's order lines (rejected or cancelled after payment), shown only.
- The producer's parcels: the delivery fee of the parcel that carried it, and the cash on
  delivery its courier collected (already in the producer's hands).

A month is Vietnam's calendar month, and a row belongs to the month it was recorded in
(the ledger's time, not a till's clock): a late-synced sale lands in an open month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from shop.catalog.models import Product
from shop.inventory.models import (
    DocumentKind,
    Location,
    LocationKind,
    Movement,
    MovementKind,
    Ownership,
    StockLevel,
)
from shop.orders.models import (
    Fulfilment,
    FulfilmentStatus,
    HoldState,
    LineStatus,
    Order,
    OrderEvent,
    OrderHold,
    OrderLine,
)
from shop.payments.models import PaymentRefund, RefundStatus
from shop.settlement.lines import Line, Terms, month_bounds, priced, share
from shop.settlement.models import LineKind
from shop.till.models import ReturnLine, Sale, SaleLine
from shop.till.numbering import receipt_number

DELIVERED_EVENT = "fulfilment_" + FulfilmentStatus.delivered.value


@dataclass(frozen=True)
class _Take:
    """One ledger row of a document: units of one product from one stock level."""

    movement_id: int
    at: dt.datetime
    location_id: int
    product_id: int
    units: int
    ownership: Ownership
    terms: Terms


@dataclass(frozen=True)
class _Slice:
    """Units of one ledger row that one document line accounts for."""

    take: _Take
    line_id: int
    money: int  # what these units are worth of the line's total

    @property
    def source(self) -> str:
        return f"movement:{self.take.movement_id}:{self.line_id}"


def _slices(takes: Sequence[_Take], lines: Sequence[tuple[int, int, int]]) -> Iterator[tuple[_Slice, int]]:
    """Walks the ledger rows and the lines (id, units, total) of one document and product
    together, both in their order, and yields each overlap with its units. The line's
    total is spread over its units (floor of the running share), so slices add up to it."""
    pending = iter(lines)
    current = next(pending, None)
    used = 0
    for take in takes:
        left = take.units
        while left and current is not None:
            line_id, units, total = current
            n = min(left, units - used)
            yield _Slice(take, line_id, share(total, units, used + n) - share(total, units, used)), n
            used, left = used + n, left - n
            if used == units:
                current, used = next(pending, None), 0


async def _takes(
    session: AsyncSession,
    producer_id: int,
    kind: MovementKind,
    document: DocumentKind,
    start: dt.datetime,
    end: dt.datetime,
) -> dict[tuple[int, int], list[_Take]]:
    """The producer's ledger rows of one kind in the month, by (document, product), in order."""
    stmt = (
        sa.select(
            Movement.id,
            Movement.at,
            Movement.location_id,
            Movement.product_id,
            Movement.quantity,
            Movement.ownership,
            Movement.document_id,
            Movement.unit_value_vnd,
            # The rate the ledger row kept (rows older than migration 0011: the level's).
            sa.func.coalesce(Movement.commission_bp, StockLevel.commission_bp),
        )
        .join(Product, Product.id == Movement.product_id)
        .join(StockLevel, StockLevel.id == Movement.stock_level_id)
        .where(
            Product.producer_id == producer_id,
            Movement.kind == kind,
            Movement.document_kind == document,
            Movement.at >= start,
            Movement.at < end,
        )
        .order_by(Movement.id)
    )
    takes: dict[tuple[int, int], list[_Take]] = defaultdict(list)
    for mid, at, loc, pid, qty, own, doc, value, bp in await session.execute(stmt):
        # The agreed price as it was when the goods left (the ledger row keeps it; a later
        # receipt may change the level's); a level on commission has none, and the rate the
        # row kept (a rate changed mid-month reprices nothing sold before).
        terms = Terms(value, None) if value is not None else Terms(None, bp)
        takes[(doc or 0, pid)].append(_Take(mid, at, loc, pid, abs(qty), own, terms))
    return takes


async def _receipt_numbers(session: AsyncSession, sale_ids: set[int]) -> dict[int, str]:
    stmt = (
        sa.select(Sale.id, Location.code, Sale.number)
        .join(Location, Location.id == Sale.location_id)
        .where(Sale.id.in_(sale_ids))
    )
    return {sid: receipt_number(code, n) for sid, code, n in await session.execute(stmt)}


def _consigned(
    kind: LineKind,
    takes: dict[tuple[int, int], list[_Take]],
    lines: dict[tuple[int, int], list[tuple[int, int, int]]],
    references: dict[int, str],
    fallback_bp: int,
    sign: int,
) -> list[Line]:
    out = []
    for (doc, pid), group in takes.items():
        for piece, n in _slices(group, lines.get((doc, pid), [])):
            if piece.take.ownership != Ownership.consigned:
                continue  # the sales point's own goods: paid for when they were bought
            base = Line(
                kind,
                piece.source,
                piece.take.at,
                references.get(doc, ""),
                0,
                0,
                location_id=piece.take.location_id,
                product_id=pid,
            )
            out.append(priced(kind, sign * piece.money, sign * n, piece.take.terms, fallback_bp, base))
    return out


async def till_sales(
    session: AsyncSession, producer_id: int, start: dt.datetime, end: dt.datetime, fallback_bp: int
) -> list[Line]:
    takes = await _takes(session, producer_id, MovementKind.sale, DocumentKind.sale, start, end)
    if not takes:
        return []
    sale_ids = {doc for doc, _ in takes}
    lines: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    stmt = (
        sa.select(SaleLine.sale_id, SaleLine.product_id, SaleLine.id, SaleLine.quantity, SaleLine.total_vnd)
        .where(SaleLine.sale_id.in_(sale_ids))
        .order_by(SaleLine.sale_id, SaleLine.line_no)
    )
    for sale_id, pid, lid, qty, total in await session.execute(stmt):
        lines[(sale_id, pid)].append((lid, qty, total))
    numbers = await _receipt_numbers(session, sale_ids)
    return _consigned(LineKind.consignment_sale, takes, lines, numbers, fallback_bp, 1)


async def till_returns(
    session: AsyncSession, producer_id: int, start: dt.datetime, end: dt.datetime, fallback_bp: int
) -> list[Line]:
    takes = await _takes(
        session, producer_id, MovementKind.customer_return, DocumentKind.sale_return, start, end
    )
    if not takes:
        return []
    return_ids = {doc for doc, _ in takes}
    lines: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
    sales: dict[int, int] = {}
    stmt = (
        sa.select(
            ReturnLine.return_id,
            SaleLine.product_id,
            ReturnLine.id,
            ReturnLine.quantity,
            ReturnLine.amount_vnd,
            SaleLine.sale_id,
        )
        .join(SaleLine, SaleLine.id == ReturnLine.sale_line_id)
        .where(ReturnLine.return_id.in_(return_ids))
        .order_by(ReturnLine.return_id, ReturnLine.id)
    )
    for return_id, pid, lid, qty, amount, sale_id in await session.execute(stmt):
        lines[(return_id, pid)].append((lid, qty, amount))
        sales[return_id] = sale_id
    numbers = await _receipt_numbers(session, set(sales.values()))
    references = {rid: numbers.get(sid, "") for rid, sid in sales.items()}
    return _consigned(LineKind.consignment_return, takes, lines, references, fallback_bp, -1)


def _delivered(start: dt.datetime, end: dt.datetime) -> sa.Subquery:
    """The parcels delivered in the month, with when."""
    return (
        sa.select(OrderEvent.fulfilment_id, sa.func.min(OrderEvent.at).label("at"))
        .where(OrderEvent.kind == DELIVERED_EVENT, OrderEvent.at >= start, OrderEvent.at < end)
        .group_by(OrderEvent.fulfilment_id)
        .subquery()
    )


def _sold_under(kept: QueryableAttribute[Any], level: QueryableAttribute[Any]) -> sa.ColumnElement[Any]:
    """A term of a hold's units as the ledger row that sent them kept it (the order's online
    sale from that level), else the level's now (rows older than migration 0011)."""
    row = (
        sa.select(kept)
        .where(
            Movement.kind == MovementKind.online_sale,
            Movement.document_kind == DocumentKind.order,
            Movement.document_id == Order.id,
            Movement.stock_level_id == OrderHold.level_id,
        )
        .order_by(Movement.id)
        .limit(1)
        .scalar_subquery()
    )
    return sa.func.coalesce(row, level)


async def online_sales(
    session: AsyncSession, producer_id: int, start: dt.datetime, end: dt.datetime, rate_bp: int
) -> list[Line]:
    """Delivered order lines: from the producer's warehouse at its online rate; from a sales
    point's consigned stock (a pickup) under that stock's agreement."""
    delivered = _delivered(start, end)
    stmt = (
        sa.select(
            OrderHold.id,
            OrderHold.quantity,
            OrderLine.id,
            OrderLine.product_id,
            OrderLine.quantity,
            OrderLine.line_total_vnd,
            Order.number,
            delivered.c.at,
            StockLevel.location_id,
            StockLevel.ownership,
            _sold_under(Movement.unit_value_vnd, StockLevel.unit_cost_vnd),
            _sold_under(Movement.commission_bp, StockLevel.commission_bp),
            Location.kind,
            Location.producer_id,
        )
        .join(OrderLine, OrderLine.fulfilment_id == delivered.c.fulfilment_id)
        .join(Order, Order.id == OrderLine.order_id)
        .join(
            OrderHold,
            sa.and_(OrderHold.order_line_id == OrderLine.id, OrderHold.state == HoldState.committed),
        )
        .join(StockLevel, StockLevel.id == OrderHold.level_id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(OrderLine.producer_id == producer_id, OrderLine.status == LineStatus.open)
        .order_by(OrderLine.id, OrderHold.id)
    )
    out = []
    used: dict[int, int] = defaultdict(int)
    for hid, n, lid, pid, units, total, number, at, loc, own, cost, bp, kind, owner in await session.execute(
        stmt
    ):
        money = share(total, units, used[lid] + n) - share(total, units, used[lid])
        used[lid] += n
        base = Line(LineKind.online_sale, f"hold:{hid}", at, number, 0, 0, location_id=loc, product_id=pid)
        if kind == LocationKind.producer and owner == producer_id:
            out.append(priced(LineKind.online_sale, money, n, Terms(None, rate_bp), rate_bp, base))
        elif own == Ownership.consigned:
            out.append(priced(LineKind.consignment_sale, money, n, Terms(cost, bp), rate_bp, base))
    return out


async def refunds(
    session: AsyncSession, producer_id: int, start: dt.datetime, end: dt.datetime
) -> list[Line]:
    """Money given back for the producer's order lines (keyed ``line:{id}``): shown, not deducted."""
    found = (
        await session.execute(
            sa.select(
                PaymentRefund.id, PaymentRefund.key, PaymentRefund.amount_vnd, PaymentRefund.created_at
            ).where(
                PaymentRefund.key.like("line:%"),
                # Asked for in the month, whether Stripe has answered yet: a refund that
                # succeeds next month still belongs to this one (a failed one is no refund).
                PaymentRefund.status != RefundStatus.failed,
                PaymentRefund.created_at >= start,
                PaymentRefund.created_at < end,
            )
        )
    ).all()
    by_line = {int(key.removeprefix("line:")): (rid, amount, at) for rid, key, amount, at in found}
    if not by_line:
        return []
    stmt = (
        sa.select(
            OrderLine.id, OrderLine.product_id, OrderLine.quantity, Order.number, Fulfilment.location_id
        )
        .join(Order, Order.id == OrderLine.order_id)
        .join(Fulfilment, Fulfilment.id == OrderLine.fulfilment_id)
        .where(OrderLine.id.in_(by_line), OrderLine.producer_id == producer_id)
    )
    out = []
    for lid, pid, qty, number, loc in await session.execute(stmt):
        rid, amount, at = by_line[lid]
        out.append(
            Line(
                LineKind.online_refund,
                f"refund:{rid}",
                at,
                number,
                -amount,
                0,
                quantity=qty,
                location_id=loc,
                product_id=pid,
            )
        )
    return out


async def parcels(
    session: AsyncSession, producer_id: int, start: dt.datetime, end: dt.datetime
) -> list[Line]:
    """The producer's delivered parcels: the order's delivery fee for the one that carried it
    (decided at delivery, as on the courier's slip), and the cash its courier collected."""
    delivered = _delivered(start, end)
    stmt = (
        sa.select(
            Fulfilment.id,
            Fulfilment.location_id,
            Fulfilment.cash_collected_vnd,
            Fulfilment.fee_carried_vnd,
            Order.number,
            delivered.c.at,
        )
        .join(delivered, delivered.c.fulfilment_id == Fulfilment.id)
        .join(Order, Order.id == Fulfilment.order_id)
        .where(Fulfilment.producer_id == producer_id)
        .order_by(Fulfilment.id)
    )
    out = []
    for fid, loc, cash, fee, number, at in await session.execute(stmt):
        if fee:
            out.append(Line(LineKind.shipping_fee, f"fee:{fid}", at, number, fee, fee, location_id=loc))
        if cash:
            out.append(Line(LineKind.cash_collected, f"cash:{fid}", at, number, cash, -cash, location_id=loc))
    return out


async def month_lines(session: AsyncSession, producer_id: int, month: dt.date, *, rate_bp: int) -> list[Line]:
    """Everything a producer's statement for ``month`` is made of, in time order."""
    start, end = month_bounds(month)
    found = [
        *await till_sales(session, producer_id, start, end, rate_bp),
        *await till_returns(session, producer_id, start, end, rate_bp),
        *await online_sales(session, producer_id, start, end, rate_bp),
        *await refunds(session, producer_id, start, end),
        *await parcels(session, producer_id, start, end),
    ]
    return sorted(found, key=lambda line: (line.at, line.source))
