"""The admin's monthly settlement tables: statements and their lines (read-only)."""

from __future__ import annotations

from admin.admin_table import SETTLEMENT, AdminTable

SETTLEMENT_TABLES: list[AdminTable] = [
    # Statements change only through their workflow (prepare, approve, pay): read only here.
    AdminTable(
        "settlement_statement",
        (
            "producer_id",
            "month",
            "status",
            "commission_rate_bp",
            "consignment_sales_vnd",
            "consignment_returns_vnd",
            "online_sales_vnd",
            "refunds_vnd",
            "commission_vnd",
            "shipping_fees_vnd",
            "cash_collected_vnd",
            "amount_due_vnd",
            "computed_at",
            "approved_at",
            "approved_by",
            "paid_at",
            "paid_by",
            "payment_reference",
        ),
        group=SETTLEMENT,
        editable=False,
    ),
    AdminTable(
        "settlement_line",
        (
            "statement_id",
            "kind",
            "source",
            "at",
            "location_id",
            "product_id",
            "reference",
            "quantity",
            "amount_vnd",
            "unit_cost_vnd",
            "commission_bp",
            "commission_vnd",
            "due_vnd",
        ),
        group=SETTLEMENT,
        editable=False,
    ),
]
