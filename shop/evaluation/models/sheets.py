"""Tables of the score sheets: the criteria an evaluation scores, kept as data.

Score sheets are data (``CriteriaSheet`` → ``Criterion`` → ``CriterionOption``), one per
criteria version and product set, loaded from ``shop/evaluation/criteria/`` and editable by the
office as a new version: a sheet that has been used is never edited in place.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
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
