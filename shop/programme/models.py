"""The programme's yearly plan (kế hoạch OCOP năm): a province's targets, each a measure the
system counts (or, where nothing in the system can count it, a figure the office records
with its date), with the number to reach by the end of the year.

Targets are integers: a count, or a percentage for the share-type measures (70 = 70 % of
the evaluated products reach 3★; 150 = revenue a year after certification at 150 % of the
year before, "×1.5"), so both databases store them the same way.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.catalog.models import ProducerKind, QualityKind
from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


class PlanStatus(StrEnum):
    draft = "draft"  # being written: targets may change freely
    adopted = "adopted"  # approved by the province: the year's reference
    closed = "closed"  # the year is over and reported


class Measure(StrEnum):
    """What a target counts. Flows count what happened in the plan year up to today; levels
    count what holds on the day; shares are percentages."""

    new_certified_products = "new_certified_products"  # flow: first certificate of N★ or more
    traceable_products = "traceable_products"  # flow: a labelled batch recorded this year
    quality_certified_products = "quality_certified_products"  # level: a valid quality certification
    producers_of_kind = "producers_of_kind"  # level: producers with an OCOP product in force
    areas_with_sales_point = "areas_with_sales_point"  # level: sales areas with an open sales point
    share_reaching_three_stars = "share_reaching_three_stars"  # share: evaluated this year, 3★ or more
    revenue_growth = "revenue_growth"  # share: revenue the year after certification / the year before
    fairs_held = "fairs_held"  # flow: trade fairs that started this year
    fair_producers = "fair_producers"  # flow: producers whose goods were at this year's fairs
    recorded = "recorded"  # the office records the figure (nothing in the system counts it)


FLOWS = frozenset(
    {
        Measure.new_certified_products,
        Measure.traceable_products,
        Measure.fairs_held,
        Measure.fair_producers,
        Measure.recorded,
    }
)
LEVELS = frozenset(
    {Measure.quality_certified_products, Measure.producers_of_kind, Measure.areas_with_sales_point}
)
SHARES = frozenset({Measure.share_reaching_three_stars, Measure.revenue_growth})


class Plan(Base):
    """One province's plan for one year."""

    __tablename__ = "programme_plan"
    __table_args__ = (
        sa.UniqueConstraint("province_id", "year"),
        sa.CheckConstraint("year >= 2018 AND year <= 2100", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)  # today's map
    year: Mapped[int] = mapped_column(sa.SmallInteger)
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[PlanStatus] = mapped_column(
        enum_column(PlanStatus, "plan_status"), default=PlanStatus.draft
    )
    note: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlanTarget(Base):
    """One target of a plan: a measure, what it is restricted to, where, and its number."""

    __tablename__ = "programme_target"
    __table_args__ = (
        sa.CheckConstraint("target > 0", name="target_positive"),
        sa.CheckConstraint("stars IS NULL OR (stars >= 3 AND stars <= 5)", name="stars_range"),
        sa.CheckConstraint("measure <> 'recorded' OR label IS NOT NULL", name="recorded_has_label"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_plan.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0)
    measure: Mapped[Measure] = mapped_column(enum_column(Measure, "programme_measure", 40))
    # The measure's parameters, each used by one measure (NULL: any).
    stars: Mapped[int | None] = mapped_column(sa.SmallInteger)  # new certificates: N★ or more
    quality_kind: Mapped[QualityKind | None] = mapped_column(enum_column(QualityKind, "quality_kind"))
    producer_kind: Mapped[ProducerKind | None] = mapped_column(enum_column(ProducerKind, "producer_kind"))
    # NULL: the whole province; else a former district or a commune of today's map in it.
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    target: Mapped[int] = mapped_column(sa.Integer)  # a count, or a percentage for shares
    label: Mapped[str | None] = mapped_column(sa.String(200))  # what a recorded figure counts
    note: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class TargetRecord(Base):
    """A figure the office counted for a ``recorded`` target, on a day (the latest one by
    that day is the target's progress); never computed."""

    __tablename__ = "programme_record"
    __table_args__ = (sa.CheckConstraint("counted >= 0", name="counted_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programme_target.id", ondelete="CASCADE"), index=True
    )
    counted: Mapped[int] = mapped_column(sa.Integer)
    counted_on: Mapped[dt.date] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("piccolo_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
