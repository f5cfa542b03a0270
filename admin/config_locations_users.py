"""The admin's tables of sales locations and of the users' roles and the locations they work at."""

from __future__ import annotations

from admin.admin_table import AdminTable

LOCATION_USER_TABLES: list[AdminTable] = [
    AdminTable(
        "location",
        (
            "code",
            "name",
            "kind",
            "area_id",
            "place_id",
            "address",
            "opening_hours",
            "phone",
            "starts_on",
            "ends_on",
            "producer_id",
            "bank_bin",
            "bank_account_number",
            "bank_account_name",
            "count_flagged_at",
            "count_flag_reason",
            "is_active",
            "created_at",
        ),
        readable="name",
        group="Điểm bán",
        integer_fks=frozenset({"place_id"}),
    ),
    AdminTable(
        "account",
        ("user_id", "role", "producer_id", "created_at"),
        group="Người dùng",
        # piccolo_user.admin/superuser follow the role: roles change through the services.
        editable=False,
        readable="role",
    ),
    AdminTable("account_location", ("account_id", "location_id"), group="Người dùng"),
]
