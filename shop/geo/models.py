"""Administrative units (before and after the 2025 reform) and the areas sales points serve."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.enums import enum_column

# The day the two-level map (34 provinces, communes) took effect.
REFORM_DATE = dt.date(2025, 7, 1)


class PlaceEra(StrEnum):
    current = "current"  # the 2025 map: province → commune/ward
    legacy = "legacy"  # the 63-province map: province → district → commune/ward


class PlaceLevel(StrEnum):
    province = "province"
    district = "district"  # legacy only: the level the reform removed
    commune = "commune"  # commune, ward or special zone


class Place(Base):
    """One administrative unit of one era, with its official code."""

    __tablename__ = "place"
    __table_args__ = (
        sa.UniqueConstraint("era", "level", "code"),
        sa.CheckConstraint("era = 'legacy' OR level <> 'district'", name="no_current_district"),
        sa.Index("ix_place_folded", "folded"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    era: Mapped[PlaceEra] = mapped_column(enum_column(PlaceEra, "place_era", 10))
    level: Mapped[PlaceLevel] = mapped_column(enum_column(PlaceLevel, "place_level", 10))
    code: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(120))  # "Huyện Na Rì"
    short_name: Mapped[str] = mapped_column(sa.String(120))  # "Na Rì"
    kind: Mapped[str] = mapped_column(sa.String(40))  # "Huyện", "Xã", "Tỉnh", "Thành phố"
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"), index=True)
    # Where a legacy unit went: province → province, commune → commune, district → province.
    successor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    # True when a split legacy commune was mapped to the library's default new commune.
    successor_is_default: Mapped[bool] = mapped_column(default=False)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    folded: Mapped[str] = mapped_column(sa.String(160))  # short name without diacritics


class Area(Base):
    """What a sales point serves: a former district or any area the province names."""

    __tablename__ = "area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("place.id"), index=True)
    legacy_district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))
    description: Mapped[str | None] = mapped_column(sa.Text)
