"""What the API answers about an order (checkout's answer and the tracking page's data)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec


class OrderLineOut(msgspec.Struct):
    product_id: int
    name: str
    quantity: int
    unit_price_vnd: int
    line_total_vnd: int


class FulfilmentOut(msgspec.Struct):
    id: int
    status: str
    location: str  # who fulfils it: a producer's warehouse or a sales point
    kind: str  # producer | sales_point | fair
    lines: list[OrderLineOut]
    carrier: str | None
    tracking_number: str | None


class TransferOut(msgspec.Struct):
    bank_bin: str
    account_number: str
    account_name: str | None
    amount_vnd: int
    reference: str
    qr_svg: str


class EventOut(msgspec.Struct):
    kind: str
    status: str | None
    at: dt.datetime


class OrderOut(msgspec.Struct):
    number: str
    token: str
    status: str
    language: str
    total_vnd: int
    subtotal_vnd: int
    shipping_vnd: int
    paid_vnd: int
    payment_method: str
    payment_status: str | None
    delivery_method: str
    pickup_sales_point: str | None
    expires_at: dt.datetime | None
    created_at: dt.datetime
    fulfilments: list[FulfilmentOut]
    history: list[EventOut]
    tracking_url: str
    payment_url: str | None = None
    transfer: TransferOut | None = None


class TransferConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    amount_vnd: Annotated[int, msgspec.Meta(gt=0, le=10**12)]
