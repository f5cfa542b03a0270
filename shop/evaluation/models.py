"""Tables of the evaluation cycle.

Score sheets are data (``CriteriaSheet`` → ``Criterion`` → ``CriterionOption``), one per
criteria version and product set, loaded from ``shop/evaluation/sheets/`` and editable by the
office as a new version: a sheet that has been used is never edited in place.
A member's ``ScoreSheet`` is immutable once signed; a correction is a new version with a
reason. Points are integers; means are kept in hundredths of a point (integer arithmetic).
"""

from __future__ import annotations

import datetime as dt
import uuid
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import PortableUUID, UTCDateTime, utcnow
from shop.enums import enum_column

PART_POINTS_148 = {"A": 40, "B": 25, "C": 35}


class SheetStatus(StrEnum):
    draft = "draft"  # being written by the office: editable, not offered to producers
    published = "published"  # offered; frozen once a registration uses it
    retired = "retired"  # replaced by a newer version


class Part(StrEnum):
    a = "A"  # product and community strength (40 points under 148)
    b = "B"  # marketing capacity (25)
    c = "C"  # product quality (35)


class RoundStatus(StrEnum):
    open = "open"  # registrations and dossiers accepted
    scoring = "scoring"  # dossiers closed, councils score
    decided = "decided"  # the decision was issued
    closed = "closed"


class EvaluationKind(StrEnum):
    first = "first"  # first evaluation
    upgrade = "upgrade"  # nâng hạng: aiming at more stars
    re_evaluation = "re_evaluation"  # at the end of the 36 months


class RegistrationStatus(StrEnum):
    draft = "draft"  # the producer builds the dossier
    submitted = "submitted"  # waits for the office's check
    returned = "returned"  # back to the producer with comments per criterion
    accepted = "accepted"  # complete: to the commune
    commune_checked = "commune_checked"  # origin, labour and idea confirmed by the commune
    reviewed = "reviewed"  # the advisory group reviewed dossier and samples: to the council
    ranked = "ranked"  # the council's result stands
    decided = "decided"  # the province's decision was issued
    withdrawn = "withdrawn"


class MemberRole(StrEnum):
    chair = "chair"
    secretary = "secretary"
    member = "member"


class CentralOutcome(StrEnum):
    recognised = "recognised"  # the central level recognised 5★ (its decision is recorded)
    returned = "returned"  # not recognised at 5★: back to the province, which certifies 4★


class ScoreSheetStatus(StrEnum):
    draft = "draft"
    signed = "signed"  # immutable
    replaced = "replaced"  # a newer version of the same member's sheet exists


