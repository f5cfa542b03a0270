"""E-invoice sellers and the invoices queued for them (issue 19).

An invoice row is written in the transaction that commits its source (a till sale, a
return, a paid online order, a cancelled online line) and issued afterwards by ``ocop jobs
run`` through the seller's provider. ``transaction_uuid`` is derived from the source, so
every retry (after a timeout, a crash, a second runner) names the same invoice to the
provider, which never issues it twice.
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import PortableUUID, UTCDateTime, utcnow
from shop.enums import enum_column


class SourceKind(StrEnum):
    till_sale = "till_sale"  # a sale at a till: a cash-register invoice (series …M…)
    till_return = "till_return"  # goods brought back: an adjustment of the sale's invoice
    online_order = "online_order"  # an online order once paid
    order_line = "order_line"  # an online line cancelled or rejected after payment: an adjustment


class InvoiceStatus(StrEnum):
    pending = "pending"  # queued, or waiting for the provider to come back
    issued = "issued"  # the provider issued it: number and lookup code known
    failed = "failed"  # the provider refused it: the office corrects and retries
    cancelled = "cancelled"  # issued, then cancelled at the provider


class Provider(StrEnum):
    viettel = "viettel"  # Viettel SInvoice (REST)


class InvoiceSeller(Base):
    """Who invoices: a sales point, a cooperative, or (neither) the operator by default."""

    __tablename__ = "invoice_seller"
    __table_args__ = (
        sa.CheckConstraint("location_id IS NULL OR producer_id IS NULL", name="one_owner"),
        sa.CheckConstraint("vat_percent IS NULL OR vat_percent IN (0, 5, 8, 10)", name="vat_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"), unique=True)
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producer.id"), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))  # the legal name printed on the invoice
    tax_code: Mapped[str] = mapped_column(sa.String(14))
    address: Mapped[str] = mapped_column(sa.String(300))
    provider: Mapped[Provider] = mapped_column(enum_column(Provider, "invoice_provider", 16))
    template_code: Mapped[str] = mapped_column(sa.String(20))  # e.g. "1/001" (form 1: VAT)
    till_series: Mapped[str] = mapped_column(sa.String(8))  # cash-register invoices, e.g. 1C25MBH
    other_series: Mapped[str] = mapped_column(sa.String(8))  # online orders, e.g. 1C25TAA
    # The VAT rate included in the prices; NULL: not subject to VAT (sent as "no tax").
    vat_percent: Mapped[int | None] = mapped_column(sa.SmallInteger)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invoice(Base):
    """One e-invoice to issue (or issued) for one source document."""

    __tablename__ = "e_invoice"
    __table_args__ = (
        sa.UniqueConstraint("source_kind", "source_id"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint(
            "status <> 'issued' OR (invoice_no IS NOT NULL AND issued_at IS NOT NULL)",
            name="issued_has_number",
        ),
        sa.Index("ix_e_invoice_due", "status", "next_attempt_at"),
        sa.Index("ix_e_invoice_location", "location_id", "id"),
        sa.Index("ix_e_invoice_order", "order_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_kind: Mapped[SourceKind] = mapped_column(enum_column(SourceKind, "invoice_source", 16))
    source_id: Mapped[int] = mapped_column(sa.Integer)
    # uuid5 of the source: the provider's idempotency key, the same at every attempt.
    transaction_uuid: Mapped[uuid.UUID] = mapped_column(PortableUUID, unique=True)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))  # the till's
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer_order.id"))
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)  # negative for an adjustment down
    status: Mapped[InvoiceStatus] = mapped_column(enum_column(InvoiceStatus, "invoice_status", 10))
    seller_id: Mapped[int | None] = mapped_column(sa.ForeignKey("invoice_seller.id"))  # set when issued
    adjusts_id: Mapped[int | None] = mapped_column(sa.ForeignKey("e_invoice.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    # What the provider answered.
    template_code: Mapped[str | None] = mapped_column(sa.String(20))
    series: Mapped[str | None] = mapped_column(sa.String(8))
    invoice_no: Mapped[str | None] = mapped_column(sa.String(30))
    lookup_code: Mapped[str | None] = mapped_column(sa.String(60))  # the buyer's code to look it up
    tax_authority_code: Mapped[str | None] = mapped_column(sa.String(60))  # MCCQT, if the provider gives it
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A buyer who asked for a named invoice (else an anonymous retail buyer).
    buyer_name: Mapped[str | None] = mapped_column(sa.String(200))
    buyer_tax_code: Mapped[str | None] = mapped_column(sa.String(14))
    buyer_address: Mapped[str | None] = mapped_column(sa.String(300))
    buyer_email: Mapped[str | None] = mapped_column(sa.String(254))
