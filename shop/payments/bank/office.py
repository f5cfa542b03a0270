"""The office's list of bank transfers, resolved: what matching left ``unmatched`` is
attached by hand to a sale (by its receipt number) or an order (the office's confirmation
of the transfer), or dismissed with a note. Apart from the matching (``services.py``),
whose totals it shares; every function runs inside its caller's transaction, nothing
here commits.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory.models import Location
from shop.orders.models import Order, PaymentMethod
from shop.payments import services as payments
from shop.payments.bank.models import BankCredit, CreditStatus
from shop.payments.bank.services import SETTLED, transfer_total
from shop.settings import Settings
from shop.till import numbering
from shop.till.models import Sale


class AlreadyResolved(Conflict):
    code = "already_resolved"
    title = N_("This transfer has already been dealt with.")


# --- the office resolves ---------------------------------------------------------------------


async def find_credit(session: AsyncSession, credit_id: int, *, lock: bool = False) -> BankCredit:
    """The credit, or a 404; ``lock``: read afresh and locked until the transaction ends."""
    stmt = sa.select(BankCredit).where(BankCredit.id == credit_id).execution_options(populate_existing=True)
    if lock and dialect_of(session) == "postgresql":
        stmt = stmt.with_for_update()
    row = await session.scalar(stmt)
    if row is None:
        raise NotFound(N_("No bank transfer {id}."), id=credit_id)
    return row


def _note(note: str | None, *, required: bool) -> str | None:
    text = " ".join((note or "").split())
    if required and len(text) < 3:
        raise InvalidInput(errors=[field_error("note", N_("Say in a few words what became of it."))])
    return text[:500] or None


def _resolved(row: BankCredit, status: CreditStatus, by: str, note: str | None) -> None:
    row.status, row.resolved_by, row.resolved_at, row.note = status, by[:80], utcnow(), note


async def sale_by_receipt(session: AsyncSession, receipt: str) -> tuple[Sale, Location]:
    """The sale a printed receipt number names (``SP-BACKAN-000123``)."""
    code, _, number = receipt.strip().upper().rpartition("-")
    location = await session.scalar(sa.select(Location).where(sa.func.upper(Location.code) == code))
    sale = None
    if location is not None and number.isdigit() and len(number) <= 9:
        sale = await session.scalar(
            sa.select(Sale).where(Sale.location_id == location.id, Sale.number == int(number))
        )
    if sale is None or location is None:
        raise NotFound(N_("No sale with receipt number {receipt}."), receipt=receipt.strip())
    return sale, location


async def attach(
    session: AsyncSession,
    settings: Settings,
    credit_id: int,
    *,
    order_number: str | None,
    receipt: str | None,
    by: str,
    note: str | None,
    on: dt.date,
) -> BankCredit:
    """The office says what the money was for. For an order, it is the office's confirmation
    of the transfer with all the money attached to the order so far (two halves pay it)."""
    order_number = (order_number or "").strip().upper() or None
    receipt = (receipt or "").strip() or None
    if bool(order_number) == bool(receipt):
        message = N_("Give either an order number or a receipt number.")
        raise InvalidInput(errors=[field_error("order_number", message), field_error("receipt", message)])
    row = await find_credit(session, credit_id, lock=True)
    if row.status != CreditStatus.unmatched:
        raise AlreadyResolved()
    text = _note(note, required=False)
    if receipt:
        sale, location = await sale_by_receipt(session, receipt)
        row.sale_id, row.order_id, row.location_id = sale.id, None, location.id
        row.expected_vnd = await transfer_total(session, sale.id)
        row.outcome = f"attached to sale {numbering.receipt_number(location.code, sale.number)}"
        _resolved(row, CreditStatus.attached, by, text)
        await session.flush()
        return row
    order = await session.scalar(sa.select(Order).where(Order.number == order_number))
    if order is None:
        raise NotFound(N_("No order {number}."), number=order_number)
    if order.payment_method != PaymentMethod.bank_transfer:
        raise Conflict(N_("This order is not paid by bank transfer."), error_code="not_a_transfer")
    before = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(BankCredit.amount_vnd), 0)).where(
            BankCredit.order_id == order.id, BankCredit.status.in_(SETTLED), BankCredit.id != row.id
        )
    )
    total = int(before or 0) + row.amount_vnd
    outcome = await payments.confirm_transfer(
        session,
        settings,
        order,
        amount_vnd=total,
        by=by,
        on=on,
        reference=row.bank_reference or f"{row.source.value} {row.transaction_id}"[:100],
    )
    row.order_id, row.sale_id, row.expected_vnd = order.id, None, order.total_vnd
    row.outcome = f"attached to order {order.number}: {outcome}"[:300]
    _resolved(row, CreditStatus.attached, by, text)
    await session.flush()
    return row


async def dismiss(session: AsyncSession, credit_id: int, *, by: str, note: str | None) -> BankCredit:
    """The office sets the credit aside (refunded, not for us, counted elsewhere), saying why."""
    text = _note(note, required=True)
    row = await find_credit(session, credit_id, lock=True)
    if row.status != CreditStatus.unmatched:
        raise AlreadyResolved()
    row.outcome = "dismissed by the office"
    _resolved(row, CreditStatus.dismissed, by, text)
    await session.flush()
    return row
