"""Which tables the admin shows, which columns, and whether they may be edited there.

Reference data is editable. Tables with business rules (certificates, and later stock,
movements, sales, orders, payments) are read-only: their changes go through the admin forms,
which call the same services as the API.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AdminTable:
    table: str
    columns: tuple[str, ...]  # mapped besides the primary key; anything else stays hidden
    readable: str | None = None  # shown for foreign keys pointing here
    group: str = "Danh mục"
    editable: bool = True
    # Foreign keys shown as plain integers (targets too large to list in a dropdown).
    integer_fks: frozenset[str] = field(default_factory=frozenset)

    def fk_as_integer(self, column: str) -> bool:
        return column in self.integer_fks


ORIGIN_FKS = frozenset(
    {
        "origin_place_id",
        "origin_province_id",
        "origin_commune_id",
        "legacy_province_id",
        "legacy_district_id",
    }
)

STOCK = "Kho hàng"

TABLES: list[AdminTable] = [
    AdminTable(
        "place",
        (
            "era",
            "level",
            "code",
            "name",
            "short_name",
            "kind",
            "parent_id",
            "province_id",
            "successor_id",
            "successor_is_default",
            "valid_until",
            "folded",
        ),
        readable="name",
        group="Địa giới",
        editable=False,
        integer_fks=frozenset({"parent_id", "province_id", "successor_id"}),
    ),
    AdminTable(
        "area",
        ("code", "name", "province_id", "legacy_district_id", "description"),
        readable="name",
        group="Địa giới",
        integer_fks=frozenset({"province_id", "legacy_district_id"}),
    ),
    AdminTable(
        "product_group",
        ("code", "name", "name_en", "parent_id", "criteria_version"),
        readable="name",
    ),
    AdminTable(
        "producer",
        (
            "code",
            "kind",
            "name",
            "tax_code",
            "place_id",
            "address",
            "phone",
            "email",
            "website",
            "story",
            "commission_rate_bp",
            "bank_name",
            "bank_account_number",
            "bank_account_name",
            "is_active",
            "created_at",
            "updated_at",
        ),
        readable="name",
        integer_fks=frozenset({"place_id"}),
    ),
    AdminTable(
        "product",
        (
            "slug",
            "producer_id",
            "group_id",
            "name",
            "description",
            "unit",
            "pack_size",
            "gtin",
            "price_vnd",
            "shelf_life_days",
            "image_url",
            "trace_code",
            "origin_place_id",
            "origin_province_id",
            "origin_commune_id",
            "legacy_province_id",
            "legacy_district_id",
            "search_text",
            "is_active",
            "created_at",
            "updated_at",
        ),
        readable="name",
        integer_fks=ORIGIN_FKS,
    ),
    AdminTable("product_translation", ("product_id", "language", "name", "description")),
    AdminTable(
        "certificate",
        (
            "product_id",
            "stars",
            "score",
            "score_a",
            "score_b",
            "score_c",
            "council_level",
            "issuer",
            "decision_number",
            "decision_date",
            "certificate_number",
            "valid_from",
            "valid_until",
            "criteria_version",
            "status",
            "revoked_on",
            "revocation_decision",
            "revocation_reason",
            "superseded_by_id",
            "created_at",
        ),
        readable="decision_number",
        group="Chứng nhận OCOP",
        editable=False,
    ),
    AdminTable(
        "quality_certification",
        ("product_id", "kind", "number", "issuer", "valid_from", "valid_until"),
        group="Chứng nhận OCOP",
    ),
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
