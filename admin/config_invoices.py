"""The admin's e-invoice tables: who issues them (editable) and the invoices (read-only); shown in
the till's menu group.
"""

from __future__ import annotations

from admin.admin_table import TILL, AdminTable

INVOICE_TABLES: list[AdminTable] = [
    # Who issues e-invoices (the office's settings; credentials stay in the environment).
    AdminTable(
        "invoice_seller",
        (
            "location_id",
            "producer_id",
            "name",
            "tax_code",
            "address",
            "provider",
            "template_code",
            "till_series",
            "other_series",
            "vat_percent",
            "active",
            "created_at",
        ),
        readable="name",
        group=TILL,
    ),
    AdminTable(
        "e_invoice",
        (
            "source_kind",
            "source_id",
            "transaction_uuid",
            "location_id",
            "order_id",
            "total_vnd",
            "status",
            "seller_id",
            "created_at",
            "attempts",
            "next_attempt_at",
            "last_error",
            "template_code",
            "series",
            "invoice_no",
            "lookup_code",
            "issued_at",
            "buyer_name",
            "buyer_tax_code",
            "buyer_email",
        ),
        group=TILL,
        editable=False,
        integer_fks=frozenset({"order_id"}),
    ),
]
