"""The outbox: queued with the news, sent once even by two senders at once, retried on failure."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy

import sqlalchemy as sa

from shop.mail import outbox
from shop.mail.models import OutgoingEmail
from tests.smtp_server import smtp  # noqa: F401 - the fixture


async def _queue(session, n: int) -> None:
    for i in range(n):
        await outbox.queue(
            session, key=f"test:{i}", to="a@example.com", subject=f"Đơn {i}", text=f"Xin chào {i}"
        )
    await outbox.queue(session, key="test:0", to="a@example.com", subject="again", text="again")  # same news
    await session.commit()


async def test_two_senders_at_once_send_each_email_once(session, database, settings):
    await _queue(session, 5)
    sent = await asyncio.gather(*(outbox.deliver_pending(database, settings) for _ in range(3)))
    assert sum(sent) == 5
    files = sorted((settings.var_dir / "mail").glob("*.eml"))
    assert len(files) == 5
    first = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert first["Subject"] == "Đơn 0" and "Xin chào 0" in first.get_payload(decode=True).decode()
    assert await outbox.deliver_pending(database, settings) == 0


async def test_a_failed_send_stays_queued_and_is_retried(session, database, settings):
    await _queue(session, 1)
    broken = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=9)  # nothing listens there
    assert await outbox.deliver_pending(database, broken) == 0
    async with database.read_sessions() as s:
        row = await s.scalar(sa.select(OutgoingEmail))
        assert row.sent_at is None and row.attempts == 1 and row.last_error
    assert await outbox.deliver_pending(database, settings) == 1


async def test_an_attachment_waits_for_its_bytes_then_goes_by_smtp_at_every_retry(
    session,
    database,
    settings,
    smtp,  # noqa: F811 - the fixture
):
    pdf = b"%PDF-1.4\n% a test invoice\n%%EOF\n"
    later = outbox.Attachment("HD-1.pdf", "application/pdf", None, source="test:pdf:1")
    await outbox.queue(
        session, key="test:pdf", to="b@example.com", subject="Hóa đơn", text="PDF", attachments=[later]
    )
    await outbox.queue(
        session, key="test:pdf", to="b@example.com", subject="again", text="again", attachments=[later]
    )
    await session.commit()
    assert await outbox.deliver_pending(database, smtp.settings(settings)) == 0  # its file is not there yet
    async with database.write_sessions() as write:
        [(attachment_id, source)] = await outbox.pending_attachments(write, "test:pdf:")
        assert source == "test:pdf:1"
        await outbox.fill_attachment(write, attachment_id, pdf)
        await write.commit()
    broken = dataclasses.replace(settings, smtp_host="127.0.0.1", smtp_port=9)
    assert await outbox.deliver_pending(database, broken) == 0  # a failed send keeps its file
    assert await outbox.deliver_pending(database, smtp.settings(settings)) == 1
    [sent] = smtp.received
    [file] = list(sent.iter_attachments())
    assert sent["Subject"] == "Hóa đơn" and sent.get_body().get_content().strip() == "PDF"
    assert file.get_filename() == "HD-1.pdf" and file.get_content_type() == "application/pdf"
    assert file.get_content() == pdf
