"""incoming bank credits (SePay's notifications of transfers), matched against the VietQR
reference of a till sale or an online order, or kept for the office (issue 19)

A new table only: a fresh and an existing database upgrade in place.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shop.db_types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_credit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum("sepay", name="credit_source", native_enum=False, create_constraint=True, length=16),
            nullable=False,
        ),
        sa.Column("transaction_id", sa.String(length=100), nullable=False),
        sa.Column("amount_vnd", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.String(length=1000), nullable=False),
        sa.Column("account_number", sa.String(length=40), nullable=True),
        sa.Column("sub_account", sa.String(length=40), nullable=True),
        sa.Column("bank", sa.String(length=60), nullable=True),
        sa.Column("code", sa.String(length=60), nullable=True),
        sa.Column("bank_reference", sa.String(length=100), nullable=True),
        sa.Column("transacted_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=True),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("sale_id", sa.Integer(), nullable=True),
        sa.Column("expected_vnd", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "matched",
                "unmatched",
                "attached",
                "dismissed",
                name="credit_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column(
            "problem",
            sa.Enum(
                "no_reference",
                "unknown_reference",
                "awaiting_sale",
                "amount_differs",
                "already_paid",
                "not_a_transfer",
                "order_closed",
                "other_account",
                "not_paid",
                name="credit_problem",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("outcome", sa.String(length=300), nullable=False),
        sa.Column("resolved_by", sa.String(length=80), nullable=True),
        sa.Column("resolved_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "status <> 'unmatched' OR problem IS NOT NULL", name=op.f("ck_bank_credit_unmatched_says_why")
        ),
        sa.CheckConstraint("amount_vnd > 0", name=op.f("ck_bank_credit_amount_positive")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_bank_credit_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["customer_order.id"], name=op.f("fk_bank_credit_order_id_customer_order")
        ),
        sa.ForeignKeyConstraint(["sale_id"], ["till_sale.id"], name=op.f("fk_bank_credit_sale_id_till_sale")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_credit")),
        sa.UniqueConstraint("source", "transaction_id", name=op.f("uq_bank_credit_source_transaction_id")),
    )
    with op.batch_alter_table("bank_credit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_credit_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_bank_credit_reference", ["reference"], unique=False)
        batch_op.create_index(batch_op.f("ix_bank_credit_sale_id"), ["sale_id"], unique=False)
        batch_op.create_index("ix_bank_credit_status", ["status", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bank_credit", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_credit_status")
        batch_op.drop_index(batch_op.f("ix_bank_credit_sale_id"))
        batch_op.drop_index("ix_bank_credit_reference")
        batch_op.drop_index(batch_op.f("ix_bank_credit_order_id"))

    op.drop_table("bank_credit")
