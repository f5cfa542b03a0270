"""A buyer who gave an email receives their e-invoice by email once it is issued: number,
lookup code and page, the PDF attached; once per invoice, sent over SMTP (a local server)."""

from __future__ import annotations

import datetime as dt
import email.message
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database
from shop.invoices import emails
from shop.invoices.models import Invoice
from shop.mail import outbox
from shop.mail.models import OutgoingEmail
from tests.invoices.conftest import add_seller
from tests.invoices.test_till_invoices import PRICE, db_of, invoices, run
from tests.sinvoice_server import PDF, SInvoiceServer
from tests.smtp_server import smtp  # noqa: F401 - the fixture
from tests.till.support import Till, cash, line, sale

BUYER = {
    "name": "Công ty TNHH Du lịch Ba Bể",
    "tax_code": "4700123456",
    "address": "Thị trấn Chợ Rã, Ba Bể, Bắc Kạn",
    "email": "ketoan@dulichbabe.vn",
}


def pdf_of(message: email.message.EmailMessage) -> tuple[str | None, bytes]:
    [file] = list(message.iter_attachments())
    assert file.get_content_type() == "application/pdf"
    return file.get_filename(), file.get_content()


def expected_pdf(invoice: Invoice) -> bytes:
    """What the test SInvoice server gives as this invoice's PDF."""
    assert invoice.invoice_no
    return PDF.replace(b"representation", invoice.invoice_no.encode())


async def sold_and_issued(
    till: Till,
    session: AsyncSession,
    sinvoice: SInvoiceServer,
    buyer: Mapping[str, str | None],
    pdf_down: bool = False,
) -> Database:
    """A till sale to ``buyer`` by a producer set up for e-invoices, its invoice issued (the
    provider giving no PDF yet if ``pdf_down``); the till's database."""
    await add_seller(session, sinvoice)
    assert (await till.sell(sale([line(till.world.honey.id)], [cash(PRICE)], buyer=buyer))).status_code == 201
    if pdf_down:
        sinvoice.state.files_down = True
    assert await run(till, sinvoice) == 1
    return db_of(till)


async def test_a_till_buyer_receives_the_invoice_pdf_by_email_in_vietnamese_once(
    till,
    session,
    sinvoice,
    settings,
    smtp,  # noqa: F811 - the fixture
):
    db = await sold_and_issued(till, session, sinvoice, BUYER)
    [issued] = await invoices(till)
    assert await outbox.deliver_pending(db, smtp.settings(settings)) == 1
    assert await run(till, sinvoice) == 0 and await emails.attach_pending(db, sinvoice.env()) == 0
    assert await outbox.deliver_pending(db, smtp.settings(settings)) == 0  # one email per invoice
    [sent] = smtp.received
    assert sent["To"] == BUYER["email"]
    assert sent["Subject"] == f"Hóa đơn điện tử {issued.invoice_no} của Trung tâm Xúc tiến OCOP Bắc Kạn"
    text = sent.get_body(("plain",)).get_content()
    assert issued.lookup_code and issued.lookup_code in text and "Mã tra cứu" in text
    assert "https://vinvoice.viettel.vn/utilities/invoice-search" in text
    assert pdf_of(sent) == (f"{issued.invoice_no}.pdf", expected_pdf(issued))


async def test_a_pdf_the_provider_cannot_give_yet_holds_the_email_until_a_later_run(
    till,
    session,
    sinvoice,
    settings,
    smtp,  # noqa: F811 - the fixture
):
    # the invoice is issued all the same: the PDF is the email's business
    db = await sold_and_issued(till, session, sinvoice, BUYER, pdf_down=True)
    assert await outbox.deliver_pending(db, smtp.settings(settings)) == 0
    assert await emails.attach_pending(db, sinvoice.env(timeout=0.5)) == 0  # still down
    async with db.read_sessions() as fresh:
        waiting = await fresh.scalar(sa.select(OutgoingEmail))
        assert waiting is not None and waiting.sent_at is None and waiting.attempts == 0
    sinvoice.state.files_down = False
    assert await emails.attach_pending(db, sinvoice.env()) == 1
    assert await outbox.deliver_pending(db, smtp.settings(settings)) == 1
    [issued] = await invoices(till)
    [sent] = smtp.received
    assert pdf_of(sent)[1] == expected_pdf(issued)


async def test_a_sale_without_a_buyer_email_sends_nothing(
    till,
    session,
    sinvoice,
    settings,
    smtp,  # noqa: F811 - the fixture
):
    db = await sold_and_issued(till, session, sinvoice, BUYER | {"email": None})
    assert sinvoice.state.file_calls == 0  # no PDF fetched for nobody
    assert await outbox.deliver_pending(db, smtp.settings(settings)) == 0


async def test_after_two_days_without_the_pdf_the_email_goes_with_the_lookup_code_alone(
    till,
    session,
    sinvoice,
    settings,
    smtp,  # noqa: F811 - the fixture
):
    db = await sold_and_issued(till, session, sinvoice, BUYER, pdf_down=True)
    async with db.write_sessions() as write:  # issued two days ago, the provider down since
        two_days_ago = dt.datetime.now(dt.UTC) - emails.GIVE_UP_AFTER - dt.timedelta(minutes=1)
        await write.execute(sa.update(Invoice).values(issued_at=two_days_ago))
        await write.commit()
    assert await emails.attach_pending(db, sinvoice.env(timeout=0.5)) == 0
    assert await outbox.deliver_pending(db, smtp.settings(settings)) == 1
    [issued] = await invoices(till)
    [sent] = smtp.received
    assert not list(sent.iter_attachments()) and issued.lookup_code in sent.get_body(("plain",)).get_content()
