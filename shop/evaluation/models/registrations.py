"""Tables of a round and what is entered in it: registrations and their dossiers.

A round runs open → scoring → decided → closed; a registration is a product entered in it,
with its dossier (the producer's self-assessment, one answer per criterion of its sheet).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


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
