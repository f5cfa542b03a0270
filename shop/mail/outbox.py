"""Queue an email with the change it reports; deliver the queue after the commit.

Queuing is an insert in the caller's transaction, so an email exists exactly when its news
does, and its ``key`` makes queuing the same news twice a no-op. Delivery sends by SMTP
when ``OCOP_SMTP_HOST`` is set, else writes ``var/mail/<id>-<key>.eml`` (what the demo and
the tests read). A failed send stays queued; ``ocop jobs run`` and the scheduler retry it.
An email may carry files (:class:`Attachment`), stored with it so that every retry sends the
same bytes; one queued before its file is ready waits until the file's source fills it in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database, insert_for, table_of
from shop.db_types import utcnow
from shop.mail.models import OutgoingAttachment, OutgoingEmail
from shop.settings import Settings

MAX_ATTEMPTS = 10
CLAIM_TIMEOUT = dt.timedelta(minutes=5)  # a sender that died: its emails go out again after this
_EMAILS = table_of(OutgoingEmail)


async def queued(session: AsyncSession, keys: Sequence[str]) -> set[str]:
    """Which of these keys are in the outbox already (sent or not)."""
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        stmt = sa.select(OutgoingEmail.key).where(OutgoingEmail.key.in_(keys[i : i + 500]))
        found.update(await session.scalars(stmt))
    return found


@dataclass(frozen=True)
class Attachment:
    """A file to send with an email: its bytes, or (``content`` None) the ``source`` that will
    fill them in later (the email waits for it; see :func:`pending_attachments`)."""

    filename: str
    content_type: str
    content: bytes | None
    source: str | None = None


async def queue(
    session: AsyncSession,
    *,
    key: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> None:
    # On the table, not the mapped class: as an ORM insert it cost twice the statement's CPU
    # (and fetched the new id whether or not attachments needed it).
    stmt = insert_for(session)(_EMAILS).on_conflict_do_nothing(index_elements=["key"])
    if attachments:
        stmt = stmt.returning(_EMAILS.c.id)
    result = await session.execute(
        stmt,
        {
            "key": key,
            "to": to,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "created_at": utcnow(),
            "attempts": 0,
        },
    )
    if attachments and (email_id := result.scalar()) is not None:  # None: queued before, files and all
        session.add_all(
            OutgoingAttachment(
                email_id=email_id,
                filename=a.filename,
                content_type=a.content_type,
                content=a.content,
                source=a.source,
            )
            for a in attachments
        )
        await session.flush()


def _waiting() -> sa.ColumnElement[bool]:
    """An email with an attachment whose bytes are still to come."""
    return sa.exists().where(
        OutgoingAttachment.email_id == OutgoingEmail.id, OutgoingAttachment.content.is_(None)
    )


async def pending_attachments(
    session: AsyncSession, source_prefix: str, *, limit: int = 50
) -> list[tuple[int, str]]:
    """The attachments of unsent emails still waiting for their bytes from sources named
    ``source_prefix…``: (attachment id, source)."""
    rows = await session.execute(
        sa.select(OutgoingAttachment.id, OutgoingAttachment.source)
        .join(OutgoingEmail, OutgoingEmail.id == OutgoingAttachment.email_id)
        .where(
            OutgoingEmail.sent_at.is_(None),
            OutgoingAttachment.content.is_(None),
            OutgoingAttachment.source.startswith(source_prefix, autoescape=True),
        )
        .order_by(OutgoingAttachment.id)
        .limit(limit)
    )
    return [(int(i), str(source)) for i, source in rows]


async def fill_attachment(session: AsyncSession, attachment_id: int, content: bytes) -> None:
    await session.execute(
        sa.update(OutgoingAttachment)
        .where(OutgoingAttachment.id == attachment_id, OutgoingAttachment.content.is_(None))
        .values(content=content, last_error=None)
    )


async def attachment_failed(session: AsyncSession, attachment_id: int, error: str, *, give_up: bool) -> None:
    """Its bytes could not be had: try again later, or (``give_up``) send the email without it."""
    if give_up:
        await session.execute(sa.delete(OutgoingAttachment).where(OutgoingAttachment.id == attachment_id))
        return
    await session.execute(
        sa.update(OutgoingAttachment)
        .where(OutgoingAttachment.id == attachment_id)
        .values(last_error=error[:500])
    )


def message(
    email: OutgoingEmail, settings: Settings, attachments: Sequence[OutgoingAttachment] = ()
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = email.to
    msg["Subject"] = email.subject
    msg["Date"] = format_datetime(email.created_at)
    msg["Message-ID"] = make_msgid(idstring=email.key.replace(":", "."), domain="ocop.local")
    msg.set_content(email.body_text)
    if email.body_html:
        msg.add_alternative(email.body_html, subtype="html")
    for file in attachments:
        if file.content is not None:
            maintype, _, subtype = file.content_type.partition("/")
            msg.add_attachment(file.content, maintype=maintype, subtype=subtype, filename=file.filename)
    return msg


def _send(msg: EmailMessage, email: OutgoingEmail, settings: Settings) -> None:
    if settings.smtp_host:
        import smtplib  # here: only the instance that sends mail needs it

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
        .where(OutgoingEmail.sent_at.is_(None), OutgoingEmail.attempts < MAX_ATTEMPTS, free, ~_waiting())
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


async def _attachments(db: Database, email_ids: list[int]) -> dict[int, list[OutgoingAttachment]]:
    if not email_ids:
        return {}
    async with db.read_sessions() as session:
        found = await session.scalars(
            sa.select(OutgoingAttachment)
            .where(OutgoingAttachment.email_id.in_(email_ids))
            .order_by(OutgoingAttachment.id)
        )
        files: dict[int, list[OutgoingAttachment]] = {}
        for file in found:
            files.setdefault(file.email_id, []).append(file)
        return files


async def deliver_pending(db: Database, settings: Settings, *, limit: int = 100) -> int:
    """Send what is queued; the number sent."""
    pending = await _claim(db, limit)
    files = await _attachments(db, [email.id for email in pending])
    sent = 0
    for email in pending:
        error = None
        try:
            msg = message(email, settings, files.get(email.id, []))
            await asyncio.to_thread(_send, msg, email, settings)
        except OSError as failure:  # smtplib.SMTPException is an OSError
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
