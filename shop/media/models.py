"""One row per uploaded photo; its derived files are named after the upload's digest."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow


class StoredImage(Base):
    __tablename__ = "stored_image"
    __table_args__ = (
        sa.CheckConstraint("width > 0 AND height > 0", name="dimensions"),
        sa.CheckConstraint("size_bytes > 0", name="size_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the uploaded bytes: the derived files' names, so a new photo is a new URL
    # and every URL can be cached for a year. Two uploads of one file share their files.
    digest: Mapped[str] = mapped_column(sa.String(64), index=True)
    # The photo upright (EXIF orientation applied), before resizing.
    width: Mapped[int] = mapped_column(sa.Integer)
    height: Mapped[int] = mapped_column(sa.Integer)
    source_format: Mapped[str] = mapped_column(sa.String(10))  # JPEG, PNG, WEBP, HEIF
    size_bytes: Mapped[int] = mapped_column(sa.Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
