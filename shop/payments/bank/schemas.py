"""The bank transfers' API shapes: the office's list, its decisions, the till's question."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

from shop.payments.bank.models import CreditProblem, CreditStatus


class SePayAnswer(msgspec.Struct):
    """What SePay expects back: ``{"success": true}`` with 200 or 201 (anything else is retried)."""

    success: bool


class BankTransferOut(msgspec.Struct):
    id: int
    source: str
    transaction_id: str  # the source's id (SePay's "id")
    amount_vnd: int
    content: str  # the transfer's text as the bank gave it
    account_number: str | None
    sub_account: str | None
    bank: str | None
    bank_reference: str | None  # the bank's reference, as on the statement
    transacted_at: dt.datetime
    received_at: dt.datetime
    reference: str | None  # ours found in the text: an order number or a till sale's reference
    status: CreditStatus
    problem: CreditProblem | None  # why it waits for the office (unmatched only)
    expected_vnd: int | None  # what the order or sale owed by transfer
    order_number: str | None
    receipt: str | None  # the till sale's receipt number
    sales_point: str | None  # the location code of a till sale's reference
    outcome: str
    note: str | None
    resolved_by: str | None
    resolved_at: dt.datetime | None


class AttachIn(msgspec.Struct, forbid_unknown_fields=True):
    """What the money was for: an online order, or a till sale by its receipt number."""

    order_number: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    receipt: Annotated[str, msgspec.Meta(min_length=1, max_length=60)] | None = None
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class DismissIn(msgspec.Struct, forbid_unknown_fields=True):
    note: Annotated[str, msgspec.Meta(max_length=500)]  # a few words at least (422 otherwise)


class TransferStatusOut(msgspec.Struct):
    """What arrived under a till's reference; ``paid`` when it is the amount asked."""

    reference: str
    received_vnd: int
    transfers: int
    state: Literal["waiting", "paid", "partial", "over"]
