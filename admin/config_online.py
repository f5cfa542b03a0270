"""The admin's online sales tables: delivery fees and currency rates (editable), orders, their
fulfilments, lines, events, payments, refunds and payment notifications (read-only).
"""

from __future__ import annotations

from admin.admin_table import ONLINE, AdminTable

ONLINE_TABLES: list[AdminTable] = [
    # The office sets these: delivery fees per province and the rates for approximate prices.
    AdminTable(
        "shipping_rate",
        ("province_id", "is_default", "fee_vnd", "free_from_vnd"),
        group=ONLINE,
    ),
    AdminTable(
        "currency_rate", ("currency", "vnd_per_unit", "updated_at"), readable="currency", group=ONLINE
    ),
    AdminTable(
        "customer_order",
        (
            "number",
            "token",  # the office may resend a customer's tracking link
            "idempotency_key",
            "request_hash",
            "status",
            "language",
            "contact_name",
            "contact_email",
            "contact_phone",
            "delivery_method",
            "ship_province_id",
            "ship_commune_id",
            "ship_street",
            "pickup_location_id",
            "payment_method",
            "subtotal_vnd",
            "shipping_vnd",
            "total_vnd",
            "paid_vnd",
            "flag",
            "expires_at",
            "created_at",
            "paid_at",
            "closed_at",
        ),
        readable="number",
        group=ONLINE,
        editable=False,
        integer_fks=frozenset({"ship_province_id", "ship_commune_id"}),
    ),
    AdminTable(
        "fulfilment",
        (
            "order_id",
            "location_id",
            "producer_id",
            "status",
            "carrier",
            "tracking_number",
            "due_at",
            "sla_flagged_at",
            "cash_collected_vnd",
            "fee_carried_vnd",
            "created_at",
            "updated_at",
        ),
        group=ONLINE,
        editable=False,
    ),
    AdminTable(
        "order_line",
        (
            "order_id",
            "fulfilment_id",
            "product_id",
            "producer_id",
            "name",
            "unit_price_vnd",
            "quantity",
            "line_total_vnd",
            "status",
            "reason",
        ),
        group=ONLINE,
        editable=False,
    ),
    AdminTable(
        "order_event",
        ("order_id", "fulfilment_id", "kind", "status", "actor", "detail", "at"),
        group=ONLINE,
        editable=False,
    ),
    AdminTable(
        "payment",
        (
            "order_id",
            "provider",
            "status",
            "amount_vnd",
            "external_id",
            "intent_id",
            "received_vnd",
            "refunded_vnd",
            "failure",
            "confirmed_by",
            "bank_reference",
            "created_at",
            "updated_at",
        ),
        group=ONLINE,
        editable=False,
    ),
    AdminTable(
        "payment_refund",
        ("payment_id", "key", "amount_vnd", "status", "external_id", "created_at"),
        group=ONLINE,
        editable=False,
    ),
    AdminTable(
        "webhook_event",
        ("provider", "event_id", "type", "order_id", "outcome", "received_at"),
        group=ONLINE,
        editable=False,
    ),
]
