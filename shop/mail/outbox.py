"""Queue an email with the change it reports; deliver the queue after the commit.

Queuing is an insert in the caller's transaction, so an email exists exactly when its news
does, and its ``key`` makes queuing the same news twice a no-op. Delivery sends by SMTP
when ``OCOP_SMTP_HOST`` is set, else writes ``var/mail/<id>-<key>.eml`` (what the demo and
the tests read). A failed send stays queued; ``ocop jobs run`` and the scheduler retry it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import smtplib
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database, insert_for
from shop.db_types import utcnow
from shop.mail.models import OutgoingEmail
from shop.settings import Settings

MAX_ATTEMPTS = 10
CLAIM_TIMEOUT = dt.timedelta(minutes=5)  # a sender that died: its emails go out again after this


async def queued(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys are in the outbox already (sent or not)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        stmt = sa.select(OutgoingEmail.key).where(OutgoingEmail.key.in_(keys[i : i + 500]))
        found.update(await session.scalars(stmt))
    return found


async def queue(
    session: AsyncSession, *, key: str, to: str, subject: str, text: str, html: str | None = None
) -> None:
    insert = insert_for(session)
    stmt = insert(OutgoingEmail).on_conflict_do_nothing(index_elements=["key"])
    await session.execute(
        stmt,
        [
            {
                "key": key,
                "to": to,
                "subject": subject,
                "body_text": text,
                "body_html": html,
                "created_at": utcnow(),
                "attempts": 0,
            }
        ],
    )


def message(email: OutgoingEmail, settings: Settings) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = email.to
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(email.created_at)
    msg["Message-ID"] = make_msgid(idstring=email.key.replace(":", "."), domain="ocop.local")
    msg.set_content(email.body_text)
    if email.body_html:
        msg.add_alternative(email.body_html, subtype="html")
    return msg


def _send(msg: EmailMessage, email: OutgoingEmail, settings: Settings) -> None:
    if settings.smtp_host:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=20) as smtp:
            if settings.smtp_user:
                smtp.starttls()
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(msg)
        return
    folder = settings.var_dir / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", email.key)
    (folder / f"{email.id:06d}-{name}.eml").write_bytes(bytes(msg))


async def _claim(db: Database, limit: int) -> list[OutgoingEmail]:
    """Take up to ``limit`` unsent emails for this sender: a conditional update, so two
    senders at once (two requests' background tasks, the scheduler) never share one."""
    now = utcnow()
    free = sa.or_(OutgoingEmail.claimed_at.is_(None), OutgoingEmail.claimed_at < now - CLAIM_TIMEOUT)
    due = (
        sa.select(OutgoingEmail.id)
        .where(OutgoingEmail.sent_at.is_(None), OutgoingEmail.attempts < MAX_ATTEMPTS, free)
        .order_by(OutgoingEmail.id)
        .limit(limit)
    )
    async with db.write_sessions() as session:
        ids = list(await session.scalars(due))
        if not ids:
            return []
        claimed = await session.scalars(
            sa.update(OutgoingEmail)
            .where(OutgoingEmail.id.in_(ids), OutgoingEmail.sent_at.is_(None), free)
            .values(claimed_at=now, attempts=OutgoingEmail.attempts + 1)
            .returning(OutgoingEmail)
        )
        taken = list(claimed)
        await session.commit()
        return taken


async def deliver_pending(db: Database, settings: Settings, *, limit: int = 100) -> int:
    """Send what is queued; the number sent."""
    pending = await _claim(db, limit)
    sent = 0
    for email in pending:
        error = None
        try:
            await asyncio.to_thread(_send, message(email, settings), email, settings)
        except (OSError, smtplib.SMTPException) as failure:
            error = str(failure)[:500]
        async with db.write_sessions() as session:
            values: dict[str, object] = {"last_error": error, "claimed_at": None}
            if error is None:
                values["sent_at"] = utcnow()
                sent += 1
            await session.execute(
                sa.update(OutgoingEmail).where(OutgoingEmail.id == email.id).values(**values)
            )
            await session.commit()
    return sent
