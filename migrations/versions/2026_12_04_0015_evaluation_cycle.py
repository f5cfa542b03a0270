"""the OCOP evaluation cycle: score sheets as data (sheet, criterion, option), rounds,
registrations with their dossier answers, councils and their members and assignments,
members' score sheets and lines, results, decisions and their lines (issue 18)

New tables only, so both a fresh and an existing database upgrade in place.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 07:10:21.070663
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import shop.db_types

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "criteria_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("product_set", sa.String(length=60), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "retired",
                name="sheet_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("source_note", sa.Text(), nullable=True),
        sa.Column("part_points", sa.JSON(), nullable=False),
        sa.Column("source_digest", sa.String(length=64), nullable=True),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criteria_sheet")),
        sa.UniqueConstraint(
            "version", "product_set", "revision", name=op.f("uq_criteria_sheet_version_product_set_revision")
        ),
    )
    op.create_table(
        "criterion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column(
            "part",
            sa.Enum("A", "B", "C", name="criteria_part", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("group_name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=True),
        sa.Column("gate", sa.Boolean(), nullable=False),
        sa.Column("max_points", sa.SmallInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reconstructed", sa.Boolean(), nullable=False),
        sa.CheckConstraint("max_points >= 0", name=op.f("ck_criterion_max_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["criteria_sheet.id"],
            name=op.f("fk_criterion_sheet_id_criteria_sheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion")),
        sa.UniqueConstraint("sheet_id", "code", name=op.f("uq_criterion_sheet_id_code")),
    )
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_sheet_id"), ["sheet_id"], unique=False)

    op.create_table(
        "evaluation_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("province_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("number", sa.SmallInteger(), nullable=False),
        sa.Column("registration_until", sa.Date(), nullable=False),
        sa.Column("dossier_until", sa.Date(), nullable=False),
        sa.Column("scoring_until", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "scoring",
                "decided",
                "closed",
                name="round_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("number >= 1 AND number <= 4", name=op.f("ck_evaluation_round_number_range")),
        sa.CheckConstraint(
            "registration_until <= dossier_until AND dossier_until <= scoring_until",
            name=op.f("ck_evaluation_round_deadline_order"),
        ),
        sa.ForeignKeyConstraint(
            ["province_id"], ["place.id"], name=op.f("fk_evaluation_round_province_id_place")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_round")),
        sa.UniqueConstraint(
            "province_id", "year", "number", name=op.f("uq_evaluation_round_province_id_year_number")
        ),
    )
    with op.batch_alter_table("evaluation_round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_round_province_id"), ["province_id"], unique=False)

    op.create_table(
        "council",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"], ["evaluation_round.id"], name=op.f("fk_council_round_id_evaluation_round")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council")),
    )
    with op.batch_alter_table("council", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_round_id"), ["round_id"], unique=False)

    op.create_table(
        "criterion_option",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=500), nullable=False),
        sa.Column("points", sa.SmallInteger(), nullable=False),
        sa.Column("mandatory_for_star", sa.SmallInteger(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "mandatory_for_star IS NULL OR (mandatory_for_star >= 3 AND mandatory_for_star <= 5)",
            name=op.f("ck_criterion_option_mandatory_star_range"),
        ),
        sa.CheckConstraint("points >= 0", name=op.f("ck_criterion_option_points_not_negative")),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["criterion.id"],
            name=op.f("fk_criterion_option_criterion_id_criterion"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_criterion_option")),
    )
    with op.batch_alter_table("criterion_option", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_criterion_option_criterion_id"), ["criterion_id"], unique=False)

    op.create_table(
        "evaluation_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("signer", sa.String(length=200), nullable=False),
        sa.Column("issuer", sa.String(length=200), nullable=False),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["evaluation_round.id"],
            name=op.f("fk_evaluation_decision_round_id_evaluation_round"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_decision")),
        sa.UniqueConstraint("round_id", "number", name=op.f("uq_evaluation_decision_round_id_number")),
    )
    with op.batch_alter_table("evaluation_decision", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_decision_round_id"), ["round_id"], unique=False)

    op.create_table(
        "council_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "secretary",
                "member",
                name="member_role",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["council_id"],
            ["council.id"],
            name=op.f("fk_council_member_council_id_council"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["piccolo_user.id"], name=op.f("fk_council_member_user_id_piccolo_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_member")),
        sa.UniqueConstraint("council_id", "user_id", name=op.f("uq_council_member_council_id_user_id")),
    )
    with op.batch_alter_table("council_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_member_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_council_member_one_chair",
            ["council_id"],
            unique=True,
            sqlite_where=sa.text("role = 'chair'"),
            postgresql_where=sa.text("role = 'chair'"),
        )

    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "first",
                "upgrade",
                "re_evaluation",
                name="evaluation_kind",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "submitted",
                "returned",
                "accepted",
                "commune_checked",
                "reviewed",
                "ranked",
                "decided",
                "withdrawn",
                name="registration_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("office_note", sa.Text(), nullable=True),
        sa.Column("commune_checked_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("commune_note", sa.Text(), nullable=True),
        sa.Column("commune_confirmed", sa.JSON(), nullable=True),
        sa.Column("accepted_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("advisory_note", sa.Text(), nullable=True),
        sa.Column("inspected_on", sa.Date(), nullable=True),
        sa.Column("reviewed_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["piccolo_user.id"], name=op.f("fk_registration_created_by_piccolo_user")
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["registration.id"], name=op.f("fk_registration_previous_id_registration")
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"], ["producer.id"], name=op.f("fk_registration_producer_id_producer")
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["product.id"], name=op.f("fk_registration_product_id_product")
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["evaluation_round.id"], name=op.f("fk_registration_round_id_evaluation_round")
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"], ["criteria_sheet.id"], name=op.f("fk_registration_sheet_id_criteria_sheet")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration")),
        sa.UniqueConstraint("round_id", "product_id", name=op.f("uq_registration_round_id_product_id")),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registration_producer_id"), ["producer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_product_id"), ["product_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_registration_round_id"), ["round_id"], unique=False)

    op.create_table(
        "council_assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["council_id"], ["council.id"], name=op.f("fk_council_assignment_council_id_council")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_council_assignment_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_council_assignment")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_council_assignment_registration_id")),
    )
    with op.batch_alter_table("council_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_council_assignment_council_id"), ["council_id"], unique=False)

    op.create_table(
        "decision_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("certificate_id", shop.db_types.PortableUUID(), nullable=True),
        sa.Column("failed_evaluation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["certificate_id"], ["certificate.id"], name=op.f("fk_decision_line_certificate_id_certificate")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["evaluation_decision.id"],
            name=op.f("fk_decision_line_decision_id_evaluation_decision"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["failed_evaluation_id"],
            ["failed_evaluation.id"],
            name=op.f("fk_decision_line_failed_evaluation_id_failed_evaluation"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_decision_line_registration_id_registration"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_line")),
        sa.UniqueConstraint(
            "decision_id", "registration_id", name=op.f("uq_decision_line_decision_id_registration_id")
        ),
    )
    op.create_table(
        "dossier_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("needs_review", sa.Boolean(), nullable=False),
        sa.Column("office_comment", sa.Text(), nullable=True),
        sa.Column("advisory_comment", sa.Text(), nullable=True),
        sa.Column("updated_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criterion.id"], name=op.f("fk_dossier_answer_criterion_id_criterion")
        ),
        sa.ForeignKeyConstraint(
            ["option_id"], ["criterion_option.id"], name=op.f("fk_dossier_answer_option_id_criterion_option")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_dossier_answer_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_answer")),
        sa.UniqueConstraint(
            "registration_id", "criterion_id", name=op.f("uq_dossier_answer_registration_id_criterion_id")
        ),
    )
    op.create_table(
        "evaluation_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("mean_hundredths", sa.Integer(), nullable=False),
        sa.Column("spread", sa.SmallInteger(), nullable=False),
        sa.Column("part_a_hundredths", sa.Integer(), nullable=False),
        sa.Column("part_b_hundredths", sa.Integer(), nullable=False),
        sa.Column("part_c_hundredths", sa.Integer(), nullable=False),
        sa.Column("band_stars", sa.SmallInteger(), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("failed_mandatory", sa.JSON(), nullable=False),
        sa.Column("forwarded_central", sa.Boolean(), nullable=False),
        sa.Column(
            "central_outcome",
            sa.Enum(
                "recognised",
                "returned",
                name="central_outcome",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("central_reference", sa.String(length=60), nullable=True),
        sa.Column("central_decided_on", sa.Date(), nullable=True),
        sa.Column("computed_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "stars IS NULL OR (stars >= 1 AND stars <= 5)", name=op.f("ck_evaluation_result_stars_range")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registration.id"],
            name=op.f("fk_evaluation_result_registration_id_registration"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_result")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_evaluation_result_registration_id")),
    )
    op.create_table(
        "score_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.SmallInteger(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "signed",
                "replaced",
                name="score_sheet_status",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("total", sa.SmallInteger(), nullable=False),
        sa.Column("part_a", sa.SmallInteger(), nullable=False),
        sa.Column("part_b", sa.SmallInteger(), nullable=False),
        sa.Column("part_c", sa.SmallInteger(), nullable=False),
        sa.Column("gate_failed", sa.Boolean(), nullable=False),
        sa.Column("signed_at", shop.db_types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", shop.db_types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("total >= 0 AND total <= 100", name=op.f("ck_score_sheet_total_range")),
        sa.CheckConstraint(
            "version = 1 OR reason IS NOT NULL", name=op.f("ck_score_sheet_correction_has_reason")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["council_member.id"], name=op.f("fk_score_sheet_member_id_council_member")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["registration.id"], name=op.f("fk_score_sheet_registration_id_registration")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_sheet")),
        sa.UniqueConstraint(
            "registration_id",
            "member_id",
            "version",
            name=op.f("uq_score_sheet_registration_id_member_id_version"),
        ),
    )
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_score_sheet_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_score_sheet_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "score_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("criterion_id", sa.Integer(), nullable=False),
        sa.Column("option_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.SmallInteger(), nullable=False),
        sa.Column("comment", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["criterion_id"], ["criterion.id"], name=op.f("fk_score_line_criterion_id_criterion")
        ),
        sa.ForeignKeyConstraint(
            ["option_id"], ["criterion_option.id"], name=op.f("fk_score_line_option_id_criterion_option")
        ),
        sa.ForeignKeyConstraint(
            ["sheet_id"],
            ["score_sheet.id"],
            name=op.f("fk_score_line_sheet_id_score_sheet"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_score_line")),
        sa.UniqueConstraint("sheet_id", "criterion_id", name=op.f("uq_score_line_sheet_id_criterion_id")),
    )


def downgrade() -> None:
    op.drop_table("score_line")
    with op.batch_alter_table("score_sheet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_sheet_registration_id"))
        batch_op.drop_index(batch_op.f("ix_score_sheet_member_id"))

    op.drop_table("score_sheet")
    op.drop_table("evaluation_result")
    op.drop_table("dossier_answer")
    op.drop_table("decision_line")
    with op.batch_alter_table("council_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_assignment_council_id"))

    op.drop_table("council_assignment")
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_registration_round_id"))
        batch_op.drop_index(batch_op.f("ix_registration_product_id"))
        batch_op.drop_index(batch_op.f("ix_registration_producer_id"))

    op.drop_table("registration")
    with op.batch_alter_table("council_member", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_council_member_one_chair",
            sqlite_where=sa.text("role = 'chair'"),
            postgresql_where=sa.text("role = 'chair'"),
        )
        batch_op.drop_index(batch_op.f("ix_council_member_user_id"))

    op.drop_table("council_member")
    with op.batch_alter_table("evaluation_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_decision_round_id"))

    op.drop_table("evaluation_decision")
    with op.batch_alter_table("criterion_option", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_option_criterion_id"))

    op.drop_table("criterion_option")
    with op.batch_alter_table("council", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_council_round_id"))

    op.drop_table("council")
    with op.batch_alter_table("evaluation_round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_round_province_id"))

    op.drop_table("evaluation_round")
    with op.batch_alter_table("criterion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_criterion_sheet_id"))

    op.drop_table("criterion")
    op.drop_table("criteria_sheet")
