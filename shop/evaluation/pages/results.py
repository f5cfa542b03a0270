"""The council's result for a registration (/office/evaluation/results/{id}): each member's
signed total, the quorum, the spread warning, the mean and the stars with the mandatory
criteria that held them back; recording the result; the central level's answer for a
product forwarded at 90 points or more."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.models import Producer, Product
from shop.evaluation import councils, results
from shop.evaluation.council_schemas import CentralIn
from shop.evaluation.models.registrations import Registration
from shop.evaluation.models.results import CentralOutcome
from shop.evaluation.pages.base import attempt, done, render, round_names
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form, read
from shop.params import Id

BASE = "/office/evaluation/results"


class OfficeResultPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires_admin]

    @get("/{registration_id:int}")
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template:
        registration = await councils.registration_or_404(session, registration_id)
        return await self._page(request, session, registration, Form())

    async def _page(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration: Registration, form: Form
    ) -> Template:
        council = await councils.council_of(session, registration.id)
        names = (
            {row.member.id: row.name for row in await councils.members(session, council.id)}
            if council
            else {}
        )
        found = await results.evaluate(session, registration)
        return render(
            request,
            "evaluation/result.html",
            status_code=200 if form.ok else form.status,
            registration=registration,
            product=await session.get(Product, registration.product_id),
            producer=await session.get(Producer, registration.producer_id),
            council=council,
            names=names,
            found=found,
            stored=found.stored,
            final_stars=results.final_stars(found.stored) if found.stored else None,
            points=results.points_text,
            round_name=(await round_names(session)).get(registration.round_id, ""),
            closed=registration.status.value in ("decided", "withdrawn"),
            form=form,
        )

    @post("/{registration_id:int}")
    async def rank(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration = await councils.registration_or_404(session, registration_id)
        form = Form()
        if await attempt(session, form, lambda: results.rank(session, registration)) is None:
            return await self._page(request, session, registration, form)
        await session.commit()
        return done("ranked", f"{BASE}/{registration.id}")

    @post("/{registration_id:int}/central")
    async def central(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration = await councils.registration_or_404(session, registration_id)
        form = read(await request.form(), ("outcome", "reference", "decided_on"))
        if form.get("outcome") not in {o.value for o in CentralOutcome}:
            form.error("outcome", gettext(N_("Choose what the central level answered.")))
        if not 1 <= len(form.get("reference")) <= 60:
            form.error("reference", gettext(N_("Enter the number of its decision or letter.")))
        try:
            decided_on = dt.date.fromisoformat(form.get("decided_on"))
        except ValueError:
            form.error("decided_on", gettext(N_("Enter a date, for example 25/03/2026.")))
        if not form.ok:
            return await self._page(request, session, registration, form)
        data = CentralIn(
            outcome=CentralOutcome(form.get("outcome")),
            reference=form.get("reference"),
            decided_on=decided_on,
        )
        if await attempt(session, form, lambda: results.record_central(session, registration, data)) is None:
            return await self._page(request, session, registration, form)
        await session.commit()
        return done("central", f"{BASE}/{registration.id}")
