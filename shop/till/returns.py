"""Returns against a till sale: partial, at most what was sold, refunded by how it was paid.

Each unit returned is refunded at what the customer paid for it (the line's total spread
over its units, the last unit taking the rounding, so returning a whole line refunds its
total exactly). The refund goes back by the sale's own payment methods, electronic ones
first: money paid by card or transfer is not handed back from the cash drawer while
there is any of it to reverse. Goods go back on the shelf (``customer_return``) or, when
damaged, come back and are written off in the same document, so the ledger shows both.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.db import dialect_of, mapping
from shop.errors import Conflict, InvalidInput, field_error
from shop.i18n import N_
from shop.inventory import ledger, stock_changes
from shop.inventory.models import DocumentKind, Location, Movement, MovementKind
from shop.invoices import queue as invoices
from shop.invoices.models import SourceKind
from shop.till import shifts
from shop.till.models import PaymentMethod, Refund, ReturnLine, Sale, SaleLine, SalePayment, SaleReturn
from shop.till.schemas import ReturnIn

# Refunds reverse these first (cash last: the drawer pays only what was paid in cash).
REFUND_ORDER = (PaymentMethod.card, PaymentMethod.bank_transfer, PaymentMethod.cash)


def payload_hash(data: ReturnIn) -> str:
    return hashlib.sha256(msgspec.json.encode(data)).hexdigest()


async def find(session: AsyncSession, client_id: object) -> SaleReturn | None:
    return await session.scalar(sa.select(SaleReturn).where(SaleReturn.client_id == client_id))


@dataclass
class Returnable:
    """A sale line and how much of it is still returnable."""

    line: SaleLine
    returned: int

    @property
    def left(self) -> int:
        return self.line.quantity - self.returned

    def refund_for(self, quantity: int) -> int:
        """What ``quantity`` more units refund: the line's total spread over its units."""
        total, sold = self.line.total_vnd, self.line.quantity
        return total * (self.returned + quantity) // sold - total * self.returned // sold


@dataclass(frozen=True)
class Taken:
    returnable: Returnable
    quantity: int
    amount: int
    restock: bool


async def record(
    session: AsyncSession, user: CurrentUser, location: Location, sale: Sale, data: ReturnIn
) -> tuple[SaleReturn, bool]:
    """Record the return (or find it recorded); returns it and whether it is new."""
    shifts.require_cashier(user)
    digest = payload_hash(data)
    if (done := await find(session, data.id)) is not None:
        if done.sale_id != sale.id or done.payload_hash != digest:
            raise Conflict(
                N_("Return {id} was already recorded with other contents."),
                id=str(data.id),
                error_code="client_id_reused",
            )
        return done, False
    shift = await shifts.for_sale(session, user, location, data.shift_id, late=False)
    await _lock(session, sale)
    taken = await _take(session, sale, data)
    document = SaleReturn(
        client_id=data.id,
        payload_hash=digest,
        sale_id=sale.id,
        location_id=location.id,
        shift_id=shift.id,
        user_id=user.id,
        reason=data.reason,
        total_vnd=sum(t.amount for t in taken),
    )
    session.add(document)
    await session.flush()
    session.add_all(
        ReturnLine(
            return_id=document.id,
            sale_line_id=t.returnable.line.id,
            quantity=t.quantity,
            amount_vnd=t.amount,
            restock=t.restock,
        )
        for t in taken
    )
    session.add_all(
        Refund(return_id=document.id, method=method, amount_vnd=amount)
        for method, amount in await _refunds(session, sale, document.total_vnd)
    )
    await _restock(session, user, sale, document, taken)
    await session.flush()
    # The adjustment of the sale's e-invoice, issued once the sale's own invoice is.
    await invoices.enqueue(
        session,
        SourceKind.till_return,
        document.id,
        key=str(data.id),
        total_vnd=-document.total_vnd,
        location_id=location.id,
    )
    return document, True


async def _lock(session: AsyncSession, sale: Sale) -> None:
    """Two returns of one sale at once must not both return its last unit."""
    if dialect_of(session) == "postgresql":
        await session.execute(sa.select(Sale.id).where(Sale.id == sale.id).with_for_update())


async def returnables(session: AsyncSession, sale: Sale) -> list[Returnable]:
    """The sale's lines with what was already returned of each."""
    returned = (
        sa.select(ReturnLine.sale_line_id, sa.func.sum(ReturnLine.quantity).label("n"))
        .group_by(ReturnLine.sale_line_id)
        .subquery()
    )
    stmt = (
        sa.select(SaleLine, sa.func.coalesce(returned.c.n, 0))
        .outerjoin(returned, returned.c.sale_line_id == SaleLine.id)
        .where(SaleLine.sale_id == sale.id)
        .order_by(SaleLine.line_no)
    )
    return [Returnable(line, int(n)) for line, n in await session.execute(stmt)]


