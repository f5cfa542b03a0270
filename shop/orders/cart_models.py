"""Carts and the office's shipping fees per province: the order before it is placed.

A cart is anonymous: its id (a random UUID) is the only key, kept in a cookie. It lives in
the database so that several app instances share it and it survives a browser restart.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import PortableUUID, UTCDateTime, utcnow


class Cart(Base):
    __tablename__ = "cart"

    id: Mapped[uuid.UUID] = mapped_column(PortableUUID, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the cart became an order: it is then closed to changes.
    ordered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class CartLine(Base):
    __tablename__ = "cart_line"
    __table_args__ = (
        sa.UniqueConstraint("cart_id", "product_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cart_id: Mapped[uuid.UUID] = mapped_column(PortableUUID, sa.ForeignKey("cart.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ShippingRate(Base):
    """The delivery fee to one province; the row without a province is everywhere else."""

    __tablename__ = "shipping_rate"
    __table_args__ = (
        sa.CheckConstraint("fee_vnd >= 0", name="fee_not_negative"),
        sa.CheckConstraint("free_from_vnd IS NULL OR free_from_vnd > 0", name="free_from_positive"),
        sa.Index(
            "uq_shipping_rate_province",
            "province_id",
            unique=True,
            sqlite_where=sa.text("province_id IS NOT NULL"),
            postgresql_where=sa.text("province_id IS NOT NULL"),
        ),
        # One default row at most: the flag is set exactly when there is no province.
        sa.CheckConstraint("is_default = (province_id IS NULL)", name="default_has_no_province"),
        sa.Index(
            "uq_shipping_rate_default",
            "is_default",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    is_default: Mapped[bool] = mapped_column(default=False)
    fee_vnd: Mapped[int] = mapped_column(sa.BigInteger)
    # Orders of at least this much (before shipping) ship free.
    free_from_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
