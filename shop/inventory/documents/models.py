"""The documents behind movements (tables): receipts, transfers, counts, write-offs, returns.

A movement says what changed; its document says why and who agreed to it. Documents that a
form or a flaky connection may send twice carry an optional client id: the same id again
answers the document already made instead of making another, even when both copies arrive
at the same instant (:func:`claim_client_id`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base, dialect_of
from shop.db_types import PortableUUID, UTCDateTime, utcnow
from shop.enums import enum_column
from shop.inventory.models import Ownership


class ReceiptKind(StrEnum):
    purchase = "purchase"  # bought from the producer at a unit cost
    consignment = "consignment"  # the producer keeps ownership until it sells


class TransferStatus(StrEnum):
    draft = "draft"  # being prepared; nothing has moved
    sent = "sent"  # left the source; in transit
    received = "received"  # arrived (quantities as received, discrepancies recorded)
    cancelled = "cancelled"  # abandoned while a draft


class CountScope(StrEnum):
    full = "full"  # every stock level of the location
    partial = "partial"  # chosen products only


class CountStatus(StrEnum):
    open = "open"  # being counted
    posted = "posted"  # adjustments written to the ledger
    cancelled = "cancelled"


class WriteOffReason(StrEnum):
    damaged = "damaged"
    expired = "expired"
    lost = "lost"
    other = "other"


def _client_id() -> Mapped[uuid.UUID | None]:
    return mapped_column(PortableUUID, unique=True)


# The first key of PostgreSQL's two-key advisory locks taken on a document's client id.
CLIENT_ID_LOCKS = 0x0C0D


CLAIM = sa.func.pg_advisory_xact_lock(CLIENT_ID_LOCKS, sa.bindparam("claim_key", type_=sa.Integer))
_CLAIM = sa.select(CLAIM)


async def claim_client_id(session: AsyncSession, client_id: uuid.UUID | None) -> None:
    """Wait until no other transaction is making a document with this client id, so that
    a copy sent at the same instant finds the first's document (committed by then) instead
    of failing on the unique index. On PostgreSQL a transaction-scoped advisory lock; SQLite
    runs one write transaction at a time already."""
    if client_id is None or dialect_of(session) != "postgresql":
        return
    await session.execute(_CLAIM, {"claim_key": claim_key(client_id)})


def claim_key(client_id: uuid.UUID) -> int:
    """The lock's key for this client id (the lock's namespace is ``CLIENT_ID_LOCKS``; a till
    sale takes it in the statement that reads its shift)."""
    return int.from_bytes(client_id.bytes[:4], "big", signed=True)  # a shared key only waits


class Receipt(Base):
    """Goods received at a location from their producer."""

    __tablename__ = "stock_receipt"
    __table_args__ = (
        sa.CheckConstraint(
            "commission_bp IS NULL OR (commission_bp >= 0 AND commission_bp <= 10000)",
            name="commission_range",
        ),
        sa.CheckConstraint("kind = 'consignment' OR commission_bp IS NULL", name="commission_if_consigned"),
        sa.Index("ix_stock_receipt_location_id", "location_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID | None] = _client_id()
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    kind: Mapped[ReceiptKind] = mapped_column(enum_column(ReceiptKind, "receipt_kind", 12))
    commission_bp: Mapped[int | None] = mapped_column(sa.Integer)
    delivery_note: Mapped[str | None] = mapped_column(sa.String(60))  # the producer's paper
    note: Mapped[str | None] = mapped_column(sa.String(500))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReceiptLine(Base):
    __tablename__ = "stock_receipt_line"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_cost_vnd IS NULL OR unit_cost_vnd >= 0", name="unit_cost_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_receipt.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("batch.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)
    unit_cost_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)


class Transfer(Base):
    """Stock moving between two locations: draft → sent → received (or cancelled)."""

    __tablename__ = "stock_transfer"
    __table_args__ = (
        sa.CheckConstraint("from_location_id <> to_location_id", name="two_locations"),
        sa.Index("ix_stock_transfer_from", "from_location_id", "status"),
        sa.Index("ix_stock_transfer_to", "to_location_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID | None] = _client_id()
    from_location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    to_location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    status: Mapped[TransferStatus] = mapped_column(
        enum_column(TransferStatus, "transfer_status", 12), default=TransferStatus.draft
    )
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    received_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class TransferLine(Base):
    """What the sender asked to move: a product, optionally one batch of it."""

    __tablename__ = "stock_transfer_line"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_transfer.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("batch.id"))
    quantity: Mapped[int] = mapped_column(sa.Integer)


class TransferItem(Base):
    """What actually left (picked FEFO when sent) and what arrived of it."""

    __tablename__ = "stock_transfer_item"
    __table_args__ = (
        sa.CheckConstraint("quantity_sent > 0", name="sent_positive"),
        sa.CheckConstraint(
            "quantity_received IS NULL OR quantity_received >= 0", name="received_not_negative"
        ),
        sa.CheckConstraint(
            "quantity_received IS NULL OR quantity_received = quantity_sent "
            "OR discrepancy_reason IS NOT NULL",
            name="discrepancy_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_transfer.id"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_transfer_line.id"))
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("batch.id"))
    ownership: Mapped[Ownership] = mapped_column(enum_column(Ownership, "ownership", 12))
    unit_cost_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    commission_bp: Mapped[int | None] = mapped_column(sa.Integer)
    quantity_sent: Mapped[int] = mapped_column(sa.Integer)
    quantity_received: Mapped[int | None] = mapped_column(sa.Integer)
    discrepancy_reason: Mapped[str | None] = mapped_column(sa.String(300))


class StockCount(Base):
    """A stock count (kiểm kê): full or partial, optionally blind."""

    __tablename__ = "stock_count"
    __table_args__ = (sa.Index("ix_stock_count_location_id", "location_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"))
    scope: Mapped[CountScope] = mapped_column(enum_column(CountScope, "count_scope", 10))
    blind: Mapped[bool] = mapped_column(default=False)  # counters do not see the expected figures
    status: Mapped[CountStatus] = mapped_column(
        enum_column(CountStatus, "count_status", 10), default=CountStatus.open
    )
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    posted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    posted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class StockCountLine(Base):
    """One batch and ownership on the count sheet; ``expected`` is fixed when it is posted."""

    __tablename__ = "stock_count_line"
    __table_args__ = (
        sa.UniqueConstraint("count_id", "batch_id", "ownership"),
        sa.CheckConstraint("counted IS NULL OR counted >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    count_id: Mapped[int] = mapped_column(sa.ForeignKey("stock_count.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"))
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("batch.id"))
    ownership: Mapped[Ownership] = mapped_column(enum_column(Ownership, "ownership", 12))
    counted: Mapped[int | None] = mapped_column(sa.Integer)
    expected: Mapped[int | None] = mapped_column(sa.Integer)
    reason: Mapped[str | None] = mapped_column(sa.String(300))


class WriteOff(Base):
    """Damaged, expired or lost goods taken off the books (its lines are its movements)."""

    __tablename__ = "stock_write_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID | None] = _client_id()
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    reason: Mapped[WriteOffReason] = mapped_column(enum_column(WriteOffReason, "write_off_reason", 10))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProducerReturn(Base):
    """Unsold goods handed back to their producer (the end of a fair, a consignment ended)."""

    __tablename__ = "producer_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID | None] = _client_id()
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
