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
    status: str = "open"  # rejected by the producer or cancelled: not delivered, not charged
    reason: str | None = None


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


class InvoiceBuyerOut(msgspec.Struct):
    """Who the order's VAT invoice is made out to (they asked at checkout)."""

    name: str
    tax_code: str | None
    address: str | None
    email: str | None  # where the invoice's PDF and lookup code are sent


class ContactOut(msgspec.Struct):
    """Who placed the order, as they typed it at checkout (the shop's way to reach them)."""

    name: str
    email: str
    phone: str


class AddressOut(msgspec.Struct):
    """Where a delivery goes: the street as typed, the commune and province by their names."""

    street: str | None
    commune: str | None
    province: str | None


class InvoiceOut(msgspec.Struct):
    """One of the order's e-invoices: the invoice, or an adjustment of it (a line closed after payment)."""

    # pending (queued, or waiting for the provider; also while the office corrects one the
    # provider refused) | issued | cancelled
    status: str
    adjustment: bool
    total_vnd: int  # negative for an adjustment down
    number: str | None  # once issued
    lookup_code: str | None  # the buyer's code on the provider's lookup page
    lookup_url: str | None
    issued_at: dt.datetime | None


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
    invoice_buyer: InvoiceBuyerOut | None = None  # None: invoiced to an anonymous retail buyer
    invoices: list[InvoiceOut] = msgspec.field(default_factory=list)
    contact: ContactOut | None = None
    ship_to: AddressOut | None = None  # None: collected at a sales point (pickup_sales_point)


class TransferConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    amount_vnd: Annotated[int, msgspec.Meta(gt=0, le=10**12)]
    # The bank's reference of the transfer (its statement line), kept on the payment.
    bank_reference: Annotated[str, msgspec.Meta(min_length=3, max_length=100)] | None = None


class RejectedLineIn(msgspec.Struct, forbid_unknown_fields=True):
    line_id: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=300)]


class AcceptIn(msgspec.Struct, forbid_unknown_fields=True):
    rejected: list[RejectedLineIn] = []  # accept the rest


class RejectIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=300)]


class ShipIn(msgspec.Struct, forbid_unknown_fields=True):
    carrier: Annotated[str, msgspec.Meta(min_length=2, max_length=80)]
    tracking_number: Annotated[str, msgspec.Meta(min_length=3, max_length=80)]


class DeliverIn(msgspec.Struct, forbid_unknown_fields=True):
    cash_collected_vnd: Annotated[int, msgspec.Meta(ge=0, le=10**12)] | None = None


class CancelLinesIn(msgspec.Struct, forbid_unknown_fields=True):
    line_ids: Annotated[
        list[Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]], msgspec.Meta(min_length=1)
    ]


class QueueLineOut(msgspec.Struct):
    id: int
    product_id: int
    name: str
    quantity: int
    line_total_vnd: int
    status: str
    reason: str | None


class FulfilmentQueueOut(msgspec.Struct):
    id: int
    order: str
    status: str
    location: str  # its code
    due_at: dt.datetime | None
    overdue: bool
    payment_method: str
    amount_to_collect_vnd: int  # cash on delivery: what the courier collects for this parcel
    # paid (by card or transfer), cash (collected on delivery or at the counter), or
    # awaiting_payment (only the office sees these: not to be prepared yet)
    payment_status: str
    delivery_method: str
    contact_name: str
    contact_phone: str
    ship_street: str | None
    ship_place: str | None  # "commune, province" of today's map
    lines: list[QueueLineOut]
    carrier: str | None
    tracking_number: str | None
    location_name: str  # the location's name, as a person reads it


class ReassignIn(msgspec.Struct, forbid_unknown_fields=True):
    location_code: Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
    reason: Annotated[str, msgspec.Meta(min_length=3, max_length=300)]
