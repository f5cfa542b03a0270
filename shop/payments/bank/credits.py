"""What every source of bank notifications is turned into before anything is decided."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shop.payments.bank.models import CreditSource


@dataclass(frozen=True)
class IncomingCredit:
    """Money that arrived in one of our accounts, as its notifier told us.

    ``transaction_id`` is the source's id of the transaction: the same id twice is one credit.
    ``payload`` is the notification as received (kept for audits and disputes)."""

    source: CreditSource
    transaction_id: str
    amount_vnd: int
    content: str
    transacted_at: dt.datetime  # aware, UTC
    account_number: str | None = None
    sub_account: str | None = None
    bank: str | None = None
    code: str | None = None
    bank_reference: str | None = None
    payload: str = ""
