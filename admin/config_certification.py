"""The admin's OCOP certification tables: certificates (read-only, changed through the office
forms), evaluations below 3★ and other quality certifications.
"""

from __future__ import annotations

from admin.admin_table import AdminTable

CERTIFICATION_TABLES: list[AdminTable] = [
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
    # Evaluations below 3★ (no certificate): entered here, for the share reaching 3★.
    AdminTable(
        "failed_evaluation",
        (
            "producer_id",
            "product_id",
            "product_name",
            "province_id",
            "council_level",
            "evaluated_on",
            "score",
            "stars",
            "note",
            "created_at",
        ),
        group="Chứng nhận OCOP",
        integer_fks=frozenset({"product_id", "province_id"}),
    ),
    AdminTable(
        "quality_certification",
        ("product_id", "kind", "number", "issuer", "valid_from", "valid_until"),
        group="Chứng nhận OCOP",
    ),
]
