"""The office's exchange rates, for the approximate prices a visitor sees in their currency."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow


class CurrencyRate(Base):
    """What one unit of a foreign currency is worth in đồng, as the office last set it."""

    __tablename__ = "currency_rate"
    __table_args__ = (sa.CheckConstraint("vnd_per_unit > 0", name="rate_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), unique=True)  # ISO 4217: USD, KRW…
    vnd_per_unit: Mapped[Decimal] = mapped_column(sa.Numeric(14, 4))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
