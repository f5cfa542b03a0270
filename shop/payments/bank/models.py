"""Incoming bank credits, one row per transaction the bank's notifier reported (its id is the
idempotency key), with what became of it: paid a sale or an order, or waits for the office."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


class CreditSource(StrEnum):
    """Who told us of the credit (VietQR.vn's transaction sync or Casso would be one more)."""

    sepay = "sepay"


class CreditStatus(StrEnum):
    matched = "matched"  # it paid its sale or order by itself
    unmatched = "unmatched"  # the office decides (or a till's sale has still to arrive)
    attached = "attached"  # the office gave it to a sale or an order
    dismissed = "dismissed"  # the office set it aside, with a note (refunded, not ours…)


class CreditProblem(StrEnum):
    """Why an unmatched credit did not pay anything by itself."""

    no_reference = "no_reference"  # the text names no order and no till sale
    unknown_reference = "unknown_reference"  # an order number that does not exist
    awaiting_sale = "awaiting_sale"  # a till's reference whose sale has not arrived (yet)
    amount_differs = "amount_differs"  # partial or over-payment
    already_paid = "already_paid"  # the sale or order was paid already: paid twice?
    not_a_transfer = "not_a_transfer"  # the order or sale was not paid by transfer
    order_closed = "order_closed"  # the order was cancelled
    other_account = "other_account"  # paid into another account than the code's
    not_paid = "not_paid"  # the order could not be paid (its stock gone after expiry)


class BankCredit(Base):
    __tablename__ = "bank_credit"
    __table_args__ = (
        sa.UniqueConstraint("source", "transaction_id"),
        sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),
        sa.CheckConstraint("status <> 'unmatched' OR problem IS NOT NULL", name="unmatched_says_why"),
        sa.Index("ix_bank_credit_reference", "reference"),
        sa.Index("ix_bank_credit_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[CreditSource] = mapped_column(enum_column(CreditSource, "credit_source", 16))
    transaction_id: Mapped[str] = mapped_column(sa.String(100))  # the source's id of it
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    content: Mapped[str] = mapped_column(sa.String(1000))  # the transfer's text, as the bank gave it
    account_number: Mapped[str | None] = mapped_column(sa.String(40))  # the account credited
    sub_account: Mapped[str | None] = mapped_column(sa.String(40))  # its virtual account, if any
    bank: Mapped[str | None] = mapped_column(sa.String(60))
    code: Mapped[str | None] = mapped_column(sa.String(60))  # the payment code the source saw
    bank_reference: Mapped[str | None] = mapped_column(sa.String(100))  # the bank's, on the statement
    transacted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Our reference found in the text: an order number, or a till sale's "<location> <id>".
    reference: Mapped[str | None] = mapped_column(sa.String(40))
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    # What it paid (matched, attached), or what it seems to be for (unmatched).
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer_order.id"), index=True)
    sale_id: Mapped[int | None] = mapped_column(sa.ForeignKey("till_sale.id"), index=True)
    expected_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)  # what that sale or order owed
    status: Mapped[CreditStatus] = mapped_column(enum_column(CreditStatus, "credit_status", 12))
    problem: Mapped[CreditProblem | None] = mapped_column(enum_column(CreditProblem, "credit_problem", 20))
    outcome: Mapped[str] = mapped_column(sa.String(300), default="")  # what happened, for the log
    resolved_by: Mapped[str | None] = mapped_column(sa.String(80))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    payload: Mapped[str] = mapped_column(sa.Text)  # the notification as received, for audits
