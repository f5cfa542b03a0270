"""Incoming credits: stored once by their source's id, matched against our VietQR references.

- **Online order** (``OC000123``): the exact total of an order awaiting its transfer pays it
  through :func:`shop.payments.services.confirm_transfer`, the office's own confirmation (the
  order becomes paid, its fulfilments go to the cooperatives, the customer is told).
- **Till sale** (``SP-BACKAN 1A2B3C4D``): a sale is recorded once its payments add up, so the
  credit usually arrives first. It waits under its reference (the till asks for it while it
  shows the code: :func:`transfer_status`) and is matched when the sale arrives
  (:func:`on_sale_recorded`, in the sale's transaction), or at once if the sale is there.
  The location's row is locked by both sides so that a credit and its sale arriving together
  always meet.
- Anything else (no reference, an unknown one, another amount, paid twice, another account)
  stays ``unmatched`` for the office, which attaches it to a sale or an order or dismisses it
  with a note. Confirming by hand stays as it was.

This module matches, and answers the till (:func:`transfer_status`); a notification is
stored by ``intake.py`` and the office's resolutions are ``office.py``. Every function runs
inside its caller's transaction; nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of
from shop.inventory.models import Location, LocationKind
from shop.orders import lifecycle
from shop.orders.models import Order, OrderStatus, PaymentMethod
from shop.payments import services as payments
from shop.payments.bank import references
from shop.payments.bank.models import BankCredit, CreditProblem, CreditStatus
from shop.settings import Settings
from shop.till import numbering
from shop.till.models import PaymentMethod as TillMethod
from shop.till.models import Sale, SalePayment
from shop.till.vietqr import purpose

SETTLED = (CreditStatus.matched, CreditStatus.attached)


# --- matching -----------------------------------------------------------------------------


async def _selling_locations(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await session.execute(
        sa.select(Location.id, Location.code).where(Location.kind != LocationKind.producer)
    )
    return [(int(i), str(code)) for i, code in rows.all()]


async def match(session: AsyncSession, settings: Settings, row: BankCredit, *, on: dt.date) -> None:
    found = references.find([row.code, row.content], await _selling_locations(session))
    if found is None:
        _unmatched(row, CreditProblem.no_reference, "no reference in the transfer's text")
        return
    row.reference = found.text
    if found.order_number:
        await _match_order(session, settings, row, found.order_number, on=on)
        return
    assert found.location_id is not None
    assert found.sale_prefix is not None
    row.location_id = found.location_id
    location = await _locked_location(session, found.location_id)
    sale = await _sale_by_prefix(session, location, found.sale_prefix)
    if sale is None:
        _unmatched(row, CreditProblem.awaiting_sale, "no such sale yet: matched when its till sends it")
        return
    await _match_sale(session, row, location, sale)


def _unmatched(row: BankCredit, problem: CreditProblem, outcome: str) -> None:
    row.status, row.problem, row.outcome = CreditStatus.unmatched, problem, outcome[:300]


def _matched(row: BankCredit, outcome: str) -> None:
    row.status, row.problem, row.outcome = CreditStatus.matched, None, outcome[:300]


def _digits(text: str | None) -> str:
    return "".join(ch for ch in text or "" if ch.isalnum()).upper()


def _other_account(row: BankCredit, expected: str | None) -> bool:
    """Whether the money went to another account than the code's (its virtual account, when
    the code names one, counts as the code's)."""
    if not (expected and (row.account_number or row.sub_account)):
        return False
    return _digits(expected) not in {_digits(row.account_number), _digits(row.sub_account)}


async def _settled_elsewhere(session: AsyncSession, row: BankCredit, target: sa.ColumnElement[bool]) -> bool:
    """Whether another credit already paid this sale or order (``target`` names it)."""
    stmt = sa.select(sa.func.count()).where(target, BankCredit.status.in_(SETTLED), BankCredit.id != row.id)
    return bool(await session.scalar(stmt))


# --- online orders -------------------------------------------------------------------------


async def _match_order(
    session: AsyncSession, settings: Settings, row: BankCredit, number: str, *, on: dt.date
) -> None:
    found = await session.scalar(sa.select(Order).where(Order.number == number))
    if found is None:
        _unmatched(row, CreditProblem.unknown_reference, f"no order {number}")
        return
    order = await lifecycle.locked(session, found.id)  # the office may be confirming it now
    row.order_id, row.expected_vnd = order.id, order.total_vnd
    if _other_account(row, settings.bank_account_number):
        _unmatched(row, CreditProblem.other_account, "paid into another account than the order's code")
        return
    if order.payment_method != PaymentMethod.bank_transfer:
        _unmatched(row, CreditProblem.not_a_transfer, f"order {number} is not paid by bank transfer")
        return
    if order.status == OrderStatus.paid:
        if row.amount_vnd == order.paid_vnd and not await _settled_elsewhere(
            session, row, BankCredit.order_id == order.id
        ):
            _matched(row, "the office had confirmed it by hand")
        else:
            _unmatched(row, CreditProblem.already_paid, f"order {number} was paid already")
        return
    if order.status == OrderStatus.cancelled:
        _unmatched(row, CreditProblem.order_closed, f"order {number} was cancelled")
        return
    if row.amount_vnd != order.total_vnd:
        _unmatched(row, CreditProblem.amount_differs, f"{row.amount_vnd} VND for {order.total_vnd} VND owed")
        return
    outcome = await payments.confirm_transfer(
        session,
        settings,
        order,
        amount_vnd=row.amount_vnd,
        by=row.source.value,
        on=on,
        reference=row.bank_reference or f"{row.source.value} {row.transaction_id}"[:100],
    )
    if outcome == "paid":
        _matched(row, f"order {number} paid")
    else:
        _unmatched(row, CreditProblem.not_paid, f"order {number}: {outcome}")


