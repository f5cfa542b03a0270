"""The admin's table of outgoing email (read-only); shown in the online sales menu group."""

from __future__ import annotations

from admin.admin_table import ONLINE, AdminTable

EMAIL_TABLES: list[AdminTable] = [
    AdminTable(
        "outgoing_email",
        ("key", "to", "subject", "body_text", "created_at", "sent_at", "attempts", "last_error"),
        group=ONLINE,
        editable=False,
    ),
]
