"""The office's e-invoice report: invoices refused by the provider or still pending an hour
after their sale, each with a retry button, and the latest invoices with their status."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.db_types import utcnow
from shop.errors import NotFound
from shop.i18n import N_, gettext
from shop.inventory.models import Location
from shop.invoices import documents, queue, status
from shop.invoices.models import Invoice, SourceKind
from shop.orders.models import Order
from shop.params import Id
from shop.till.models import Sale
from shop.till.numbering import receipt_number

View = Literal["attention", "recent"]


async def rows(
    session: AsyncSession, view: View, *, now: dt.datetime | None = None, limit: int = 300
) -> list[tuple[Invoice, str | None, str | None]]:
    """Invoices with what names their source: the receipt number, else the sales point's
    code (a return), or the order's number."""
    till_sale = sa.and_(Invoice.source_kind == SourceKind.till_sale, Sale.id == Invoice.source_id)
    stmt = (
        sa.select(Invoice, Location.code, Sale.number, Order.number)
        .outerjoin(Location, Location.id == Invoice.location_id)
        .outerjoin(Sale, till_sale)
        .outerjoin(Order, Order.id == Invoice.order_id)
    )
    if view == "attention":
        stmt = stmt.where(status.needs_attention(now)).order_by(Invoice.created_at, Invoice.id)
    else:
        stmt = stmt.order_by(Invoice.id.desc())
    found = await session.execute(stmt.limit(limit))
    return [
        (i, receipt_number(code, sale) if code and sale else code, order) for i, code, sale, order in found
    ]


async def _page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    view: View,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Template:
    return Template(
        "office/invoices.html",
        context={
            "view": view,
            "rows": await rows(session, view, now=utcnow()),
            "counts": await status.counts(session),
            "done": request.query_params.get("done"),
            "error": error,
        },
        status_code=status_code,
    )


class OfficeInvoicePages(Controller):
    path = "/office/invoices"
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def invoices(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: Annotated[View, Parameter()] = "attention",
    ) -> Template:
        return await _page(request, session, view)

    @get("/{invoice_id:int}/pdf")
    async def pdf(
        self, request: Request[Any, Any, Any], session: AsyncSession, invoice_id: Id
    ) -> Response[bytes] | Template:
        """The issued invoice's PDF, from its provider; the report with the reason if not now."""
        invoice = await session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(N_("No invoice {id}."), id=invoice_id)
        try:
            content = await documents.pdf(session, invoice)
        except documents.ProviderError as failure:
            why = gettext("The provider did not give the PDF: %(why)s") % {"why": str(failure)}
            return await _page(request, session, "recent", error=why, status_code=503)
        name = f"{invoice.invoice_no}.pdf"
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(content, media_type="application/pdf", headers=headers)

    @post("/{invoice_id:int}/cancel")
    async def cancel(
        self, request: Request[Any, Any, Any], session: AsyncSession, invoice_id: Id
    ) -> Redirect | Template:
        """Cancel an issued invoice at the provider, with the reason the law asks for."""
        invoice = await session.get(Invoice, invoice_id)
        if invoice is None:
            raise NotFound(N_("No invoice {id}."), id=invoice_id)
        reason = " ".join(str((await request.form()).get("reason") or "").split())[:255]
        if len(reason) < 3:
            why = gettext("Give the reason for cancelling the invoice.")
            return await _page(request, session, "recent", error=why, status_code=422)
        try:
            await documents.cancel(session, invoice, reason)
        except documents.ProviderError as failure:
            await session.rollback()
            why = gettext("The provider did not cancel the invoice: %(why)s") % {"why": str(failure)}
            return await _page(request, session, "recent", error=why, status_code=503)
        await session.commit()
        return Redirect(path="/office/invoices/?view=recent", status_code=303)

    @post("/{invoice_id:int}/retry")
    async def retry(self, session: AsyncSession, invoice_id: Id) -> Redirect:
        """Back to the head of the queue: ``ocop jobs run`` (or the scheduler) issues it next."""
        await queue.retry(session, invoice_id)
        await session.commit()
        return Redirect(path=f"/office/invoices/?done={invoice_id}", status_code=303)
