"""The province's decisions under /api/v1/evaluation/decisions: preview, issue (idempotent by
round and number), read, and the annex as PDF and .xlsx."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog import cache
from shop.catalog.sellability import today
from shop.errors import NotFound
from shop.evaluation import annex, decisions
from shop.evaluation.api.outputs import decision_out, planned_out
from shop.evaluation.council_schemas import DecisionIn, DecisionOut
from shop.evaluation.models.results import EvaluationDecision
from shop.i18n import N_
from shop.mail import outbox
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of_list
from shop.params import Id, OptionalId
from shop.web import XLSX_TYPE, download


class DecisionSummaryOut(msgspec.Struct):
    id: int
    round_id: int
    number: str
    decided_on: dt.date
    issuer: str
    registrations: int


async def decision_or_404(session: AsyncSession, decision_id: int) -> EvaluationDecision:
    found = await decisions.decision_or_none(session, decision_id)
    if found is None:
        raise NotFound(N_("No decision {key}."), key=decision_id)
    return found


def send_mail(request: Request[Any, Any, Any]) -> BackgroundTask:
    """The producers' emails go out after the answer (the outbox retries what fails)."""
    return BackgroundTask(outbox.deliver_pending, request.app.state.db, request.app.state.settings)


def _filename(decision: EvaluationDecision, suffix: str) -> str:
    safe = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in decision.number).strip("-")
    return f"annex-{safe or decision.id}.{suffix}"


class DecisionController(Controller):
    path = "/api/v1/evaluation/decisions"
    tags = ["evaluation"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listDecisions", summary="Decisions, newest first; round_id filters")
    async def list_decisions(
        self,
        session: AsyncSession,
        round_id: OptionalId = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[DecisionSummaryOut]:
        rows = await decisions.listing(session, round_id)
        items = [DecisionSummaryOut(d.id, d.round_id, d.number, d.decided_on, d.issuer, n) for d, n in rows]
        return page_of_list(items, page=page, page_size=page_size)

    @post(
        "/preview",
        operation_id="previewDecision",
        status_code=200,
        summary="What issuing would do; nothing is kept",
    )
    async def preview(self, session: AsyncSession, data: DecisionIn) -> DecisionOut:
        planned = await decisions.preview(session, data)
        return DecisionOut(
            id=None,
            round_id=data.round_id,
            number=data.number,
            decided_on=data.decided_on,
            signer=data.signer,
            issuer=data.issuer,
            lines=[planned_out(item) for item in planned],
        )

    @post(
        "/",
        operation_id="issueDecision",
        summary="Issue the decision: certificates, failures, emails (idempotent by round and number)",
        responses={200: ResponseSpec(DecisionOut, description="Issued before: nothing changed")},
    )
    async def issue(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: DecisionIn
    ) -> Response[DecisionOut]:
        issued = await decisions.issue(session, data, today=today())
        out = await decision_out(session, issued.decision)
        await cache.commit(session)
        return Response(out, status_code=201 if issued.made else 200, background=send_mail(request))

    @get("/{decision_id:int}", operation_id="getDecision")
    async def get_decision(self, session: AsyncSession, decision_id: Id) -> DecisionOut:
        return await decision_out(session, await decision_or_404(session, decision_id))

    @get(
        "/{decision_id:int}/annex.pdf",
        operation_id="decisionAnnexPdf",
        media_type="application/pdf",
        summary="The annex, printable",
    )
    async def annex_pdf(self, session: AsyncSession, decision_id: Id) -> Response[bytes]:
        decision = await decision_or_404(session, decision_id)
        table = annex.build(decision, await decisions.annex_rows(session, decision))
        return download(annex.to_pdf(table), "application/pdf", _filename(decision, "pdf"), inline=True)

    @get(
        "/{decision_id:int}/annex.xlsx",
        operation_id="decisionAnnexXlsx",
        media_type=XLSX_TYPE,
        summary="The annex as a spreadsheet",
    )
    async def annex_xlsx(self, session: AsyncSession, decision_id: Id) -> Response[bytes]:
        decision = await decision_or_404(session, decision_id)
        table = annex.build(decision, await decisions.annex_rows(session, decision))
        return download(annex.to_xlsx(table), XLSX_TYPE, _filename(decision, "xlsx"))
