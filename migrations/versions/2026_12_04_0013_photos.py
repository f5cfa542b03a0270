"""photos: stored images (shop.media), a product's photos in order with alt text per
language, one photo per producer and per location (issue 17)

New tables and nullable columns only, so both a fresh and an existing database upgrade in
place.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 07:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import shop.db_types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stored_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("source_format", sa.String(length=10), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", shop.db_types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("width > 0 AND height > 0", name=op.f("ck_stored_image_dimensions")),
        sa.CheckConstraint("size_bytes > 0", name=op.f("ck_stored_image_size_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_image")),
    )
    op.create_index(op.f("ix_stored_image_digest"), "stored_image", ["digest"], unique=False)
    op.create_table(
        "product_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("alt", sa.JSON(), nullable=False),
        sa.Column("created_at", shop.db_types.UTCDateTime(), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_product_image_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["stored_image.id"],
            name=op.f("fk_product_image_image_id_stored_image"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["product.id"],
            name=op.f("fk_product_image_product_id_product"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_product_image")),
        sa.UniqueConstraint("image_id", name=op.f("uq_product_image_image_id")),
    )
    op.create_index("ix_product_image_order", "product_image", ["product_id", "position", "id"], unique=False)
    for table, column in PHOTO_COLUMNS:
        _add_photo_column(table, column)


# Each table gains a nullable column naming its photo.
PHOTO_COLUMNS = (("product", "main_image_id"), ("producer", "image_id"), ("location", "image_id"))


def _fk_name(table: str, column: str) -> str:
    return f"fk_{table}_{column}_stored_image"


def _batch(table: str) -> Any:
    """SQLite changes a foreign key only by rebuilding the table from its reflection, which
    cannot see the datetimes' declared type (they would come back NUMERIC): name it."""
    columns = sa.inspect(op.get_bind()).get_columns(table)
    dates = [
        sa.Column(c["name"], shop.db_types.UTCDateTime(), nullable=c["nullable"])
        for c in columns
        if c["name"].endswith("_at")
    ]
    return op.batch_alter_table(table, reflect_args=dates)


def _add_photo_column(table: str, column: str) -> None:
    with _batch(table) as batch_op:
        batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            _fk_name(table, column), "stored_image", [column], ["id"], ondelete="SET NULL"
        )


def _drop_photo_column(table: str, column: str) -> None:
    with _batch(table) as batch_op:
        batch_op.drop_constraint(_fk_name(table, column), type_="foreignkey")
        batch_op.drop_column(column)


def downgrade() -> None:
    for table, column in reversed(PHOTO_COLUMNS):
        _drop_photo_column(table, column)
    op.drop_index("ix_product_image_order", table_name="product_image")
    op.drop_table("product_image")
    op.drop_index(op.f("ix_stored_image_digest"), table_name="stored_image")
    op.drop_table("stored_image")
