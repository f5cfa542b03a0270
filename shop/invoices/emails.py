"""The email a buyer who gave an address receives once their e-invoice is issued: its number,
lookup code and lookup page, with the invoice's PDF attached; one per invoice (its outbox key).

The PDF is stored with the email rather than fetched when the email is sent: the outbox then
knows nothing of providers (it sits below every domain), a failed SMTP send is retried with
the same bytes without asking the provider again, and a send after a request never waits on
a provider's timeout. The PDF is fetched right after the invoice is issued, by the run that
issued it; when the provider cannot give it then, the email is queued waiting for its file
and each jobs run asks again (:func:`attach_pending`). An invoice cancelled meanwhile, a
provider still refusing an hour after issuing, or two days without an answer send the email
without the file: its lookup code and page still give the buyer the invoice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database
from shop.db_types import utcnow
from shop.invoices import documents
from shop.invoices.drafts import Issued
from shop.invoices.models import Invoice, InvoiceSeller, InvoiceStatus
from shop.invoices.providers.base import ProviderError, ProviderUnavailable
from shop.invoices.status import lookup_url
from shop.mail import outbox, render

log = logging.getLogger("shop.invoices")

PDF = "application/pdf"
SOURCE = "e-invoice:"  # an attachment's source: the invoice whose PDF it is
GIVE_UP_AFTER = dt.timedelta(days=2)  # a provider that does not answer
# A provider that says no: right after issuing it may not have the PDF signed yet.
REFUSED_GIVE_UP_AFTER = dt.timedelta(hours=1)


def key(invoice_id: int) -> str:
    return f"{SOURCE}{invoice_id}"


async def queue(
    session: AsyncSession,
    invoice: Invoice,
    seller: InvoiceSeller,
    issued: Issued,
    *,
    pdf: bytes | None,
    language: str = "vi",
    reference: str = "",
    env: Mapping[str, str] | None = None,
) -> None:
    """Queue the buyer's email (once), the PDF attached or (``pdf`` None) to be fetched."""
    if not invoice.buyer_email:
        return
    subject, text = render.render(
        "invoices/email_issued.txt",
        language,
        seller=seller,
        number=issued.invoice_no,
        code=issued.lookup_code,
        url=lookup_url(env),
        reference=reference,
        adjustment=invoice.total_vnd < 0,  # an adjustment down (a return, a line cancelled)
    )
    await outbox.queue(
        session,
        key=key(invoice.id),
        to=invoice.buyer_email,
        subject=subject,
        text=text,
        attachments=[outbox.Attachment(f"{issued.invoice_no}.pdf", PDF, pdf, source=key(invoice.id))],
    )


async def attach_pending(db: Database, env: Mapping[str, str] | None = None, *, limit: int = 50) -> int:
    """Fetch the PDFs the buyers' emails still wait for; the number attached. A provider that
    does not answer ends the pass (the next run asks again), so it costs one timeout a run."""
    async with db.read_sessions() as session:
        waiting = await outbox.pending_attachments(session, SOURCE, limit=limit)
    attached = 0
    for attachment_id, source in waiting:
        async with db.write_sessions() as session:
            invoice = await session.get(Invoice, int(source.removeprefix(SOURCE)))
            if invoice is None or invoice.status != InvoiceStatus.issued or invoice.issued_at is None:
                await outbox.attachment_failed(session, attachment_id, "not issued", give_up=True)
                await session.commit()
                continue
            age = utcnow() - invoice.issued_at
            try:
                content = await documents.pdf(session, invoice, env)
            except ProviderUnavailable as down:
                await outbox.attachment_failed(session, attachment_id, str(down), give_up=age > GIVE_UP_AFTER)
                await session.commit()
                log.warning("e-invoice PDF %s: provider unavailable: %s", source, down)
                break
            except ProviderError as refused:
                give_up = age > REFUSED_GIVE_UP_AFTER
                await outbox.attachment_failed(session, attachment_id, str(refused), give_up=give_up)
            else:
                await outbox.fill_attachment(session, attachment_id, content)
                attached += 1
            await session.commit()
    return attached
