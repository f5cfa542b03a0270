"""Shapes of the sales-point and stock endpoints.

``code``, ``name``, ``kind``, ``area`` of a sales point and the ``lines`` of stock-changing
requests (``product_id``, ``quantity``, ``batch`` {``code``, ``produced_on``, ``expires_on``},
``unit_cost``; ``kind`` and ``producer_code`` on a receipt, ``reason`` on a write-off) are
fixed by API.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

import msgspec

from shop.catalog.schemas import Code, Id, Vnd

Quantity = Annotated[int, msgspec.Meta(gt=0, le=1_000_000)]
Count = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
ProductId = Id
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Note = Annotated[str, msgspec.Meta(max_length=500)]
BatchCode = Annotated[str, msgspec.Meta(min_length=1, max_length=60)]
Lines = Annotated[list["LineIn"], msgspec.Meta(min_length=1, max_length=500)]
CommissionRate = Annotated[int, msgspec.Meta(ge=0, le=10_000, description="basis points: 1500 = 15%")]


class AreaOut(msgspec.Struct):
    code: str
    name: str


class SalesPointOut(msgspec.Struct):
    code: str
    name: str
    kind: str
    area: AreaOut | None
    province: str | None
    commune: str | None
    address: str | None
    opening_hours: str | None
    phone: str | None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


LocationCode = Annotated[str, msgspec.Meta(min_length=2, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
ShortLine = Annotated[str, msgspec.Meta(max_length=200)]
BankBin = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{6}$", description="NAPAS bank BIN, e.g. 970436")]
BankAccount = Annotated[str, msgspec.Meta(pattern=r"^[0-9A-Za-z]{1,19}$")]
BankHolder = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class LocationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A new location (office only). ``place``: "phường Bắc Kạn, Thái Nguyên" (old names too)."""

    code: LocationCode
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)]
    kind: Literal["sales_point", "fair", "producer"]
    place: Annotated[str, msgspec.Meta(min_length=2, max_length=300)]
    address: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    opening_hours: ShortLine | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    area_code: Code | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    producer_code: Code | None = None  # a producer's warehouse
    bank_bin: BankBin | None = None  # where customers pay by bank transfer (VietQR)
    bank_account_number: BankAccount | None = None
    bank_account_name: BankHolder | None = None
    count_reason_over_vnd: Vnd | None = None  # a count difference worth more needs a reason


class LocationPatch(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=2, max_length=200)] | None = None
    place: Annotated[str, msgspec.Meta(min_length=2, max_length=300)] | None = None
    address: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    opening_hours: ShortLine | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None
    area_code: Code | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    is_active: bool | None = None
    bank_bin: BankBin | None = None
    bank_account_number: BankAccount | None = None
    bank_account_name: BankHolder | None = None
    count_reason_over_vnd: Vnd | None = None


class BatchIn(msgspec.Struct, forbid_unknown_fields=True):
    code: BatchCode
    produced_on: dt.date | None = None
    expires_on: dt.date | None = None


class LineIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    quantity: Quantity
    batch: BatchIn | None = None
    unit_cost: Vnd | None = None