async def _take(session: AsyncSession, sale: Sale, data: ReturnIn) -> list[Taken]:
    """Spread each returned product over the sale's lines of it; refuse more than is left."""
    lines = await returnables(session, sale)
    errors, taken = [], []
    for i, wanted in enumerate(data.lines):
        mine = [r for r in lines if r.line.product_id == wanted.product_id]
        left = sum(r.left for r in mine)
        if not mine:
            errors.append(field_error(f"lines[{i}].product_id", N_("This product is not on the receipt.")))
            continue
        if wanted.quantity > left:
            errors.append(field_error(f"lines[{i}].quantity", N_("Only {n} can still be returned."), n=left))
            continue
        need = wanted.quantity
        for r in mine:
            q = min(need, r.left)
            if q:
                taken.append(Taken(r, q, r.refund_for(q), wanted.restock))
                r.returned += q
                need -= q
    if errors:
        raise InvalidInput(errors=errors)
    return taken


async def _refunds(session: AsyncSession, sale: Sale, total: int) -> list[tuple[PaymentMethod, int]]:
    """Split ``total`` over what each payment method of the sale has not yet had back."""
    paid = await mapping(
        session,
        sa.select(SalePayment.method, sa.func.sum(SalePayment.amount_vnd))
        .where(SalePayment.sale_id == sale.id)
        .group_by(SalePayment.method),
    )
    earlier = (
        sa.select(Refund.method, sa.func.sum(Refund.amount_vnd))
        .join(SaleReturn, SaleReturn.id == Refund.return_id)
        .where(SaleReturn.sale_id == sale.id)
        .group_by(Refund.method)
    )
    back = dict((await session.execute(earlier)).all())
    out, need = [], total
    for method in REFUND_ORDER:
        room = int(paid.get(method, 0)) - int(back.get(method, 0))
        amount = min(room, need)
        if amount > 0:
            out.append((method, amount))
            need -= amount
    assert need == 0, "a sale cannot refund more than was paid"  # units are capped by what was sold
    return out


async def _restock(
    session: AsyncSession, user: CurrentUser, sale: Sale, document: SaleReturn, taken: Sequence[Taken]
) -> None:
    """Each unit goes back to the level the sale took it from, at the value it left at:
    the sale's rows of a product are walked in order, past the units returned before, so a
    consigned unit comes back consigned and a bought one bought. Damaged ones are written
    off again in the same document."""
    product_ids = {t.returnable.line.product_id for t in taken}
    stmt = (
        sa.select(Movement.product_id, Movement.stock_level_id, Movement.unit_value_vnd, Movement.quantity)
        .where(
            Movement.document_kind == DocumentKind.sale,
            Movement.document_id == sale.id,
            Movement.kind == MovementKind.sale,
            Movement.product_id.in_(product_ids),
        )
        .order_by(Movement.id)
    )
    sources: dict[int, list[tuple[int, int | None, int]]] = {}
    for product_id, level_id, value, quantity in await session.execute(stmt):
        sources.setdefault(product_id, []).append((level_id, value, -quantity))
    before = (
        sa.select(SaleLine.product_id, sa.func.sum(ReturnLine.quantity))
        .join(ReturnLine, ReturnLine.sale_line_id == SaleLine.id)
        .where(
            SaleLine.sale_id == sale.id,
            ReturnLine.return_id != document.id,
            SaleLine.product_id.in_(product_ids),
        )
        .group_by(SaleLine.product_id)
    )
    returned: dict[int, int] = {pid: int(n) for pid, n in await session.execute(before)}
    changes = []
    for t in taken:
        product_id = t.returnable.line.product_id
        pieces = _pieces(sources[product_id], skip=returned.get(product_id, 0), units=t.quantity)
        returned[product_id] = returned.get(product_id, 0) + t.quantity
        for level_id, value, units in pieces:
            changes.append(
                stock_changes.Change(level_id, MovementKind.customer_return, units, unit_value=value)
            )
            if not t.restock:
                changes.append(
                    stock_changes.Change(level_id, MovementKind.write_off, -units, unit_value=value)
                )
    await ledger.apply(
        session,
        changes,
        stock_changes.Entry(DocumentKind.sale_return, document.id, user.id, reason=document.reason),
    )


def _pieces(
    sold: Sequence[tuple[int, int | None, int]], *, skip: int, units: int
) -> list[tuple[int, int | None, int]]:
    """``units`` units after the first ``skip`` of the sale's rows (level, value, units sold),
    as (level, value, units) pieces; past the rows (never, but safe), the first row's level."""
    out, seen = [], 0
    for level_id, value, n in sold:
        start, end = max(skip, seen), min(skip + units, seen + n)
        if end > start:
            out.append((level_id, value, end - start))
        seen += n
    missing = units - sum(n for _, _, n in out)
    if missing > 0:
        out.append((sold[0][0], sold[0][1], missing))
    return out
