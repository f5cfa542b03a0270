"""The province's decision (/office/evaluation/decisions/): choose a round's ranked products,
type the decision's number, date, signer and issuer, see what it will do (the preview),
issue it, then print its annex (PDF) or keep it as .xlsx."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog import cache
from shop.catalog.sellability import today
from shop.errors import NotFound
from shop.evaluation import annex, decisions, results
from shop.evaluation.council_schemas import DecisionIn
from shop.evaluation.models.registrations import EvaluationRound
from shop.evaluation.models.results import EvaluationDecision
from shop.evaluation.pages.base import attempt, render, round_names
from shop.geo.models import Place
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form, read
from shop.mail import outbox
from shop.params import Id, OptionalId
from shop.web import XLSX_TYPE, download

BASE = "/office/evaluation/decisions"
FIELDS = ("round_id", "number", "decided_on", "signer", "issuer")


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


async def _decision(session: AsyncSession, decision_id: int) -> EvaluationDecision:
    found = await decisions.decision_or_none(session, decision_id)
    if found is None:
        raise NotFound(N_("No decision {key}."), key=decision_id)
    return found


def _payload(form: Form, chosen: list[int]) -> DecisionIn | None:
    """The API's request from the form, or None with the form's errors set."""
    round_id = _int(form.get("round_id"))
    if round_id is None:
        form.error("round_id", gettext(N_("Choose the round.")))
    if not 1 <= len(form.get("number")) <= 60:
        form.error("number", gettext(N_("Enter the decision number, e.g. 1114/QĐ-UBND.")))
    decided_on = None
    try:
        decided_on = dt.date.fromisoformat(form.get("decided_on"))
    except ValueError:
        form.error("decided_on", gettext(N_("Enter the date of the decision.")))
    for name in ("signer", "issuer"):
        if not 1 <= len(form.get(name)) <= 200:
            form.error(name, gettext(N_("Enter who signed the decision, e.g. UBND tỉnh Thái Nguyên.")))
    if not chosen:
        form.error("registration", gettext(N_("Tick the products the decision lists.")))
    if not form.ok or round_id is None or decided_on is None:
        return None
    return DecisionIn(
        round_id, form.get("number"), decided_on, form.get("signer"), form.get("issuer"), chosen
    )


async def _issuer(session: AsyncSession, round_id: int) -> str:
    """The usual issuer of a round's decision: the province's People's Committee."""
    name = await session.scalar(
        sa.select(Place.name)
        .join(EvaluationRound, EvaluationRound.province_id == Place.id)
        .where(EvaluationRound.id == round_id)
    )
    return f"UBND {name[0].lower()}{name[1:]}" if name else ""


class OfficeDecisionPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        return render(
            request,
            "evaluation/decisions.html",
            decisions=await decisions.listing(session),
            rounds=await round_names(session),
        )

    @get("/new")
    async def new(
        self, request: Request[Any, Any, Any], session: AsyncSession, round_id: OptionalId = None
    ) -> Template:
        values = {"decided_on": today().isoformat()}
        if round_id is not None:
            values |= {"round_id": str(round_id), "issuer": await _issuer(session, round_id)}
        return await self._form(request, session, Form(values=values), chosen=None, preview=None)

    async def _form(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        form: Form,
        *,
        chosen: list[int] | None,
        preview: list[decisions.Planned] | None,
    ) -> Template:
        round_id = _int(form.get("round_id"))
        ranked = await decisions.decidable(session, round_id) if round_id else []
        return render(
            request,
            "evaluation/decision_form.html",
            status_code=200 if form.ok else form.status,
            form=form,
            rounds=await round_names(session),
            ranked=[(r, p, res, results.final_stars(res)) for r, p, res in ranked],
            chosen=set(chosen)
            if chosen is not None
            else {r.id for r, _, res in ranked if results.final_stars(res)},
            preview=preview,
            points=results.points_text,
        )

    @post("/new")
    async def submit(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        data = await request.form()
        form = read(data, FIELDS)
        chosen = [i for i in (_int(str(v)) for v in data.getall("registration", [])) if i is not None]
        payload = _payload(form, chosen)
        if payload is None:
            return await self._form(request, session, form, chosen=chosen, preview=None)
        names = {f"registration_ids[{i}]": "registration" for i in range(len(chosen))}
        if data.get("action") != "issue":
            planned = await attempt(session, form, lambda: decisions.preview(session, payload), names)
            return await self._form(request, session, form, chosen=chosen, preview=planned)
        issued = await attempt(session, form, lambda: decisions.issue(session, payload, today=today()), names)
        if issued is None:
            return await self._form(request, session, form, chosen=chosen, preview=None)
        await cache.commit(session)
        code = "issued" if issued.made else "unchanged"
        send = BackgroundTask(outbox.deliver_pending, request.app.state.db, request.app.state.settings)
        return Redirect(path=f"{BASE}/{issued.decision.id}?done={code}", status_code=303, background=send)

    @get("/{decision_id:int}")
    async def show(self, request: Request[Any, Any, Any], session: AsyncSession, decision_id: Id) -> Template:
        decision = await _decision(session, decision_id)
        return render(
            request,
            "evaluation/decision.html",
            decision=decision,
            rows=await decisions.annex_rows(session, decision),
            round_name=(await round_names(session)).get(decision.round_id, ""),
            points=results.points_text,
        )

    @get("/{decision_id:int}/annex.pdf")
    async def annex_pdf(self, session: AsyncSession, decision_id: Id) -> Response[bytes]:
        decision = await _decision(session, decision_id)
        table = annex.build(decision, await decisions.annex_rows(session, decision))
        return download(annex.to_pdf(table), "application/pdf", f"annex-{decision.id}.pdf", inline=True)

    @get("/{decision_id:int}/annex.xlsx")
    async def annex_xlsx(self, session: AsyncSession, decision_id: Id) -> Response[bytes]:
        decision = await _decision(session, decision_id)
        table = annex.build(decision, await decisions.annex_rows(session, decision))
        return download(annex.to_xlsx(table), XLSX_TYPE, f"annex-{decision.id}.xlsx")
