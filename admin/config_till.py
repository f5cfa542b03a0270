"""The admin's till tables: shifts, sales, payments, returns, refunds and clearances (read-only)."""

from __future__ import annotations

from admin.admin_table import TILL, AdminTable

TILL_TABLES: list[AdminTable] = [
    # The till: sales, returns and shifts change only through the shop's services.
    AdminTable(
        "till_shift",
        (
            "location_id",
            "user_id",
            "status",
            "opening_float_vnd",
            "opened_at",
            "closed_at",
            "closed_by",
            "counted_cash_vnd",
            "counted_bank_transfer_vnd",
            "counted_card_vnd",
            "note",
        ),
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_sale",
        (
            "client_id",
            "payload_hash",
            "location_id",
            "shift_id",
            "user_id",
            "number",
            "sold_at",
            "recorded_at",
            "subtotal_vnd",
            "discount_vnd",
            "total_vnd",
            "late",
            "unrecorded_units",
        ),
        readable="number",
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_sale_line",
        (
            "sale_id",
            "line_no",
            "product_id",
            "quantity",
            "unit_price_vnd",
            "discount_vnd",
            "total_vnd",
            "clearance_id",
        ),
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_payment",
        ("sale_id", "method", "amount_vnd", "tendered_vnd", "reference"),
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_return",
        (
            "client_id",
            "payload_hash",
            "sale_id",
            "location_id",
            "shift_id",
            "user_id",
            "reason",
            "total_vnd",
            "returned_at",
        ),
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_return_line",
        ("return_id", "sale_line_id", "quantity", "amount_vnd", "restock"),
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_refund",
        ("return_id", "method", "amount_vnd"),
        group=TILL,
        editable=False,
    ),
    AdminTable(
        "till_clearance",
        (
            "product_id",
            "location_id",
            "reason",
            "starts_on",
            "until",
            "granted_by",
            "granted_at",
            "revoked_at",
        ),
        readable="reason",
        group=TILL,
        editable=False,
    ),
]
