"""Statements on pages: the cooperative's at /coop/statements (read only, with the
downloads), the office's at /office/statements (prepare a month, approve, mark paid).
Both call the services the API calls; another producer's statement is a 404 page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_role
from shop.accounts.models import Role
from shop.catalog.models import Producer
from shop.catalog.sellability import today
from shop.errors import DomainError, NotFound
from shop.i18n import gettext, ngettext
from shop.orders.pages.coop_catalog import portal_producer
from shop.settlement import invoices as settlement_invoices
from shop.settlement import statements
from shop.settlement.api import ProducerCode, statement_of, visible_producer
from shop.settlement.models import NEXT, Statement, StatementStatus
from shop.settlement.views import kind_label, statement_out, status_label

HELPERS = {"kind_label": kind_label, "status_label": status_label}


def _previous_month() -> str:
    first = today().replace(day=1)
    return statements.month_text((first - dt.timedelta(days=1)).replace(day=1))


async def _detail(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    code: str,
    month: str,
    *,
    office: bool,
    error: str | None = None,
    status: int = 200,
) -> Template:
    producer, statement = await statement_of(session, actor(request), code, month)
    return Template(
        "settlement/statement.html",
        context={
            "statement": await statement_out(session, statement, producer),
            "invoices": await settlement_invoices.of_statement(session, statement.id),
            "office": office,
            "can_approve": office and StatementStatus.approved in NEXT[statement.status],
            "can_pay": office and StatementStatus.paid in NEXT[statement.status],
            "month_over": statements.month_is_over(statement.month),
            "error": error,
            "done": done_message(request.query_params.get("done")),
            **HELPERS,
        },
        status_code=status,
    )


class CoopStatementPages(Controller):
    path = "/coop/statements"
    include_in_schema = False
    guards = [requires_role(Role.cooperative)]

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], session: AsyncSession, producer: ProducerCode | None = None
    ) -> Template:
        maker = await portal_producer(request, session, producer)
        found = await session.scalars(
            sa.select(Statement).where(Statement.producer_id == maker.id).order_by(Statement.month.desc())
        )
        items = [await statement_out(session, s, maker, with_lines=False) for s in found]
        return Template("settlement/coop_list.html", context={"producer": maker, "items": items, **HELPERS})

    @get("/{code:str}/{month:str}")
    async def detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: str
    ) -> Template:
        return await _detail(request, session, code, month, office=False)


class OfficeStatementPages(Controller):
    path = "/office/statements"
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def index(
        self, request: Request[Any, Any, Any], session: AsyncSession, month: str | None = None
    ) -> Template:
        return await self._month(request, session, month or _previous_month())

    async def _month(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        month: str,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        try:
            wanted = statements.parse_month(month)
        except DomainError as refused:
            error, status = refused.first_message, 422
            wanted = statements.parse_month(_previous_month())
        rows = (
            await session.execute(
                sa.select(Statement, Producer)
                .join(Producer, Producer.id == Statement.producer_id)
                .where(Statement.month == wanted)
                .order_by(Producer.code)
            )
        ).all()
        items = [await statement_out(session, s, p, with_lines=False) for s, p in rows]
        totals = {key: sum(getattr(i, key) for i in items) for key in ("amount_due_vnd", "commission_vnd")}
        return Template(
            "settlement/office_month.html",
            context={
                "month": statements.month_text(wanted),
                "items": items,
                "totals": totals,
                "error": error,
                "done": _prepared_message(request.query_params.get("done")),
                **HELPERS,
            },
            status_code=status,
        )

    @post("/prepare")
    async def prepare_month(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Template | Redirect:
        month = str((await request.form()).get("month") or "")
        try:
            drafts = await statements.prepare_month(
                session, statements.parse_month(month), default_bp=request.app.state.settings.commission_bp
            )
        except DomainError as refused:
            await session.rollback()
            detail = refused.first_message
            return await self._month(request, session, month, detail, refused.status_code)
        await session.commit()
        return Redirect(path=f"/office/statements/?month={month}&done={len(drafts)}", status_code=303)

    @get("/{code:str}/{month:str}")
    async def detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: str
    ) -> Template:
        return await _detail(request, session, code, month, office=True)

    async def _act(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, month: str, action: str
    ) -> Template | Redirect:
        user = actor(request)
        default_bp = request.app.state.settings.commission_bp
        try:
            producer = await visible_producer(session, user, code)
            wanted = statements.parse_month(month)
            if action == "prepare":
                await statements.prepare(session, producer, wanted, default_bp=default_bp)
            elif action == "approve":
                await statements.approve(session, producer, wanted, user, default_bp=default_bp)
            else:
                reference = str((await request.form()).get("reference") or "")
                await statements.pay(session, producer, wanted, user, reference)
        except DomainError as refused:
            await session.rollback()
            if isinstance(refused, NotFound):
                raise
            detail = refused.first_message
            return await _detail(
                request, session, code, month, office=True, error=detail, status=refused.status_code
            )
        await session.commit()
        return Redirect(path=f"/office/statements/{code}/{month}?done={action}", status_code=303)

    @post("/{code:str}/{month:str}/prepare")
    async def prepare(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: str
    ) -> Template | Redirect:
        return await self._act(request, session, code, month, "prepare")

    @post("/{code:str}/{month:str}/approve")
    async def approve(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: str
    ) -> Template | Redirect:
        return await self._act(request, session, code, month, "approve")

    @post("/{code:str}/{month:str}/pay")
    async def pay(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: ProducerCode, month: str
    ) -> Template | Redirect:
        return await self._act(request, session, code, month, "pay")


def done_message(code: str | None) -> str | None:
    return {
        "prepare": gettext("Computed again from this month's sales, refunds and returns."),
        "approve": gettext("Approved: the figures are final."),
        "pay": gettext("Marked paid."),
    }.get(code or "")


def _prepared_message(count: str | None) -> str | None:
    if count is None or not count.isdigit():
        return None
    n = int(count)
    return ngettext("{n} statement prepared.", "{n} statements prepared.", n).format(n=n)
