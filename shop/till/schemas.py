"""Shapes of the till endpoints.

A sale's ``id`` (the till's UUID), ``sold_at``, ``lines`` [{``product_id``, ``quantity``,
``unit_price``?}] and ``payments`` [{``method``, ``amount``}] are fixed by API.md; the rest
(discounts, tendered cash, references, the shift) is ours and documented by OpenAPI.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from shop.catalog.schemas import Vnd
from shop.inventory.schemas import ProductId, Quantity

Money = Annotated[int, msgspec.Meta(gt=0, le=10_000_000_000)]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
ShiftId = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]
Method = Literal["cash", "bank_transfer", "card"]


class SaleLineIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    quantity: Quantity
    unit_price: Vnd | None = None  # the till's price; the catalog's when left out
    discount: Vnd = 0  # đồng off this line (managers only)


class PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    method: Method
    amount: Money  # what this method pays of the total
    tendered: Money | None = None  # cash handed over; the change is tendered − amount
    reference: Reference | None = None  # card slip or bank transfer reference


# What a buyer may give for a named e-invoice. The till's form checks the same patterns and
# lengths (the page is given these), so a sale queued offline is never refused for them.
# A tax code is an organisation's 10 digits, a branch's 10-3, or, since 1 July 2025
# (Circular 86/2024/TT-BTC), a person's 12-digit personal identification number.
BUYER_TAX_CODE = r"^(?:[0-9]{10}(?:-[0-9]{3})?|[0-9]{12})$"
BUYER_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
BUYER_NAME_MAX, BUYER_ADDRESS_MAX, BUYER_EMAIL_MAX = 200, 300, 254


class BuyerIn(msgspec.Struct, forbid_unknown_fields=True):
    """A buyer who asks for an e-invoice in their name (else it is an anonymous retail sale)."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=BUYER_NAME_MAX, pattern=r"\S")]
    tax_code: Annotated[str, msgspec.Meta(pattern=BUYER_TAX_CODE)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=BUYER_ADDRESS_MAX)] | None = None
    email: Annotated[str, msgspec.Meta(max_length=BUYER_EMAIL_MAX, pattern=BUYER_EMAIL)] | None = None


class SaleIn(msgspec.Struct, forbid_unknown_fields=True):
    id: uuid.UUID
    sold_at: dt.datetime
    lines: Annotated[list[SaleLineIn], msgspec.Meta(min_length=1, max_length=200)]
    payments: Annotated[list[PaymentIn], msgspec.Meta(min_length=1, max_length=10)]
    shift_id: ShiftId | None = None  # the cashier's open shift when left out
    # Queued while the till was offline and sent later: the goods are gone, so too little
    # stock does not refuse it (DESIGN.md rule 7). Sales older than a few minutes count too.
    offline: bool = False
    buyer: BuyerIn | None = None  # the e-invoice's buyer, when one asks


class SaleLineOut(msgspec.Struct):
    id: int
    product_id: int
    name: str
    trace_code: str
    quantity: int
    unit_price: int
    discount: int
    total: int
    returned: int
    as_ocop: bool  # False: sold off under a clearance, not as an OCOP product
    clearance_reason: str | None


class PaymentOut(msgspec.Struct):
    method: str
    amount: int
    tendered: int | None
    change: int
    reference: str | None


class SaleOut(msgspec.Struct):
    id: uuid.UUID
    number: str
    location: str
    shift_id: int
    cashier: str
    sold_at: dt.datetime
    recorded_at: dt.datetime
    subtotal: int
    discount: int
    total: int
    lines: list[SaleLineOut]
    payments: list[PaymentOut]
    late: bool
    unrecorded_units: int
    refunded: int


class ReturnLineIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    quantity: Quantity
    restock: bool = True  # back to stock; False: damaged, written off


class ReturnIn(msgspec.Struct, forbid_unknown_fields=True):
    id: uuid.UUID  # the till's id for this return: sent twice, it is made once
    lines: Annotated[list[ReturnLineIn], msgspec.Meta(min_length=1, max_length=200)]
    reason: Reason
    shift_id: ShiftId | None = None


class RefundOut(msgspec.Struct):
    method: str
    amount: int


class ReturnLineOut(msgspec.Struct):
    product_id: int
    name: str
    quantity: int
    amount: int
    restock: bool


class ReturnOut(msgspec.Struct):
    id: uuid.UUID
    sale: uuid.UUID
    sale_number: str
    reason: str
    total: int
    returned_at: dt.datetime
    lines: list[ReturnLineOut]
    refunds: list[RefundOut]


class ShiftIn(msgspec.Struct, forbid_unknown_fields=True):
    opening_float: Vnd = 0


class CountedIn(msgspec.Struct, forbid_unknown_fields=True):
    cash: Vnd = 0
    bank_transfer: Vnd = 0
    card: Vnd = 0


class ShiftCloseIn(msgspec.Struct, forbid_unknown_fields=True):
    counted: CountedIn
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class MethodTotals(msgspec.Struct):
    method: str
    sales: int
    refunds: int
    net: int
    expected: int  # what the drawer or statement should show (cash: with the float)
    counted: int | None
    difference: int | None  # counted − expected


class GroupTotals(msgspec.Struct):
    group: str
    quantity: int
    amount: int


class ZReport(msgspec.Struct):
    sales: int  # number of sales
    gross: int  # before discounts
    discounts: int
    net_sales: int
    returns: int  # number of returns
    refunds: int
    net: int
    units_sold: int
    units_returned: int
    ledger_units_sold: int  # the same, from the stock ledger: equal when the books agree
    ledger_units_returned: int
    by_method: list[MethodTotals]
    by_group: list[GroupTotals]


class ShiftOut(msgspec.Struct):
    id: int
    location: str
    cashier: str
    status: str
    opening_float: int
    opened_at: dt.datetime
    closed_at: dt.datetime | None
    note: str | None
    report: ZReport


class ClearanceIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    reason: Reason
    until: dt.date
    location_code: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] | None = None


class ClearanceOut(msgspec.Struct):
    id: int
    product_id: int
    product: str
    location: str | None
    reason: str
    starts_on: dt.date
    until: dt.date
    granted_at: dt.datetime
    revoked_at: dt.datetime | None


class TillProductOut(msgspec.Struct):
    """What a till keeps offline to sell a product: its codes, price, stock and standing."""

    id: int
    name: str
    search: str  # folded: no diacritics, lower case
    gtin: str | None
    trace_code: str
    price: int
    unit: str
    group: str
    available: int
    sellable: bool
    blocked: str | None  # why it cannot be sold as OCOP (translated)
    clearance: str | None  # the office's clearance, when it can be sold off anyway
    stars: int | None  # of the active certificate
    certified_until: dt.date | None  # the active certificate's last day
    image_url: str | None  # an address the office typed (before photos were uploaded)
    sold: int  # units sold here in the last 90 days: the till shows the best sellers first
    # The main photo, 160 px, in WebP and in JPEG for a browser without WebP; content-hashed,
    # so the till's service worker keeps it for good and the grid shows it offline.
    thumb_url: str | None = None
    thumb_jpg_url: str | None = None


class VietQrOut(msgspec.Struct):
    payload: str  # the EMVCo text the code holds
    svg: str
    account: str
    holder: str | None
    amount: int | None
    reference: str
