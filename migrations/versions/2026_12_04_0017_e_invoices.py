"""e-invoices: the sellers that invoice (tax code, template, series, provider) and the
invoices queued with their till sale, return or online order (issue 19)

New tables only, so both a fresh and an existing database upgrade in place.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04 12:36:18.815595
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shop.db_types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "invoice_seller",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("producer_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tax_code", sa.String(length=14), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column(
            "provider",
            sa.Enum("viettel", name="invoice_provider", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("template_code", sa.String(length=20), nullable=False),
        sa.Column("till_series", sa.String(length=8), nullable=False),
        sa.Column("other_series", sa.String(length=8), nullable=False),
        sa.Column("vat_percent", sa.SmallInteger(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "location_id IS NULL OR producer_id IS NULL", name=op.f("ck_invoice_seller_one_owner")
        ),
        sa.CheckConstraint(
            "vat_percent IS NULL OR vat_percent IN (0, 5, 8, 10)", name=op.f("ck_invoice_seller_vat_known")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_invoice_seller_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_invoice_seller_producer_id_producer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_seller")),
        sa.UniqueConstraint("location_id", name=op.f("uq_invoice_seller_location_id")),
        sa.UniqueConstraint("producer_id", name=op.f("uq_invoice_seller_producer_id")),
    )
    op.create_table(
        "e_invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "source_kind",
            sa.Enum(
                "till_sale",
                "till_return",
                "online_order",
                "order_line",
                name="invoice_source",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("transaction_uuid", shop.db_types.PortableUUID(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("total_vnd", sa.BigInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "issued",
                "failed",
                "cancelled",
                name="invoice_status",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("seller_id", sa.Integer(), nullable=True),
        sa.Column("adjusts_id", sa.Integer(), nullable=True),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("template_code", sa.String(length=20), nullable=True),
        sa.Column("series", sa.String(length=8), nullable=True),
        sa.Column("invoice_no", sa.String(length=30), nullable=True),
        sa.Column("lookup_code", sa.String(length=60), nullable=True),
        sa.Column("tax_authority_code", sa.String(length=60), nullable=True),
        sa.Column("issued_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("buyer_name", sa.String(length=200), nullable=True),
        sa.Column("buyer_tax_code", sa.String(length=14), nullable=True),
        sa.Column("buyer_address", sa.String(length=300), nullable=True),
        sa.Column("buyer_email", sa.String(length=254), nullable=True),
        sa.CheckConstraint(
            "status <> 'issued' OR (invoice_no IS NOT NULL AND issued_at IS NOT NULL)",
            name=op.f("ck_e_invoice_issued_has_number"),
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_e_invoice_attempts_not_negative")),
        sa.ForeignKeyConstraint(
            ["adjusts_id"], ["e_invoice.id"], name=op.f("fk_e_invoice_adjusts_id_e_invoice")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_e_invoice_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["customer_order.id"], name=op.f("fk_e_invoice_order_id_customer_order")
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"], ["invoice_seller.id"], name=op.f("fk_e_invoice_seller_id_invoice_seller")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_e_invoice")),
        sa.UniqueConstraint("source_kind", "source_id", name=op.f("uq_e_invoice_source_kind_source_id")),
        sa.UniqueConstraint("transaction_uuid", name=op.f("uq_e_invoice_transaction_uuid")),
    )
    with op.batch_alter_table("e_invoice", schema=None) as batch_op:
        batch_op.create_index("ix_e_invoice_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_e_invoice_location", ["location_id", "id"], unique=False)
        batch_op.create_index("ix_e_invoice_order", ["order_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("e_invoice", schema=None) as batch_op:
        batch_op.drop_index("ix_e_invoice_order")
        batch_op.drop_index("ix_e_invoice_location")
        batch_op.drop_index("ix_e_invoice_due")

    op.drop_table("e_invoice")
    op.drop_table("invoice_seller")
