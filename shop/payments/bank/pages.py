"""The office's list of bank transfers received (``/office/bank-transfers/``): those that paid a
sale or an order by themselves, and those left for the office, which attaches each to an
order or a till receipt, or sets it aside with a note. The same services as the API."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin
from shop.catalog.sellability import today
from shop.errors import DomainError
from shop.i18n import gettext
from shop.orders.placing import send_mail
from shop.params import Id
from shop.payments.bank import office, references, views
from shop.payments.bank.models import BankCredit, CreditStatus

View = Literal["to_resolve", "matched", "resolved", "all"]
PAGE_ROWS = 100


def _order_number(text: str) -> str | None:
    """``OC000123`` however it was typed ("oc 000123"), or None for a receipt number."""
    found = references.ORDER.fullmatch(text.strip().upper())
    return f"OC{found.group(1)}" if found else None


class OfficeBankTransferPages(Controller):
    path = "/office/bank-transfers"
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def listing(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: Annotated[View, Parameter()] = "to_resolve",
    ) -> Template:
        return await self._page(request, session, view)

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: View,
        *,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        rows = list(await session.scalars(views.listing_select(view).limit(PAGE_ROWS)))
        waiting = await session.scalar(
            sa.select(sa.func.count()).where(BankCredit.status == CreditStatus.unmatched)
        )
        return Template(
            "payments/bank_transfers.html",
            context={
                "credits": await views.outs(session, rows),
                "view": view,
                "waiting": int(waiting or 0),
                "error": error,
                "done": _done(request.query_params.get("done"), request.query_params.get("to")),
            },
            status_code=status,
        )

    @post("/{credit_id:int}/attach")
    async def attach(
        self, request: Request[Any, Any, Any], session: AsyncSession, credit_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        target = " ".join(str(form.get("target") or "").split())
        note = str(form.get("note") or "")
        order = _order_number(target)
        try:
            await office.attach(
                session,
                request.app.state.settings,
                credit_id,
                order_number=order,
                receipt=None if order else target,
                by=actor(request).username,
                note=note,
                on=today(),
            )
        except DomainError as refused:
            await session.rollback()
            return await self._page(
                request,
                session,
                "to_resolve",
                error=refused.first_message,
                status=refused.status_code,
            )
        await session.commit()
        return Redirect(
            path=f"/office/bank-transfers/?done=attached&to={quote(order or target)}",
            status_code=303,
            background=send_mail(request),
        )

    @post("/{credit_id:int}/dismiss")
    async def dismiss(
        self, request: Request[Any, Any, Any], session: AsyncSession, credit_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await office.dismiss(
                session, credit_id, by=actor(request).username, note=str(form.get("note") or "")
            )
        except DomainError as refused:
            await session.rollback()
            return await self._page(
                request,
                session,
                "to_resolve",
                error=refused.first_message,
                status=refused.status_code,
            )
        await session.commit()
        return Redirect(path="/office/bank-transfers/?done=dismissed", status_code=303)


def _done(done: str | None, target: str | None) -> str | None:
    if done == "attached" and target:
        return gettext("The transfer is attached to %(target)s.") % {"target": target[:60]}
    if done == "dismissed":
        return gettext("The transfer is set aside with your note.")
    return None
