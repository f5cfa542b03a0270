"""Payments mirror the provider's objects by id; webhook events are stored once each."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


class Provider(StrEnum):
    stripe = "stripe"
    vietqr = "vietqr"
    cod = "cod"


class PaymentStatus(StrEnum):
    pending = "pending"
    succeeded = "succeeded"
    failed = "failed"  # the last attempt failed; the customer may try again until expiry
    expired = "expired"
    mismatch = "mismatch"  # money arrived but not the amount owed: the office decides


class Payment(Base):
    __tablename__ = "payment"
    __table_args__ = (
        sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),
        sa.CheckConstraint("received_vnd >= 0 AND refunded_vnd >= 0", name="amounts_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("customer_order.id"), index=True)
    provider: Mapped[Provider] = mapped_column(enum_column(Provider, "payment_provider", 10))
    status: Mapped[PaymentStatus] = mapped_column(enum_column(PaymentStatus, "payment_status", 10))
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # The provider's ids: a Stripe Checkout Session and its PaymentIntent.
    external_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    intent_id: Mapped[str | None] = mapped_column(sa.String(255), index=True)
    redirect_url: Mapped[str | None] = mapped_column(sa.String(2000))
    received_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    refunded_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    failure: Mapped[str | None] = mapped_column(sa.String(300))
    confirmed_by: Mapped[str | None] = mapped_column(sa.String(80))  # who saw a transfer arrive
    # The bank's reference of that transfer (its statement line), as the office typed it.
    bank_reference: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookEvent(Base):
    """One row per provider event id: the insert that conflicts is a replay, done nothing."""

    __tablename__ = "webhook_event"
    __table_args__ = (sa.UniqueConstraint("provider", "event_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[Provider] = mapped_column(enum_column(Provider, "webhook_provider", 10))
    event_id: Mapped[str] = mapped_column(sa.String(255))
    type: Mapped[str] = mapped_column(sa.String(100))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customer_order.id"), index=True)
    outcome: Mapped[str] = mapped_column(sa.String(300))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RefundStatus(StrEnum):
    pending = "pending"  # asked of the provider; retried until it answers
    succeeded = "succeeded"
    failed = "failed"


class PaymentRefund(Base):
    """Money given back for order lines that will not be delivered (one row per reason)."""

    __tablename__ = "payment_refund"
    __table_args__ = (sa.CheckConstraint("amount_vnd > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("payment.id"), index=True)
    # What is refunded, e.g. "line:12": the same reason never refunds twice.
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    status: Mapped[RefundStatus] = mapped_column(enum_column(RefundStatus, "refund_status", 10))
    external_id: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
