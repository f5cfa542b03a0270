"""Tables of the scoring: councils, their members, and the score sheets they sign.

A member's ``ScoreSheet`` is immutable once signed; a correction is a new version with a
reason. Points are integers.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


class MemberRole(StrEnum):
    chair = "chair"
    secretary = "secretary"
    member = "member"


class ScoreSheetStatus(StrEnum):
    draft = "draft"
    signed = "signed"  # immutable
    replaced = "replaced"  # a newer version of the same member's sheet exists


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
