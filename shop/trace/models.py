"""How often each trace code was scanned, per day (a counter row per code and day, so a
scan is one upsert and the office can see when a product is looked at)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base


class TraceScan(Base):
    __tablename__ = "trace_scan"
    __table_args__ = (sa.CheckConstraint("scans > 0", name="scans_positive"),)

    code: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)  # in Vietnam
    scans: Mapped[int] = mapped_column(sa.Integer)
