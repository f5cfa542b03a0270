"""The admin's reference tables of places and of the catalog: places, areas, product groups,
producers, products and their translations (editable except the places).
"""

from __future__ import annotations

from admin.admin_table import AdminTable

ORIGIN_FKS = frozenset(
    {
        "origin_place_id",
        "origin_province_id",
        "origin_commune_id",
        "legacy_province_id",
        "legacy_district_id",
    }
)

CATALOG_TABLES: list[AdminTable] = [
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
]
