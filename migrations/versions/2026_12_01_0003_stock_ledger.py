"""Stock: batches, stock levels, the append-only movement ledger and its documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Movements are append-only: a trigger refuses UPDATE and DELETE on ``stock_movement``
whatever writes them (the API, /admin, a script with a SQL prompt).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shop.db_types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY = "stock movements are append-only: correct a mistake with a new movement"


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION stock_movement_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY}';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement "
            "FOR EACH ROW EXECUTE FUNCTION stock_movement_append_only()"
        )
        return
    for event in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER stock_movement_no_{event.lower()} BEFORE {event} ON stock_movement "
            f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
        )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS stock_movement_append_only ON stock_movement")
        op.execute("DROP FUNCTION IF EXISTS stock_movement_append_only()")
        return
    for event in ("update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS stock_movement_no_{event}")


def upgrade() -> None:
    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=60), nullable=True),
        sa.Column("produced_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("trace_code", sa.String(length=16), nullable=False),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expires_on IS NULL OR produced_on IS NULL OR expires_on >= produced_on",
            name=op.f("ck_batch_expiry_after_production"),
        ),
        sa.ForeignKeyConstraint(["product_id"], ["product.id"], name=op.f("fk_batch_product_id_product")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch")),
        sa.UniqueConstraint("id", "product_id", name=op.f("uq_batch_id_product_id")),
        sa.UniqueConstraint("trace_code", name=op.f("uq_batch_trace_code")),
    )
    op.create_index(
        "uq_batch_product_code",
        "batch",
        ["product_id", "code"],
        unique=True,
        sqlite_where=sa.text("code IS NOT NULL"),
        postgresql_where=sa.text("code IS NOT NULL"),
    )
    op.create_index(
        "uq_batch_product_unlabelled",
        "batch",
        ["product_id"],
        unique=True,
        sqlite_where=sa.text("code IS NULL"),
        postgresql_where=sa.text("code IS NULL"),
    )
    op.create_table(
        "producer_return",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", shop.db_types.PortableUUID(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_producer_return_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_producer_return_producer_id_producer")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["piccolo_user.id"], name=op.f("fk_producer_return_user_id_piccolo_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_producer_return")),
        sa.UniqueConstraint("client_id", name=op.f("uq_producer_return_client_id")),
    )
    op.create_index(op.f("ix_producer_return_location_id"), "producer_return", ["location_id"], unique=False)
    op.create_table(
        "stock_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "full", "partial", name="count_scope", native_enum=False, create_constraint=True, length=10
            ),
            nullable=False,
        ),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "posted",
                "cancelled",
                name="count_status",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_by", sa.Integer(), nullable=True),
        sa.Column("posted_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["piccolo_user.id"], name=op.f("fk_stock_count_created_by_piccolo_user")
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_count_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["posted_by"], ["piccolo_user.id"], name=op.f("fk_stock_count_posted_by_piccolo_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count")),
    )
    op.create_index("ix_stock_count_location_id", "stock_count", ["location_id", "id"], unique=False)
    op.create_table(
        "stock_receipt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", shop.db_types.PortableUUID(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "purchase",
                "consignment",
                name="receipt_kind",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("commission_bp", sa.Integer(), nullable=True),
        sa.Column("delivery_note", sa.String(length=60), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("received_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind = 'consignment' OR commission_bp IS NULL",
            name=op.f("ck_stock_receipt_commission_if_consigned"),
        ),
        sa.CheckConstraint(
            "commission_bp IS NULL OR (commission_bp >= 0 AND commission_bp <= 10000)",
            name=op.f("ck_stock_receipt_commission_range"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_receipt_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_stock_receipt_producer_id_producer")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["piccolo_user.id"], name=op.f("fk_stock_receipt_user_id_piccolo_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_receipt")),
        sa.UniqueConstraint("client_id", name=op.f("uq_stock_receipt_client_id")),
    )
    op.create_index("ix_stock_receipt_location_id", "stock_receipt", ["location_id", "id"], unique=False)
    op.create_index(op.f("ix_stock_receipt_producer_id"), "stock_receipt", ["producer_id"], unique=False)
    op.create_table(
        "stock_threshold",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        sa.Column("updated_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("minimum >= 0", name=op.f("ck_stock_threshold_minimum_not_negative")),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_threshold_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_threshold_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_threshold")),
        sa.UniqueConstraint(
            "location_id", "product_id", name=op.f("uq_stock_threshold_location_id_product_id")
        ),
    )
    op.create_table(
        "stock_transfer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", shop.db_types.PortableUUID(), nullable=True),
        sa.Column("from_location_id", sa.Integer(), nullable=False),
        sa.Column("to_location_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "sent",
                "received",
                "cancelled",
                name="transfer_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("sent_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("received_by", sa.Integer(), nullable=True),
        sa.Column("received_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "from_location_id <> to_location_id", name=op.f("ck_stock_transfer_two_locations")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["piccolo_user.id"], name=op.f("fk_stock_transfer_created_by_piccolo_user")
        ),
        sa.ForeignKeyConstraint(
            ["from_location_id"], ["location.id"], name=op.f("fk_stock_transfer_from_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["received_by"], ["piccolo_user.id"], name=op.f("fk_stock_transfer_received_by_piccolo_user")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by"], ["piccolo_user.id"], name=op.f("fk_stock_transfer_sent_by_piccolo_user")
        ),
        sa.ForeignKeyConstraint(
            ["to_location_id"], ["location.id"], name=op.f("fk_stock_transfer_to_location_id_location")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_transfer")),
        sa.UniqueConstraint("client_id", name=op.f("uq_stock_transfer_client_id")),
    )
    op.create_index("ix_stock_transfer_from", "stock_transfer", ["from_location_id", "status"], unique=False)
    op.create_index("ix_stock_transfer_to", "stock_transfer", ["to_location_id", "status"], unique=False)
    op.create_table(
        "stock_write_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", shop.db_types.PortableUUID(), nullable=True),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "damaged",
                "expired",
                "lost",
                "other",
                name="write_off_reason",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_write_off_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["piccolo_user.id"], name=op.f("fk_stock_write_off_user_id_piccolo_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_write_off")),
        sa.UniqueConstraint("client_id", name=op.f("uq_stock_write_off_client_id")),
    )
    op.create_index(op.f("ix_stock_write_off_location_id"), "stock_write_off", ["location_id"], unique=False)
    op.create_table(
        "stock_count_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column(
            "ownership",
            sa.Enum(
                "owned", "consigned", name="ownership", native_enum=False, create_constraint=True, length=12
            ),
            nullable=False,
        ),
        sa.Column("counted", sa.Integer(), nullable=True),
        sa.Column("expected", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "counted IS NULL OR counted >= 0", name=op.f("ck_stock_count_line_counted_not_negative")
        ),
        sa.ForeignKeyConstraint(["batch_id"], ["batch.id"], name=op.f("fk_stock_count_line_batch_id_batch")),
        sa.ForeignKeyConstraint(
            ["count_id"], ["stock_count.id"], name=op.f("fk_stock_count_line_count_id_stock_count")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_count_line_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_count_line")),
        sa.UniqueConstraint(
            "count_id", "batch_id", "ownership", name=op.f("uq_stock_count_line_count_id_batch_id_ownership")
        ),
    )
    op.create_index(op.f("ix_stock_count_line_count_id"), "stock_count_line", ["count_id"], unique=False)
    op.create_table(
        "stock_level",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column(
            "ownership",
            sa.Enum(
                "owned", "consigned", name="ownership", native_enum=False, create_constraint=True, length=12
            ),
            nullable=False,
        ),
        sa.Column("on_hand", sa.Integer(), nullable=False),
        sa.Column("reserved", sa.Integer(), nullable=False),
        sa.Column("unit_cost_vnd", sa.BigInteger(), nullable=True),
        sa.Column("commission_bp", sa.Integer(), nullable=True),
        sa.Column("updated_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ownership = 'consigned' OR commission_bp IS NULL",
            name=op.f("ck_stock_level_commission_if_consigned"),
        ),
        sa.CheckConstraint(
            "commission_bp IS NULL OR (commission_bp >= 0 AND commission_bp <= 10000)",
            name=op.f("ck_stock_level_commission_range"),
        ),
        sa.CheckConstraint("on_hand >= 0", name=op.f("ck_stock_level_on_hand_not_negative")),
        sa.CheckConstraint(
            "reserved >= 0 AND reserved <= on_hand", name=op.f("ck_stock_level_reserved_within_on_hand")
        ),
        sa.CheckConstraint(
            "unit_cost_vnd IS NULL OR unit_cost_vnd >= 0", name=op.f("ck_stock_level_unit_cost_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id", "product_id"],
            ["batch.id", "batch.product_id"],
            name=op.f("fk_stock_level_batch_id_batch"),
        ),
        sa.ForeignKeyConstraint(
            ["location_id"], ["location.id"], name=op.f("fk_stock_level_location_id_location")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_level_product_id_product")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_level")),
        sa.UniqueConstraint(
            "id", "location_id", "product_id", name=op.f("uq_stock_level_id_location_id_product_id")
        ),
        sa.UniqueConstraint(
            "location_id", "batch_id", "ownership", name=op.f("uq_stock_level_location_id_batch_id_ownership")
        ),
    )
    op.create_index(
        "ix_stock_level_location_product", "stock_level", ["location_id", "product_id"], unique=False
    )
    op.create_index("ix_stock_level_product", "stock_level", ["product_id"], unique=False)
    op.create_table(
        "stock_receipt_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("receipt_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_cost_vnd", sa.BigInteger(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_receipt_line_quantity_positive")),
        sa.CheckConstraint(
            "unit_cost_vnd IS NULL OR unit_cost_vnd >= 0",
            name=op.f("ck_stock_receipt_line_unit_cost_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_stock_receipt_line_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_receipt_line_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["stock_receipt.id"], name=op.f("fk_stock_receipt_line_receipt_id_stock_receipt")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_receipt_line")),
    )
    op.create_index(
        op.f("ix_stock_receipt_line_receipt_id"), "stock_receipt_line", ["receipt_id"], unique=False
    )
    op.create_table(
        "stock_transfer_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_stock_transfer_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_stock_transfer_line_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_transfer_line_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["stock_transfer.id"],
            name=op.f("fk_stock_transfer_line_transfer_id_stock_transfer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_transfer_line")),
    )
    op.create_index(
        op.f("ix_stock_transfer_line_transfer_id"), "stock_transfer_line", ["transfer_id"], unique=False
    )
    op.create_table(
        "stock_movement",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stock_level_id", sa.Integer(), nullable=False),
        sa.Column("location_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "receipt",
                "transfer_out",
                "transfer_in",
                "sale",
                "online_sale",
                "customer_return",
                "producer_return",
                "count_adjustment",
                "write_off",
                "reservation",
                "release",
                name="movement_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reserved_change", sa.Integer(), nullable=False),
        sa.Column("on_hand_after", sa.Integer(), nullable=False),
        sa.Column("unit_value_vnd", sa.BigInteger(), nullable=True),
        sa.Column(
            "ownership",
            sa.Enum(
                "owned", "consigned", name="ownership", native_enum=False, create_constraint=True, length=12
            ),
            nullable=False,
        ),
        sa.Column(
            "document_kind",
            sa.Enum(
                "receipt",
                "transfer",
                "count",
                "write_off",
                "producer_return",
                "sale",
                "order",
                name="document_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("document_id", sa.BigInteger(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("on_hand_after >= 0", name=op.f("ck_stock_movement_balance_not_negative")),
        sa.CheckConstraint(
            "quantity <> 0 OR reserved_change <> 0", name=op.f("ck_stock_movement_changes_something")
        ),
        sa.ForeignKeyConstraint(
            ["stock_level_id", "location_id", "product_id"],
            ["stock_level.id", "stock_level.location_id", "stock_level.product_id"],
            name=op.f("fk_stock_movement_stock_level_id_stock_level"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["piccolo_user.id"], name=op.f("fk_stock_movement_user_id_piccolo_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
    )
    op.create_index(
        "ix_stock_movement_document", "stock_movement", ["document_kind", "document_id"], unique=False
    )
    op.create_index("ix_stock_movement_level_id", "stock_movement", ["stock_level_id", "id"], unique=False)
    op.create_index("ix_stock_movement_location_id", "stock_movement", ["location_id", "id"], unique=False)
    op.create_index("ix_stock_movement_product_id", "stock_movement", ["product_id", "id"], unique=False)
    op.create_table(
        "stock_transfer_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column(
            "ownership",
            sa.Enum(
                "owned", "consigned", name="ownership", native_enum=False, create_constraint=True, length=12
            ),
            nullable=False,
        ),
        sa.Column("unit_cost_vnd", sa.BigInteger(), nullable=True),
        sa.Column("commission_bp", sa.Integer(), nullable=True),
        sa.Column("quantity_sent", sa.Integer(), nullable=False),
        sa.Column("quantity_received", sa.Integer(), nullable=True),
        sa.Column("discrepancy_reason", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "quantity_received IS NULL OR quantity_received = quantity_sent OR discrepancy_reason IS NOT NULL",
            name=op.f("ck_stock_transfer_item_discrepancy_has_reason"),
        ),
        sa.CheckConstraint(
            "quantity_received IS NULL OR quantity_received >= 0",
            name=op.f("ck_stock_transfer_item_received_not_negative"),
        ),
        sa.CheckConstraint("quantity_sent > 0", name=op.f("ck_stock_transfer_item_sent_positive")),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_stock_transfer_item_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["stock_transfer_line.id"],
            name=op.f("fk_stock_transfer_item_line_id_stock_transfer_line"),
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_stock_transfer_item_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["transfer_id"],
            ["stock_transfer.id"],
            name=op.f("fk_stock_transfer_item_transfer_id_stock_transfer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_transfer_item")),
    )
    op.create_index(
        op.f("ix_stock_transfer_item_transfer_id"), "stock_transfer_item", ["transfer_id"], unique=False
    )
    _append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index(op.f("ix_stock_transfer_item_transfer_id"), table_name="stock_transfer_item")
    op.drop_table("stock_transfer_item")
    op.drop_index("ix_stock_movement_product_id", table_name="stock_movement")
    op.drop_index("ix_stock_movement_location_id", table_name="stock_movement")
    op.drop_index("ix_stock_movement_level_id", table_name="stock_movement")
    op.drop_index("ix_stock_movement_document", table_name="stock_movement")
    op.drop_table("stock_movement")
    op.drop_index(op.f("ix_stock_transfer_line_transfer_id"), table_name="stock_transfer_line")
    op.drop_table("stock_transfer_line")
    op.drop_index(op.f("ix_stock_receipt_line_receipt_id"), table_name="stock_receipt_line")
    op.drop_table("stock_receipt_line")
    op.drop_index("ix_stock_level_product", table_name="stock_level")
    op.drop_index("ix_stock_level_location_product", table_name="stock_level")
    op.drop_table("stock_level")
    op.drop_index(op.f("ix_stock_count_line_count_id"), table_name="stock_count_line")
    op.drop_table("stock_count_line")
    op.drop_index(op.f("ix_stock_write_off_location_id"), table_name="stock_write_off")
    op.drop_table("stock_write_off")
    op.drop_index("ix_stock_transfer_to", table_name="stock_transfer")
    op.drop_index("ix_stock_transfer_from", table_name="stock_transfer")
    op.drop_table("stock_transfer")
    op.drop_table("stock_threshold")
    op.drop_index(op.f("ix_stock_receipt_producer_id"), table_name="stock_receipt")
    op.drop_index("ix_stock_receipt_location_id", table_name="stock_receipt")
    op.drop_table("stock_receipt")
    op.drop_index("ix_stock_count_location_id", table_name="stock_count")
    op.drop_table("stock_count")
    op.drop_index(op.f("ix_producer_return_location_id"), table_name="producer_return")
    op.drop_table("producer_return")
    op.drop_index(
        "uq_batch_product_unlabelled",
        table_name="batch",
        sqlite_where=sa.text("code IS NULL"),
        postgresql_where=sa.text("code IS NULL"),
    )
    op.drop_index(
        "uq_batch_product_code",
        table_name="batch",
        sqlite_where=sa.text("code IS NOT NULL"),
        postgresql_where=sa.text("code IS NOT NULL"),
    )
    op.drop_table("batch")
