"""``/office/evaluation/registrations/{id}``: one dossier for the office, each criterion with
the producer's answer, its evidence and the comments side by side, and the buttons of the
next step: accept or return it with comments per criterion, record the commune's check,
record the advisory group's review. The same services as the API's steps."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import InvalidInput
from shop.evaluation import figures, registrations, steps
from shop.evaluation.models.registrations import Registration
from shop.evaluation.pages import dossier_forms as df
from shop.evaluation.registration_schemas import CommuneCheckIn, ReturnIn, ReviewIn
from shop.evaluation.registration_views import figures_out
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form
from shop.params import Id

BASE = "/office/evaluation/registrations"
DONE = {
    "registered": N_("The product is registered; the producer fills in the dossier (or you, on its behalf)."),
    "accepted": N_("Dossier accepted: it goes to the commune."),
    "returned": N_("Dossier returned to the producer with your comments."),
    "commune_checked": N_("The commune's check is recorded: the dossier goes to the advisory group."),
    "reviewed": N_("The advisory group's review is recorded: the dossier is ready for the council."),
}


async def _page(
    session: AsyncSession, registration: Registration, *, form: Form | None = None, done: str | None = None
) -> Template:
    form = form or Form()
    view = await df.dossier_view(session, registration, today=today())
    held = figures_out(await figures.product_figures(session, registration.product_id, today=today()))
    context = {
        "view": view,
        "form": form,
        "held": held,
        "labels": df.labels(),
        "done": done,
        "returnable": registration.status in steps.RETURNABLE,
        "confirmations": [(name, gettext(text)) for name, text in CONFIRM_LABELS.items()],
    }
    return Template(
        "evaluation/office_registration.html", context=context, status_code=200 if form.ok else form.status
    )


CONFIRM_LABELS = {
    "product_origin": N_("The product comes from the commune"),
    "raw_material_origin": N_("Its raw materials come from the area"),
    "local_labour": N_("It employs local labour"),
    "idea_origin": N_("The idea of the product comes from the locality"),
}


class OfficeDossierPages(Controller):
    path = BASE
    include_in_schema = False
    guards = (requires_admin,)

    @get("/{registration_id:int}")
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template:
        registration = await registrations.visible(session, registration_id, None)
        key = request.query_params.get("done")
        return await _page(session, registration, done=gettext(DONE[key]) if key in DONE else None)

    @post("/{registration_id:int}/accept")
    async def accept(self, session: AsyncSession, registration_id: Id) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, None)
        form = Form()
        await df.attempt(session, form, lambda: steps.accept(session, registration, now=utcnow()))
        return await _finish(session, registration, form, "accepted")

    @post("/{registration_id:int}/return")
    async def send_back(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, None)
        data = await request.form()
        form = Form(values={"office_note": str(data.get("note") or "")[:5000]})
        payload = {"note": form.get("office_note"), "comments": df.comments_of(data, "office-")}

        async def call() -> None:
            await steps.return_dossier(session, registration, msgspec.convert(payload, ReturnIn))

        await df.attempt(session, form, call)
        return await _finish(session, registration, form, "returned")

    @post("/{registration_id:int}/commune-check")
    async def commune_check(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, None)
        data = await request.form()
        form = Form(values={"commune_note": str(data.get("note") or "")[:5000]})
        payload: dict[str, Any] = {name: data.get(name) == "yes" for name in CONFIRM_LABELS}
        payload["note"] = form.get("commune_note") or None

        async def call() -> None:
            await steps.commune_check(
                session, registration, msgspec.convert(payload, CommuneCheckIn), now=utcnow()
            )

        await df.attempt(session, form, call)
        return await _finish(session, registration, form, "commune_checked")

    @post("/{registration_id:int}/review")
    async def review(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration = await registrations.visible(session, registration_id, None)
        data = await request.form()
        form = Form(
            values={
                "advisory_note": str(data.get("note") or "")[:5000],
                "inspected_on": str(data.get("inspected_on") or "")[:10],
            }
        )

        async def call() -> None:
            payload = {
                "note": form.get("advisory_note"),
                "inspected_on": form.get("inspected_on") or None,
                "comments": df.comments_of(data, "advisory-"),
            }
            try:
                data_in = msgspec.convert(payload, ReviewIn, strict=False)
            except msgspec.ValidationError as invalid:
                form.error("inspected_on", gettext(N_("Enter a date, for example 25/03/2026.")))
                raise InvalidInput(errors=[]) from invalid
            await steps.review(session, registration, data_in, now=utcnow())

        await df.attempt(session, form, call)
        return await _finish(session, registration, form, "reviewed")


async def _finish(
    session: AsyncSession, registration: Registration, form: Form, done: str
) -> Template | Redirect:
    if not form.ok:
        return await _page(session, registration, form=form)
    await session.commit()
    return Redirect(path=f"{BASE}/{registration.id}?done={done}", status_code=303)
