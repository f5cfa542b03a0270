"""Where stock lives and how it changes: locations, batches, stock levels and the ledger.

Every change to a stock level is a :class:`Movement` row written in the same transaction
(``shop.inventory.ledger`` is the one module that writes both). The database enforces what
must hold whatever writes the rows: quantities never negative, reserved never above on hand,
a movement's location and product equal to its stock level's, a batch's product equal to its
stock level's. Movements are append-only: triggers (migration 0003) refuse UPDATE and DELETE.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column
from shop.geo.models import Area, Place


class LocationKind(StrEnum):
    sales_point = "sales_point"  # permanent shop or showroom serving an area
    fair = "fair"  # a trade fair, open between two dates
    producer = "producer"  # a cooperative's own warehouse


# The kinds the public sees (a producer's warehouse is not a shop).
PUBLIC_KINDS = (LocationKind.sales_point, LocationKind.fair)
DEFAULT_COUNT_REASON_OVER_VND = 500_000  # the office sets each location's own


class Ownership(StrEnum):
    owned = "owned"  # belongs to whoever runs the location (bought, or a producer's own stock)
    consigned = "consigned"  # still the product's producer's: settled when sold


class MovementKind(StrEnum):
    receipt = "receipt"  # goods received from a producer (purchase or consignment)
    transfer_out = "transfer_out"  # left for another location (in transit)
    transfer_in = "transfer_in"  # arrived from another location
    sale = "sale"  # sold at the till
    online_sale = "online_sale"  # an online order shipped or picked up
    customer_return = "customer_return"  # a customer brought goods back
    producer_return = "producer_return"  # unsold consigned goods handed back to the producer
    count_adjustment = "count_adjustment"  # counted differs from expected
    write_off = "write_off"  # damaged, expired or lost
    reservation = "reservation"  # held for an online order (on hand unchanged)
    release = "release"  # a reservation given back (expired, cancelled or fulfilled)
    # Rule 7: a till sale synced late found too little stock. The goods were sold, so the
    # shortfall is booked in first (and the location flagged for a count), then the sale.
    unrecorded_stock = "unrecorded_stock"


class DocumentKind(StrEnum):
    """What a movement refers to: the document that explains it."""

    receipt = "receipt"
    transfer = "transfer"
    stock_count = "count"  # (a member named "count" would hide str.count)
    write_off = "write_off"
    producer_return = "producer_return"
    sale = "sale"
    sale_return = "sale_return"
    order = "order"


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (
        sa.CheckConstraint(
            "kind <> 'fair' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
            name="fair_has_dates",
        ),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="date_order"),
        sa.CheckConstraint("kind <> 'producer' OR producer_id IS NOT NULL", name="warehouse_has_producer"),
        sa.CheckConstraint("count_reason_over_vnd >= 0", name="count_reason_threshold_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[LocationKind] = mapped_column(enum_column(LocationKind, "location_kind"))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))  # today's commune
    address: Mapped[str | None] = mapped_column(sa.String(300))
    opening_hours: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    starts_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    # The account customers pay by bank transfer (VietQR): NAPAS bank BIN, number, holder.
    bank_bin: Mapped[str | None] = mapped_column(sa.String(6))
    bank_account_number: Mapped[str | None] = mapped_column(sa.String(19))
    bank_account_name: Mapped[str | None] = mapped_column(sa.String(100))
    # Rule 7: stock turned out wrong (a late sale found too little): count here soon.
    count_flagged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    count_flag_reason: Mapped[str | None] = mapped_column(sa.String(300))
    # A count line that gains or loses more than this value (units × unit value) is posted
    # only with a reason: a slip of the finger must not wipe out stock unnoticed.
    count_reason_over_vnd: Mapped[int] = mapped_column(
        sa.BigInteger,
        default=DEFAULT_COUNT_REASON_OVER_VND,
        server_default=str(DEFAULT_COUNT_REASON_OVER_VND),
    )
    # One photo of the shop front, so a tourist recognises it (shop.media).
    image_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stored_image.id", ondelete="SET NULL"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="raise")
    place: Mapped[Place | None] = relationship(lazy="raise")


class Batch(Base):
    """A production lot of one product. ``code`` NULL is the product's one unlabelled lot."""

    __tablename__ = "batch"
    __table_args__ = (
        sa.CheckConstraint(
            "expires_on IS NULL OR produced_on IS NULL OR expires_on >= produced_on",
            name="expiry_after_production",
        ),
        sa.UniqueConstraint("id", "product_id"),  # target of stock_level's composite key
        sa.Index(
            "uq_batch_product_code",
            "product_id",
            "code",
            unique=True,
            sqlite_where=sa.text("code IS NOT NULL"),
            postgresql_where=sa.text("code IS NOT NULL"),
        ),
        sa.Index(
            "uq_batch_product_unlabelled",
            "product_id",
            unique=True,
            sqlite_where=sa.text("code IS NULL"),
            postgresql_where=sa.text("code IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    code: Mapped[str | None] = mapped_column(sa.String(60))
    produced_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    expires_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    trace_code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


DateBound = dt.date | sa.BindParameter[dt.date]


def open_on(on: DateBound) -> sa.ColumnElement[bool]:
    """A location open that day: opened by then and not closed before (a fair has both
    dates; a sales point, usually neither)."""
    return sa.and_(
        sa.or_(Location.starts_on.is_(None), Location.starts_on <= on),
        sa.or_(Location.ends_on.is_(None), Location.ends_on >= on),
    )


def public_on(on: DateBound) -> sa.ColumnElement[bool]:
    """A sales point or fair the public can buy at that day."""
    return sa.and_(Location.kind.in_(PUBLIC_KINDS), open_on(on))


def fresh_on(on: DateBound) -> sa.ColumnElement[bool]:
    """A batch still good that day (one without an expiry date always is)."""
    return sa.or_(Batch.expires_on.is_(None), Batch.expires_on >= on)


class StockLevel(Base):
    """What one location holds of one batch under one ownership."""

    __tablename__ = "stock_level"
    __table_args__ = (
        sa.CheckConstraint("on_hand >= 0", name="on_hand_not_negative"),
        sa.CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved_within_on_hand"),
        sa.CheckConstraint("unit_cost_vnd IS NULL OR unit_cost_vnd >= 0", name="unit_cost_not_negative"),
        sa.CheckConstraint(
            "commission_bp IS NULL OR (commission_bp >= 0 AND commission_bp <= 10000)",
            name="commission_range",
        ),
        sa.CheckConstraint(
            "ownership = 'consigned' OR commission_bp IS NULL", name="commission_if_consigned"
        ),
        sa.UniqueConstraint("location_id", "batch_id", "ownership"),
        sa.UniqueConstraint("id", "location_id", "product_id"),  # target of movement's composite key
        sa.ForeignKeyConstraint(["batch_id", "product_id"], ["batch.id", "batch.product_id"]),
        sa.Index("ix_stock_level_location_product", "location_id", "product_id"),
        sa.Index("ix_stock_level_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    batch_id: Mapped[int] = mapped_column(sa.Integer)
    ownership: Mapped[Ownership] = mapped_column(enum_column(Ownership, "ownership", 12))
    on_hand: Mapped[int] = mapped_column(sa.Integer, default=0)
    reserved: Mapped[int] = mapped_column(sa.Integer, default=0)
    # Owned: weighted average cost. Consigned: the agreed producer price (NULL on commission).
    unit_cost_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    commission_bp: Mapped[int | None] = mapped_column(sa.Integer)  # consignment on commission
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Movement(Base):
    """One line of the append-only stock ledger."""

    __tablename__ = "stock_movement"
    __table_args__ = (
        sa.CheckConstraint("quantity <> 0 OR reserved_change <> 0", name="changes_something"),
        sa.CheckConstraint("on_hand_after >= 0", name="balance_not_negative"),
        sa.ForeignKeyConstraint(
            ["stock_level_id", "location_id", "product_id"],
            ["stock_level.id", "stock_level.location_id", "stock_level.product_id"],
        ),
        sa.Index("ix_stock_movement_location_id", "location_id", "id"),
        sa.Index("ix_stock_movement_level_id", "stock_level_id", "id"),
        sa.Index("ix_stock_movement_product_id", "product_id", "id"),
        sa.Index("ix_stock_movement_document", "document_kind", "document_id"),
        # A level's recent sales (the slow-movers report), only the rows that are sales.
        sa.Index(
            "ix_stock_movement_sales_at",
            "stock_level_id",
            "at",
            sqlite_where=sa.text("kind IN ('sale', 'online_sale')"),
            postgresql_where=sa.text("kind IN ('sale', 'online_sale')"),
        ),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    stock_level_id: Mapped[int] = mapped_column(sa.Integer)
    location_id: Mapped[int] = mapped_column(sa.Integer)
    product_id: Mapped[int] = mapped_column(sa.Integer)
    kind: Mapped[MovementKind] = mapped_column(enum_column(MovementKind, "movement_kind"))
    quantity: Mapped[int] = mapped_column(sa.Integer)  # change to on hand, signed
    reserved_change: Mapped[int] = mapped_column(sa.Integer, default=0)
    on_hand_after: Mapped[int] = mapped_column(sa.Integer)
    unit_value_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    # The level's commission when the units moved: a sale is settled under the terms it was
    # made under, whatever the level's are later (none on rows older than migration 0011).
    commission_bp: Mapped[int | None] = mapped_column(sa.Integer)
    ownership: Mapped[Ownership] = mapped_column(enum_column(Ownership, "ownership", 12))
    document_kind: Mapped[DocumentKind | None] = mapped_column(enum_column(DocumentKind, "document_kind"))
    document_id: Mapped[int | None] = mapped_column(sa.BigInteger)
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StockThreshold(Base):
    """Low-stock level for one product at one location (reorder below it)."""

    __tablename__ = "stock_threshold"
    __table_args__ = (
        sa.UniqueConstraint("location_id", "product_id"),
        sa.CheckConstraint("minimum >= 0", name="minimum_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    minimum: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
