"""The outbox: an email is a row written with the change it reports, sent after the commit."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow


class OutgoingEmail(Base):
    __tablename__ = "outgoing_email"
    __table_args__ = (sa.Index("ix_outgoing_email_pending", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the email is about, e.g. "order:12:placed": the same news is never queued twice.
    key: Mapped[str] = mapped_column(sa.String(120), unique=True)
    to: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    # Taken by a sender (so two senders never send it twice); retried if not sent in time.
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OutgoingAttachment(Base):
    """A file sent with an email. Its bytes are stored with the email, so every retry of a
    failed send carries the same file and a send never waits on whoever made it. Queued
    before its bytes are known (``content`` NULL, e.g. an e-invoice's PDF while the provider
    is down), it holds its email back until the module named by ``source`` fills it in (or
    drops it); the outbox itself knows nothing of what a source means."""

    __tablename__ = "outgoing_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_email.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    # Who fills in a missing content, e.g. "e-invoice:12" (None: given when queued).
    source: Mapped[str | None] = mapped_column(sa.String(120))
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
