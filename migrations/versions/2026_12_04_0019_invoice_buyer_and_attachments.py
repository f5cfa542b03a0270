"""an online order's VAT-invoice buyer (name, tax code, address, email), and files attached
to outgoing emails (the e-invoice's PDF) (issue 19)

Nullable columns and a new table: a fresh and an existing database upgrade in place.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 15:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BUYER = (
    ("invoice_name", 200),
    ("invoice_tax_code", 14),
    ("invoice_address", 300),
    ("invoice_email", 254),
)


def upgrade() -> None:
    with op.batch_alter_table("customer_order", schema=None) as batch_op:
        for name, length in BUYER:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    op.create_table(
        "outgoing_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["email_id"], ["outgoing_email.id"], name=op.f("fk_outgoing_attachment_email_id_outgoing_email")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_attachment")),
    )
    with op.batch_alter_table("outgoing_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outgoing_attachment_email_id"), ["email_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outgoing_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_attachment_email_id"))
    op.drop_table("outgoing_attachment")
    with op.batch_alter_table("customer_order", schema=None) as batch_op:
        for name, _length in reversed(BUYER):
            batch_op.drop_column(name)
