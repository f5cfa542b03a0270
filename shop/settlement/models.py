"""Settlement statements: per producer and month, what its goods sold for (consigned
goods at the sales points, online orders it delivered), the commission, refunds and
returns, and the amount due; ``draft → approved → paid``.

A draft is recomputed from the sales, the ledger and the refunds until the office approves
it; from then on its lines are what was agreed. Every line names its source (a ledger row,
an order hold, a refund, a parcel), and a source is settled on one statement only.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


class StatementStatus(StrEnum):
    draft = "draft"
    approved = "approved"
    paid = "paid"


NEXT: dict[StatementStatus, tuple[StatementStatus, ...]] = {
    StatementStatus.draft: (StatementStatus.approved,),
    StatementStatus.approved: (StatementStatus.paid,),
    StatementStatus.paid: (),
}


class LineKind(StrEnum):
    consignment_sale = "consignment_sale"  # consigned goods sold at a sales point (till or pickup)
    consignment_return = "consignment_return"  # a customer brought consigned goods back
    online_sale = "online_sale"  # an online order delivered from the producer's warehouse
    online_refund = "online_refund"  # paid, then rejected or cancelled: refunded, never the producer's
    shipping_fee = "shipping_fee"  # the order's delivery fee, for the parcel that carried it
    cash_collected = "cash_collected"  # cash on delivery the producer's courier collected


class Statement(Base):
    __tablename__ = "settlement_statement"
    __table_args__ = (
        sa.UniqueConstraint("producer_id", "month"),
        # Refunds are shown, not deducted: those lines were never a sale.
        sa.CheckConstraint(
            "amount_due_vnd = consignment_sales_vnd + consignment_returns_vnd + online_sales_vnd"
            " - commission_vnd + shipping_fees_vnd - cash_collected_vnd",
            name="due_computed",
        ),
        sa.CheckConstraint("commission_rate_bp >= 0 AND commission_rate_bp <= 10000", name="rate_range"),
        sa.Index("ix_settlement_statement_month", "month", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"))
    month: Mapped[dt.date] = mapped_column(sa.Date)  # its first day
    status: Mapped[StatementStatus] = mapped_column(enum_column(StatementStatus, "statement_status", 10))
    # The producer's rate on online sales when the lines were computed (consignment lines
    # carry their own agreement).
    commission_rate_bp: Mapped[int] = mapped_column(sa.Integer)
    consignment_sales_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    consignment_returns_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # ≤ 0
    online_sales_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    refunds_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # ≤ 0, for information
    commission_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    shipping_fees_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    cash_collected_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    amount_due_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)  # < 0: the producer owes
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    paid_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paid_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    payment_reference: Mapped[str | None] = mapped_column(sa.String(100))


class StatementLine(Base):
    __tablename__ = "settlement_line"
    __table_args__ = (
        sa.Index("ix_settlement_line_statement", "statement_id", "id"),
        sa.CheckConstraint("quantity >= 0", name="quantity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("settlement_statement.id", ondelete="CASCADE"))
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind, "settlement_line_kind", 20))
    # Where it comes from, e.g. "movement:812", "hold:40", "refund:7", "parcel:12":
    # settled once, on one statement.
    source: Mapped[str] = mapped_column(sa.String(40), unique=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    location_id: Mapped[int | None] = mapped_column(sa.ForeignKey("location.id"))
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("product.id"))
    reference: Mapped[str] = mapped_column(sa.String(60))  # the receipt or order number
    quantity: Mapped[int] = mapped_column(sa.Integer, default=0)
    amount_vnd: Mapped[int] = mapped_column(sa.BigInteger)  # what the customer paid (−: got back)
    # The terms: an agreed producer price per unit, or a commission rate.
    unit_cost_vnd: Mapped[int | None] = mapped_column(sa.BigInteger)
    commission_bp: Mapped[int | None] = mapped_column(sa.Integer)
    commission_vnd: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    due_vnd: Mapped[int] = mapped_column(sa.BigInteger)
