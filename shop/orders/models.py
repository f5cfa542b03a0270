"""Online orders, their lines, fulfilments, stock holds and history.

An order is what the customer bought and owes; each line is routed to the location that
will fulfil it, and the lines of one location form a fulfilment (the cooperatives' part).
A hold is a reservation at one stock level for one line: it is released (expired,
cancelled) or committed (the goods left) exactly once, by a conditional update of its state.
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


class OrderStatus(StrEnum):
    awaiting_payment = "awaiting_payment"  # card or transfer: stock held until expires_at
    placed = "placed"  # cash on delivery or at pickup: stock held, to be fulfilled
    paid = "paid"
    expired = "expired"  # not paid in time: the holds were released
    cancelled = "cancelled"


OPEN_STATUSES = (OrderStatus.awaiting_payment, OrderStatus.placed, OrderStatus.paid)


class DeliveryMethod(StrEnum):
    ship = "ship"
    pickup = "pickup"


class PaymentMethod(StrEnum):
    card = "card"  # Stripe Checkout
    cod = "cod"  # cash on delivery, or at the counter for a pickup
    bank_transfer = "bank_transfer"  # VietQR; the office confirms the money arrived


class FulfilmentStatus(StrEnum):
    new = "new"
    accepted = "accepted"
    packed = "packed"
    shipped = "shipped"
    delivered = "delivered"
    rejected = "rejected"
    cancelled = "cancelled"


class LineStatus(StrEnum):
    open = "open"
    rejected = "rejected"  # the fulfilling location cannot supply it (with a reason)
    cancelled = "cancelled"  # the customer cancelled it before it was accepted


class HoldState(StrEnum):
    held = "held"
    released = "released"
    committed = "committed"


class Order(Base):
    __tablename__ = "customer_order"  # "order" is an SQL keyword
    __table_args__ = (
        sa.CheckConstraint("subtotal_vnd >= 0 AND shipping_vnd >= 0", name="amounts_not_negative"),
        sa.CheckConstraint("total_vnd = subtotal_vnd + shipping_vnd", name="total_computed"),
        sa.CheckConstraint("paid_vnd >= 0", name="paid_not_negative"),
        sa.CheckConstraint(
            "(delivery_method = 'ship' AND ship_commune_id IS NOT NULL AND pickup_location_id IS NULL)"
            " OR (delivery_method = 'pickup' AND pickup_location_id IS NOT NULL)",
            name="delivery_complete",
        ),
        sa.Index("ix_customer_order_expiry", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    # The secret in the tracking link; the order number alone shows nothing.
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(100), unique=True)
    request_hash: Mapped[str] = mapped_column(sa.String(64))
    cart_id: Mapped[uuid.UUID | None] = mapped_column(
        PortableUUID, sa.ForeignKey("cart.id", ondelete="SET NULL")
    )
    language: Mapped[str] = mapped_column(sa.String(10))
    contact_name: Mapped[str] = mapped_column(sa.String(200))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str] = mapped_column(sa.String(40))
    delivery_method: Mapped[DeliveryMethod] = mapped_column(enum_column(DeliveryMethod, "delivery_method", 8))
    ship_province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    ship_commune_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    ship_street: Mapped[str | None] = mapped_column(sa.String(300))
    pickup_location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    payment_method: Mapped[PaymentMethod] = mapped_column(
        enum_column(PaymentMethod, "order_payment_method", 16)
    )
    status: Mapped[OrderStatus] = mapped_column(enum_column(OrderStatus, "order_status", 20))
    subtotal_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    shipping_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    paid_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    # Why the office must look at it (a paid amount that does not match, paid after expiry…).
    flag: Mapped[str | None] = mapped_column(sa.String(300))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A buyer who asked for a VAT invoice in their name (else an anonymous retail buyer):
    # copied into the order's e-invoice when it is queued; the PDF goes to invoice_email.
    invoice_name: Mapped[str | None] = mapped_column(sa.String(200))
    invoice_tax_code: Mapped[str | None] = mapped_column(sa.String(14))
    invoice_address: Mapped[str | None] = mapped_column(sa.String(300))
    invoice_email: Mapped[str | None] = mapped_column(sa.String(254))


class Fulfilment(Base):
    """The lines of an order that one location (a producer's warehouse or a sales point) fulfils."""

    __tablename__ = "fulfilment"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "location_id"),
        sa.CheckConstraint("cash_collected_vnd IS NULL OR cash_collected_vnd >= 0", name="cash_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_order.id"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    status: Mapped[FulfilmentStatus] = mapped_column(enum_column(FulfilmentStatus, "fulfilment_status", 12))
    carrier: Mapped[str | None] = mapped_column(sa.String(80))
    tracking_number: Mapped[str | None] = mapped_column(sa.String(80))
    # Accept by this time (the SLA); flagged to the office once it passed unaccepted.
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    sla_flagged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cash_collected_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The order's delivery fee, if this parcel carried it (set on delivery).
    fee_carried_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderLine(Base):
    __tablename__ = "order_line"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "product_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price_vnd >= 0", name="price_not_negative"),
        sa.CheckConstraint("line_total_vnd = unit_price_vnd * quantity", name="total_computed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_order.id"), index=True)
    fulfilment_id: Mapped[int] = mapped_column(sa.ForeignKey("fulfilment.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"))
    name: Mapped[str] = mapped_column(sa.String(200))  # as sold, in Vietnamese
    unit_price_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column(sa.Integer)
    line_total_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[LineStatus] = mapped_column(
        enum_column(LineStatus, "order_line_status", 10), default=LineStatus.open, server_default="open"
    )
    reason: Mapped[str | None] = mapped_column(sa.String(300))


class OrderHold(Base):
    """Units reserved at one stock level for one order line."""

    __tablename__ = "order_hold"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_order.id"), index=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_line.id"))
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_level.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    state: Mapped[HoldState] = mapped_column(enum_column(HoldState, "hold_state", 10))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderEvent(Base):
    """The order's history: every transition, routing decision and payment, with who and when."""

    __tablename__ = "order_event"
    __table_args__ = (
        sa.Index("ix_order_event_order", "order_id", "id"),
        sa.Index("ix_order_event_kind_at", "kind", "at"),  # parcels delivered in a month
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_order.id"))
    fulfilment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("fulfilment.id"))
    kind: Mapped[str] = mapped_column(sa.String(40))  # placed, routed, paid, expired…
    status: Mapped[str | None] = mapped_column(sa.String(20))  # the state entered, if any
    actor: Mapped[str] = mapped_column(sa.String(80))  # customer, stripe, system, a username
    detail: Mapped[str | None] = mapped_column(sa.String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
