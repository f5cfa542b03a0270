"""Where stock lives: sales points, trade fairs and producers' warehouses."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column
from shop.geo.models import Area, Place


class LocationKind(StrEnum):
    sales_point = "sales_point"  # permanent shop or showroom serving an area
    fair = "fair"  # a trade fair, open between two dates
    producer = "producer"  # a cooperative's own warehouse


class Location(Base):
    __tablename__ = "location"
    __table_args__ = (
        sa.CheckConstraint(
            "kind <> 'fair' OR (starts_on IS NOT NULL AND ends_on IS NOT NULL)",
            name="fair_has_dates",
        ),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on", name="date_order"),
        sa.CheckConstraint("kind <> 'producer' OR producer_id IS NOT NULL", name="warehouse_has_producer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[LocationKind] = mapped_column(enum_column(LocationKind, "location_kind"))
    area_id: Mapped[int | None] = mapped_column(sa.ForeignKey("area.id"), index=True)
    place_id: Mapped[int | None] = mapped_column(sa.ForeignKey("place.id"))  # today's commune
    address: Mapped[str | None] = mapped_column(sa.String(300))
    opening_hours: Mapped[str | None] = mapped_column(sa.String(200))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    starts_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="raise")
    place: Mapped[Place | None] = relationship(lazy="raise")
