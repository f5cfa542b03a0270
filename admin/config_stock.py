"""The admin's stock tables: batches, the ledger and its documents (read-only apart from the
minimum stock thresholds).
"""

from __future__ import annotations

from admin.admin_table import STOCK, AdminTable

STOCK_TABLES: list[AdminTable] = [
    # Stock: the ledger and its documents change only through the shop's services.
    AdminTable(
        "batch",
        ("product_id", "code", "produced_on", "expires_on", "trace_code", "created_at"),
        readable="code",
        group=STOCK,
        editable=False,
    ),
    AdminTable(
        "stock_level",
        (
            "location_id",
            "product_id",
            "batch_id",
            "ownership",
            "on_hand",
            "reserved",
            "unit_cost_vnd",
            "commission_bp",
            "updated_at",
        ),
        group=STOCK,
        editable=False,
    ),
    AdminTable(
        "stock_movement",
        (
            "stock_level_id",
            "location_id",
            "product_id",
            "kind",
            "quantity",
            "reserved_change",
            "on_hand_after",
            "unit_value_vnd",
            "ownership",
            "document_kind",
            "document_id",
            "reason",
            "user_id",
            "at",
        ),
        group=STOCK,
        editable=False,
        # Parts of the key to the stock level: shown as the numbers they are.
        integer_fks=frozenset({"stock_level_id", "location_id", "product_id"}),
    ),
    AdminTable("stock_threshold", ("location_id", "product_id", "minimum", "updated_at"), group=STOCK),
    AdminTable(
        "stock_receipt",
        (
            "location_id",
            "producer_id",
            "kind",
            "commission_bp",
            "delivery_note",
            "note",
            "user_id",
            "received_at",
        ),
        group=STOCK,
        editable=False,
    ),
    AdminTable(
        "stock_receipt_line",
        ("receipt_id", "product_id", "batch_id", "quantity", "unit_cost_vnd"),
        group=STOCK,
        editable=False,
    ),
    AdminTable(
        "stock_transfer",
        ("from_location_id", "to_location_id", "status", "note", "created_at", "sent_at", "received_at"),
        group=STOCK,
        editable=False,
    ),
    AdminTable(
        "stock_transfer_item",
        (
            "transfer_id",
            "line_id",
            "product_id",
            "batch_id",
            "ownership",
            "quantity_sent",
            "quantity_received",
            "discrepancy_reason",
        ),
        group=STOCK,
        editable=False,
        integer_fks=frozenset({"line_id"}),
    ),
    AdminTable(
        "stock_count",
        ("location_id", "scope", "blind", "status", "note", "created_at", "posted_at"),
        group=STOCK,
        editable=False,
    ),
    AdminTable(
        "stock_write_off",
        ("location_id", "reason", "note", "user_id", "at"),
        group=STOCK,
        editable=False,
    ),
]