class ReceiptIn(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["purchase", "consignment"]
    producer_code: Code
    lines: Lines
    commission_rate_bp: CommissionRate | None = None  # consignment on commission
    delivery_note: Annotated[str, msgspec.Meta(max_length=60)] | None = None
    note: Note | None = None
    client_id: uuid.UUID | None = None  # the same id again answers the same receipt


class WriteOffIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Literal["damaged", "expired", "lost", "other"]
    lines: Lines
    note: Note | None = None
    client_id: uuid.UUID | None = None


class ProducerReturnIn(msgspec.Struct, forbid_unknown_fields=True):
    producer_code: Code
    lines: Lines
    note: Note | None = None
    client_id: uuid.UUID | None = None


class TransferIn(msgspec.Struct, forbid_unknown_fields=True):
    from_location: Code
    to_location: Code
    lines: Lines
    note: Note | None = None
    client_id: uuid.UUID | None = None
    send: bool = False  # create and send at once


class ReceivedLineIn(msgspec.Struct, forbid_unknown_fields=True):
    """What arrived of one product (and batch, where several were sent)."""

    product_id: ProductId
    quantity: Count
    batch_code: BatchCode | None = None
    ownership: Literal["owned", "consigned"] | None = None  # where one lot was sent both ways
    reason: Reason | None = None  # required when it differs from what was sent


class TransferReceiveIn(msgspec.Struct, forbid_unknown_fields=True):
    lines: list[ReceivedLineIn] = []  # lines left out arrived exactly as sent


class CountedLineIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    counted: Count
    batch_code: BatchCode | None = None
    ownership: Literal["owned", "consigned"] | None = None  # where one batch is held both ways
    reason: Reason | None = None


class CountIn(msgspec.Struct, forbid_unknown_fields=True):
    scope: Literal["full", "partial"] = "full"
    blind: bool = False
    product_ids: Annotated[list[ProductId], msgspec.Meta(max_length=1000)] = []  # partial: which
    lines: Annotated[list[CountedLineIn], msgspec.Meta(max_length=5000)] = []
    note: Note | None = None
    post: bool = False  # record the lines and post the adjustments at once


class CountLinesIn(msgspec.Struct, forbid_unknown_fields=True):
    lines: Annotated[list[CountedLineIn], msgspec.Meta(min_length=1, max_length=5000)]


class ThresholdIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    minimum: Count


class ThresholdsIn(msgspec.Struct, forbid_unknown_fields=True):
    lines: Annotated[list[ThresholdIn], msgspec.Meta(min_length=1, max_length=1000)]


class ProductRef(msgspec.Struct):
    id: int
    name: str
    slug: str
    unit: str
    gtin: str | None
    producer_code: str
    producer_name: str
    stars: int | None
    sellable: bool


class BatchOut(msgspec.Struct):
    code: str | None
    produced_on: dt.date | None
    expires_on: dt.date | None
    trace_code: str


class StockBatchOut(msgspec.Struct):
    batch: BatchOut
    ownership: str
    on_hand: int
    reserved: int
    available: int
    unit_cost_vnd: int | None
    commission_bp: int | None


class StockOut(msgspec.Struct):
    product: ProductRef
    on_hand: int
    reserved: int
    available: int
    consigned: int
    value_vnd: int  # at cost: owned stock's average cost, consigned stock's agreed price
    minimum: int | None
    low: bool
    next_expiry: dt.date | None
    batches: list[StockBatchOut]


class MovementOut(msgspec.Struct):
    id: int
    at: dt.datetime
    kind: str
    product_id: int
    product_name: str
    batch_code: str | None
    ownership: str
    quantity: int
    reserved_change: int
    on_hand_after: int
    unit_value_vnd: int | None
    document_kind: str | None
    document_id: int | None
    reason: str | None
    user: str | None
    write_off_reason: str | None = None  # damaged | expired | lost | other, for write-offs


class DocumentLineOut(msgspec.Struct):
    product_id: int
    product_name: str
    batch_code: str | None
    quantity: int
    unit_cost_vnd: int | None = None
    expires_on: dt.date | None = None


class ReceiptOut(msgspec.Struct):
    id: int
    location: str
    kind: str
    producer_code: str
    producer_name: str
    commission_rate_bp: int | None
    delivery_note: str | None
    note: str | None
    received_at: dt.datetime
    user: str | None
    lines: list[DocumentLineOut]
    total_vnd: int


class WriteOffOut(msgspec.Struct):
    id: int
    location: str
    reason: str
    note: str | None
    at: dt.datetime
    user: str | None
    lines: list[DocumentLineOut]


class ProducerReturnOut(msgspec.Struct):
    id: int
    location: str
    producer_code: str
    note: str | None
    at: dt.datetime
    user: str | None
    lines: list[DocumentLineOut]


class TransferLineOut(msgspec.Struct):
    product_id: int
    product_name: str
    batch_code: str | None
    quantity: int


class TransferItemOut(msgspec.Struct):
    product_id: int
    product_name: str
    batch_code: str | None
    expires_on: dt.date | None
    ownership: str
    quantity_sent: int
    quantity_received: int | None
    discrepancy_reason: str | None


class TransferOut(msgspec.Struct):
    id: int
    status: str
    from_location: str
    from_name: str
    to_location: str
    to_name: str
    note: str | None
    created_at: dt.datetime
    sent_at: dt.datetime | None
    received_at: dt.datetime | None
    lines: list[TransferLineOut]
    items: list[TransferItemOut]
    units_sent: int
    units_received: int | None


class CountLineOut(msgspec.Struct):
    product_id: int
    product_name: str
    batch_code: str | None
    ownership: str
    counted: int | None
    expected: int | None  # hidden (null) on an open blind count
    difference: int | None
    reason: str | None


class CountOut(msgspec.Struct):
    id: int
    location: str
    scope: str
    blind: bool
    status: str
    note: str | None
    created_at: dt.datetime
    posted_at: dt.datetime | None
    lines: list[CountLineOut]
    counted_lines: int
    adjusted_units: int  # sum of the differences posted (negative: fewer than expected)


class CountVarianceOut(msgspec.Struct):
    line: int  # its place in the count's ``lines``
    product_id: int
    product_name: str
    batch_code: str | None
    ownership: str
    counted: int
    expected: int | None  # null on an open blind count, as every figure below
    difference: int | None
    value_vnd: int | None
    reason: str | None


class CountReviewOut(msgspec.Struct):
    """What posting the count will change: read before posting."""

    count_id: int
    blind: bool
    lines_on_sheet: int
    lines_counted: int
    units_counted: int
    reason_over_vnd: int  # a difference worth more needs a reason
    units_lost: int | None
    units_found: int | None
    value_lost_vnd: int | None
    value_found_vnd: int | None
    largest: list[CountVarianceOut]  # the largest differences, by value
    need_reason: list[CountVarianceOut]  # lines that cannot be posted without a reason


class ExpiringOut(msgspec.Struct):
    product: ProductRef
    batch: BatchOut
    ownership: str
    on_hand: int
    days_left: int


class ComplianceOut(msgspec.Struct):
    """How much of what a sales point holds is certified OCOP, and how much is local."""

    location: str
    products_on_hand: int
    certified_products: int  # OCOP ≥3★ with an active certificate today
    own_province_products: int
    certified_share: float
    own_province_share: float
    units_on_hand: int
    certified_units: int
    own_province_units: int


class ReorderOut(msgspec.Struct):
    product: ProductRef
    available: int
    minimum: int | None
    sold_last_30_days: int
    days_of_cover: float | None
    suggested_quantity: int


class ReconciliationLineOut(msgspec.Struct):
    product: ProductRef
    batch_code: str | None
    ownership: str
    on_hand: int
    came_from: str | None  # the location it was transferred from, or the producer it came from
    came_from_kind: Literal["location", "producer"] | None


class ReconciliationOut(msgspec.Struct):
    location: str
    ends_on: dt.date | None
    ended: bool
    units_left: int
    in_transit_in: int
    lines: list[ReconciliationLineOut]
