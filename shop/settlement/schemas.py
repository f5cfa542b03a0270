"""What the API takes and answers about settlement statements."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec


class MonthIn(msgspec.Struct, forbid_unknown_fields=True):
    month: Annotated[str, msgspec.Meta(min_length=7, max_length=7, examples=["2026-11"])]


class PayIn(msgspec.Struct, forbid_unknown_fields=True):
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]  # the bank transfer's


class StatementLineOut(msgspec.Struct):
    kind: str
    at: dt.datetime
    reference: str  # the receipt or order number
    location: str | None
    product_id: int | None
    product: str | None
    quantity: int
    amount_vnd: int  # what the customer paid (negative: got back)
    unit_cost_vnd: int | None  # the agreed producer price, for consigned goods on that term
    commission_bp: int | None
    commission_vnd: int
    due_vnd: int


class StatementOut(msgspec.Struct):
    producer: str
    producer_name: str
    month: str
    status: str
    commission_rate_bp: int  # on online sales
    consignment_sales_vnd: int
    consignment_returns_vnd: int
    online_sales_vnd: int
    refunds_vnd: int
    commission_vnd: int
    shipping_fees_vnd: int
    cash_collected_vnd: int
    amount_due_vnd: int  # negative: the producer owes the office
    computed_at: dt.datetime
    approved_at: dt.datetime | None
    paid_at: dt.datetime | None
    payment_reference: str | None
    lines: list[StatementLineOut] | None = None