# --- till sales ----------------------------------------------------------------------------


async def _locked_location(session: AsyncSession, location_id: int) -> Location:
    """The location, its row locked until the transaction ends (PostgreSQL): a sale and a
    credit of one sales point are matched one after the other, never past each other."""
    stmt = sa.select(Location).where(Location.id == location_id)
    if dialect_of(session) == "postgresql":
        stmt = stmt.with_for_update()
    location = await session.scalar(stmt)
    assert location is not None
    return location


async def _sale_by_prefix(session: AsyncSession, location: Location, prefix: str) -> Sale | None:
    low, high = references.id_range(prefix)
    stmt = (
        sa.select(Sale)
        .where(Sale.location_id == location.id, Sale.client_id.between(low, high))
        .order_by(Sale.id)
        .limit(2)
    )
    found = list(await session.scalars(stmt))
    return found[0] if len(found) == 1 else None  # two sales share the digits: the office decides


async def transfer_total(session: AsyncSession, sale_id: int) -> int:
    stmt = sa.select(sa.func.coalesce(sa.func.sum(SalePayment.amount_vnd), 0)).where(
        SalePayment.sale_id == sale_id, SalePayment.method == TillMethod.bank_transfer
    )
    return int(await session.scalar(stmt) or 0)


async def _match_sale(session: AsyncSession, row: BankCredit, location: Location, sale: Sale) -> None:
    receipt = numbering.receipt_number(location.code, sale.number)
    row.sale_id, row.location_id = sale.id, location.id
    row.expected_vnd = await transfer_total(session, sale.id)
    if _other_account(row, location.bank_account_number):
        _unmatched(row, CreditProblem.other_account, f"paid into another account than {location.code}'s")
    elif not row.expected_vnd:
        _unmatched(row, CreditProblem.not_a_transfer, f"sale {receipt} was not paid by transfer")
    elif await _settled_elsewhere(session, row, BankCredit.sale_id == sale.id):
        _unmatched(row, CreditProblem.already_paid, f"sale {receipt} was paid already")
    elif row.amount_vnd != row.expected_vnd:
        outcome = f"{row.amount_vnd} VND for {row.expected_vnd} VND paid by transfer"
        _unmatched(row, CreditProblem.amount_differs, outcome)
    else:
        _matched(row, f"sale {receipt} paid")


async def on_sale_recorded(
    session: AsyncSession, location: Location, sale: Sale, methods: Sequence[str]
) -> None:
    """A till sale was just recorded (in this transaction): the credits that waited for it
    under its reference are matched now, the exact one first."""
    if TillMethod.bank_transfer not in methods:
        return
    await _locked_location(session, location.id)
    reference = references.sale_reference(location.code, sale.client_id)
    waiting = list(
        await session.scalars(
            sa.select(BankCredit).where(
                BankCredit.reference == reference,
                BankCredit.location_id == location.id,
                BankCredit.status == CreditStatus.unmatched,
                BankCredit.problem == CreditProblem.awaiting_sale,
            )
        )
    )
    if not waiting:
        return
    expected = await transfer_total(session, sale.id)
    for row in sorted(waiting, key=lambda r: (r.amount_vnd != expected, r.id)):
        await _match_sale(session, row, location, sale)
        await session.flush()


# --- the till asks ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TransferStatus:
    reference: str
    received_vnd: int
    transfers: int
    state: Literal["waiting", "paid", "partial", "over"]


async def transfer_status(
    session: AsyncSession, location: Location, reference: str, amount_vnd: int | None
) -> TransferStatus:
    """What arrived under a till's reference at this location (not what the office set aside)."""
    text = purpose(reference)
    stmt = sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(BankCredit.amount_vnd), 0)).where(
        BankCredit.location_id == location.id,
        BankCredit.reference == text,
        BankCredit.status != CreditStatus.dismissed,
    )
    count, received = (await session.execute(stmt)).one()
    received, count = int(received or 0), int(count or 0)
    state: Literal["waiting", "paid", "partial", "over"]
    if not count:
        state = "waiting"
    elif amount_vnd is None or received == amount_vnd:
        state = "paid"
    else:
        state = "partial" if received < amount_vnd else "over"
    return TransferStatus(text, received, count, state)