class CriteriaSheet(Base):
    """The score sheet of one product set under one criteria version (e.g. 148/2023, tea)."""

    __tablename__ = "criteria_sheet"
    __table_args__ = (sa.UniqueConstraint("version", "product_set", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(sa.String(40))  # "148/2023", "1048/2019"
    product_set: Mapped[str] = mapped_column(sa.String(60))  # "processed-food", "tea"
    revision: Mapped[int] = mapped_column(sa.Integer, default=1)  # the office's edits
    name: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[SheetStatus] = mapped_column(enum_column(SheetStatus, "sheet_status"))
    # Where the text comes from, and what could not be read from the official text.
    source_note: Mapped[str | None] = mapped_column(sa.Text)
    # The points each part must total before the sheet may be published ({"A": 40, …}):
    # 40/25/35 under 148, 35/25/40 under 1048; data, so a new decree needs no code.
    part_points: Mapped[dict[str, int]] = mapped_column(sa.JSON, default=lambda: dict(PART_POINTS_148))
    # The digest of the repository file this revision was installed from (NULL when the
    # office made it): a file installs once, and a changed file makes a new revision.
    source_digest: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Criterion(Base):
    __tablename__ = "criterion"
    __table_args__ = (
        sa.UniqueConstraint("sheet_id", "code"),
        sa.CheckConstraint("max_points >= 0", name="max_points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sheet.id", ondelete="CASCADE"), index=True)
    part: Mapped[Part] = mapped_column(enum_column(Part, "criteria_part", length=1))
    group_name: Mapped[str] = mapped_column(sa.String(200))
    code: Mapped[str] = mapped_column(sa.String(20))  # "A.1.2"
    text: Mapped[str] = mapped_column(sa.String(500))
    guidance: Mapped[str | None] = mapped_column(sa.Text)
    # Gate: when its option with no points is chosen, nothing further is scored and the
    # product is not certified (e.g. no valid food-safety certificate).
    gate: Mapped[bool] = mapped_column(default=False)
    max_points: Mapped[int] = mapped_column(sa.SmallInteger)
    position: Mapped[int] = mapped_column(sa.Integer)
    # Written by us (inferred), not taken from a source quoting the official sheet: shown
    # as such until the office has checked it against the gazette.
    reconstructed: Mapped[bool] = mapped_column(default=False)


class CriterionOption(Base):
    __tablename__ = "criterion_option"
    __table_args__ = (
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
        sa.CheckConstraint(
            "mandatory_for_star IS NULL OR (mandatory_for_star >= 3 AND mandatory_for_star <= 5)",
            name="mandatory_star_range",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(500))
    points: Mapped[int] = mapped_column(sa.SmallInteger)
    # A product reaches this star only with this option or a better one on this criterion.
    mandatory_for_star: Mapped[int | None] = mapped_column(sa.SmallInteger)
    position: Mapped[int] = mapped_column(sa.Integer)


class EvaluationRound(Base):
    __tablename__ = "evaluation_round"
    __table_args__ = (
        sa.UniqueConstraint("province_id", "year", "number"),
        sa.CheckConstraint("number >= 1 AND number <= 4", name="number_range"),
        sa.CheckConstraint(
            "registration_until <= dossier_until AND dossier_until <= scoring_until", name="deadline_order"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    number: Mapped[int] = mapped_column(sa.SmallInteger)
    registration_until: Mapped[dt.date] = mapped_column(sa.Date)
    dossier_until: Mapped[dt.date] = mapped_column(sa.Date)
    scoring_until: Mapped[dt.date] = mapped_column(sa.Date)
    status: Mapped[RoundStatus] = mapped_column(enum_column(RoundStatus, "round_status"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Registration(Base):
    """A product entered in a round, with its dossier (the self-assessment answers)."""

    __tablename__ = "registration"
    __table_args__ = (sa.UniqueConstraint("round_id", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_round.id"), index=True)
    product_id: Mapped[int] = mapped_column(sa.ForeignKey("product.id"), index=True)
    producer_id: Mapped[int] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("criteria_sheet.id"))
    kind: Mapped[EvaluationKind] = mapped_column(enum_column(EvaluationKind, "evaluation_kind"))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus, "registration_status"))
    # A re-evaluation starts as a copy of the last dossier.
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    office_note: Mapped[str | None] = mapped_column(sa.Text)  # why it was returned
    # The commune's pre-check (since July 2025): origin of product and raw materials, local
    # labour, origin of the idea.
    commune_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    commune_note: Mapped[str | None] = mapped_column(sa.Text)
    # What the commune confirmed: {"product_origin": true, "raw_material_origin": true,
    # "local_labour": true, "idea_origin": true}.
    commune_confirmed: Mapped[dict[str, bool] | None] = mapped_column(sa.JSON)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # the office's check passed
    advisory_note: Mapped[str | None] = mapped_column(sa.Text)
    inspected_on: Mapped[dt.date | None] = mapped_column(sa.Date)  # on-site inspection
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DossierAnswer(Base):
    """The producer's self-assessment on one criterion, its evidence and the office's comment."""

    __tablename__ = "dossier_answer"
    __table_args__ = (sa.UniqueConstraint("registration_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"))
    option_id: Mapped[int | None] = mapped_column(sa.ForeignKey("criterion_option.id"))
    note: Mapped[str | None] = mapped_column(sa.Text)
    # Evidence: links to what the system already holds ({"kind": "quality", "id": 4}, a
    # trace code, sales figures…) and uploaded files (stored photos or documents).
    evidence: Mapped[list[dict[str, object]]] = mapped_column(sa.JSON, default=list)
    # Copied from a previous dossier and not looked at since: shown for review.
    needs_review: Mapped[bool] = mapped_column(default=False)
    office_comment: Mapped[str | None] = mapped_column(sa.Text)
    advisory_comment: Mapped[str | None] = mapped_column(sa.Text)  # the advisory group's
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Council(Base):
    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_round.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CouncilMember(Base):
    __tablename__ = "council_member"
    __table_args__ = (
        sa.UniqueConstraint("council_id", "user_id"),
        # One chair per council (a partial unique index, as for the active certificate).
        sa.Index(
            "uq_council_member_one_chair",
            "council_id",
            unique=True,
            sqlite_where=sa.text("role = 'chair'"),
            postgresql_where=sa.text("role = 'chair'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("council.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole, "member_role"))


class CouncilAssignment(Base):
    """A registration given to a council: its members score it, and only they."""

    __tablename__ = "council_assignment"
    __table_args__ = (sa.UniqueConstraint("registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(sa.ForeignKey("council.id"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"))


class ScoreSheet(Base):
    """One member's scoring of one registration; signed = immutable."""

    __tablename__ = "score_sheet"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "member_id", "version"),
        sa.CheckConstraint("version = 1 OR reason IS NOT NULL", name="correction_has_reason"),
        sa.CheckConstraint("total >= 0 AND total <= 100", name="total_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("council_member.id"), index=True)
    version: Mapped[int] = mapped_column(sa.SmallInteger, default=1)
    status: Mapped[ScoreSheetStatus] = mapped_column(enum_column(ScoreSheetStatus, "score_sheet_status"))
    reason: Mapped[str | None] = mapped_column(sa.String(500))  # why a signed sheet was redone
    total: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    part_a: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    part_b: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    part_c: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    gate_failed: Mapped[bool] = mapped_column(default=False)
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ScoreLine(Base):
    __tablename__ = "score_line"
    __table_args__ = (sa.UniqueConstraint("sheet_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(sa.ForeignKey("score_sheet.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion.id"))
    option_id: Mapped[int] = mapped_column(sa.ForeignKey("criterion_option.id"))
    points: Mapped[int] = mapped_column(sa.SmallInteger)
    comment: Mapped[str | None] = mapped_column(sa.String(1000))


class EvaluationResult(Base):
    """The council's result for a registration, computed from the signed sheets."""

    __tablename__ = "evaluation_result"
    __table_args__ = (
        sa.UniqueConstraint("registration_id"),
        sa.CheckConstraint("stars IS NULL OR (stars >= 1 AND stars <= 5)", name="stars_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"))
    mean_hundredths: Mapped[int] = mapped_column(sa.Integer)  # 7150 = 71.50 points
    spread: Mapped[int] = mapped_column(sa.SmallInteger)  # highest − lowest member total
    part_a_hundredths: Mapped[int] = mapped_column(sa.Integer)
    part_b_hundredths: Mapped[int] = mapped_column(sa.Integer)
    part_c_hundredths: Mapped[int] = mapped_column(sa.Integer)
    band_stars: Mapped[int] = mapped_column(sa.SmallInteger)  # from the points alone
    stars: Mapped[int] = mapped_column(sa.SmallInteger)  # after the mandatory criteria
    # The criteria that kept the stars below the band, e.g. ["C.3 (4★)"].
    failed_mandatory: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    forwarded_central: Mapped[bool] = mapped_column(default=False)  # ≥ 90 points
    # What the central level answered for a forwarded product, as the office records it
    # (NULL while it waits): its decision or letter, and its date.
    central_outcome: Mapped[CentralOutcome | None] = mapped_column(
        enum_column(CentralOutcome, "central_outcome")
    )
    central_reference: Mapped[str | None] = mapped_column(sa.String(60))
    central_decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationDecision(Base):
    """The province's decision approving a round's results (it makes the certificates)."""

    __tablename__ = "evaluation_decision"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_round.id"), index=True)
    number: Mapped[str] = mapped_column(sa.String(60))
    decided_on: Mapped[dt.date] = mapped_column(sa.Date)
    signer: Mapped[str] = mapped_column(sa.String(200))
    issuer: Mapped[str] = mapped_column(sa.String(200))  # "UBND tỉnh Thái Nguyên"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DecisionLine(Base):
    """One registration in a decision and what it made: a certificate or a failure."""

    __tablename__ = "decision_line"
    __table_args__ = (sa.UniqueConstraint("decision_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation_decision.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id"))
    stars: Mapped[int] = mapped_column(sa.SmallInteger)
    certificate_id: Mapped[uuid.UUID | None] = mapped_column(PortableUUID, sa.ForeignKey("certificate.id"))
    failed_evaluation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("failed_evaluation.id"))
