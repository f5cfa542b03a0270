"""Tables of a round's outcome: each registration's result, and the province's decision.

The result is computed from the signed score sheets (means in hundredths of a point,
integer arithmetic); the decision's lines say what each registration made, a certificate
or a failed evaluation.
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


class CentralOutcome(StrEnum):
    recognised = "recognised"  # the central level recognised 5★ (its decision is recorded)
    returned = "returned"  # not recognised at 5★: back to the province, which certifies 4★


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
