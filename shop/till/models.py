"""Till sales, their returns, cashier shifts and the office's clearance overrides.

A sale is written once and never changed: a return is a document of its own that names the
sale. Money is integer đồng; every total is computed by the server from the lines and
stored so that receipts reprint exactly as printed. ``client_id`` (the till's UUID) makes
a sale or return idempotent: the same id with the same payload answers the sale already
recorded (``payload_hash`` decides "the same").
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


class PaymentMethod(StrEnum):
    cash = "cash"
    bank_transfer = "bank_transfer"  # VietQR: the cashier confirms the money arrived
    card = "card"  # a card terminal; its reference is recorded


class ShiftStatus(StrEnum):
    open = "open"
    closed = "closed"


class Shift(Base):
    """One cashier's working session at a till: an opening float, then a closing count."""

    __tablename__ = "till_shift"
    __table_args__ = (
        sa.CheckConstraint("opening_float_vnd >= 0", name="float_not_negative"),
        sa.CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name="closed_has_time"),
        # One open shift per cashier and location: its sales cannot go astray.
        sa.Index(
            "uq_till_shift_open",
            "location_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        ),
        sa.Index("ix_till_shift_location", "location_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    status: Mapped[ShiftStatus] = mapped_column(enum_column(ShiftStatus, "shift_status", 8))
    opening_float_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    # What the cashier counted at closing, per method (cash in the drawer, slips, statements).
    counted_cash_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    counted_bank_transfer_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    counted_card_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    note: Mapped[str | None] = mapped_column(sa.String(500))


class Sale(Base):
    """A till sale: what was sold, for how much, and how it was paid."""

    __tablename__ = "till_sale"
    __table_args__ = (
        sa.UniqueConstraint("location_id", "number"),
        sa.CheckConstraint("total_vnd >= 0 AND discount_vnd >= 0", name="money_not_negative"),
        sa.CheckConstraint("total_vnd = subtotal_vnd - discount_vnd", name="total_is_computed"),
        sa.Index("ix_till_sale_location", "location_id", "id"),
        sa.Index("ix_till_sale_shift", "shift_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(PortableUUID, unique=True)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("till_shift.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    number: Mapped[int] = mapped_column(sa.Integer)  # per location: 1, 2, 3…
    sold_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # on the till's clock
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    subtotal_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    discount_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # Synced late (sold while the till was offline): rule 7 may have adjusted stock for it.
    late: Mapped[bool] = mapped_column(default=False)
    unrecorded_units: Mapped[int] = mapped_column(sa.Integer, default=0)


class SaleLine(Base):
    __tablename__ = "till_sale_line"
    __table_args__ = (
        sa.UniqueConstraint("sale_id", "line_no"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_vnd >= 0", name="price_not_negative"),
        sa.CheckConstraint(
            "discount_vnd >= 0 AND discount_vnd <= unit_price_vnd * quantity", name="discount_range"
        ),
        sa.CheckConstraint("total_vnd = unit_price_vnd * quantity - discount_vnd", name="total_is_computed"),
        sa.Index("ix_till_sale_line_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(sa.ForeignKey("till_sale.id"))
    line_no: Mapped[int] = mapped_column(sa.SmallInteger)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    unit_price_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    discount_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # Sold under the office's clearance of a product without an active certificate: not as OCOP.
    clearance_id: Mapped[int | None] = mapped_column(sa.ForeignKey("till_clearance.id"))


class SalePayment(Base):
    __tablename__ = "till_payment"
    __table_args__ = (
        sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),
        sa.CheckConstraint(
            "tendered_vnd IS NULL OR tendered_vnd >= amount_vnd", name="tendered_covers_amount"
        ),
        sa.Index("ix_till_payment_sale", "sale_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sale_id: Mapped[int] = mapped_column(sa.ForeignKey("till_sale.id"))
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method", 16))
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)  # what this method paid of the total
    tendered_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)  # cash handed over (change = −)
    reference: Mapped[str | None] = mapped_column(sa.String(100))  # card slip, bank reference


class SaleReturn(Base):
    """Goods a customer brought back, against one sale; refunded by its payment methods."""

    __tablename__ = "till_return"
    __table_args__ = (
        sa.CheckConstraint("total_vnd >= 0", name="total_not_negative"),
        sa.Index("ix_till_return_sale", "sale_id"),
        sa.Index("ix_till_return_location", "location_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(PortableUUID, unique=True)
    payload_hash: Mapped[str] = mapped_column(sa.String(64))
    sale_id: Mapped[int] = mapped_column(sa.ForeignKey("till_sale.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    shift_id: Mapped[int] = mapped_column(sa.ForeignKey("till_shift.id"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    reason: Mapped[str] = mapped_column(sa.String(300))
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    returned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnLine(Base):
    __tablename__ = "till_return_line"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("amount_vnd >= 0", name="amount_not_negative"),
        sa.Index("ix_till_return_line_return", "return_id"),
        sa.Index("ix_till_return_line_sale_line", "sale_line_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("till_return.id"))
    sale_line_id: Mapped[int] = mapped_column(sa.ForeignKey("till_sale_line.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    restock: Mapped[bool] = mapped_column()  # back on the shelf, else written off


class Refund(Base):
    """Money given back for a return, by one of the sale's payment methods."""

    __tablename__ = "till_refund"
    __table_args__ = (
        sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),
        sa.Index("ix_till_refund_return", "return_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(sa.ForeignKey("till_return.id"))
    method: Mapped[PaymentMethod] = mapped_column(enum_column(PaymentMethod, "payment_method", 16))
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)


class Clearance(Base):
    """The office allows a product with no active certificate to be sold off, not as OCOP."""

    __tablename__ = "till_clearance"
    __table_args__ = (
        sa.CheckConstraint("until >= starts_on", name="date_order"),
        sa.Index("ix_till_clearance_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))  # NULL: everywhere
    reason: Mapped[str] = mapped_column(sa.String(300))
    starts_on: Mapped[dt.date] = mapped_column(sa.Date)
    until: Mapped[dt.date] = mapped_column(sa.Date)
    granted_by: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Counter(Base):
    """Number sequences per location (receipt numbers): gapless, taken under the row's lock."""

    __tablename__ = "location_counter"
    __table_args__ = (sa.UniqueConstraint("location_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    name: Mapped[str] = mapped_column(sa.String(20))
    last_value: Mapped[int] = mapped_column(sa.Integer, default=0)
