"""``/office/plans/``: the office writes the year's plan of a province and its targets, sees
how far each has come (done, expected by today, behind or on track, by area) and records the
figures nothing in the system counts. The same services as ``/api/v1/programme/plans``;
everything typed is kept when the form is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin
from shop.catalog.models import ProducerKind, QualityKind
from shop.catalog.sellability import today
from shop.errors import Conflict, InvalidInput
from shop.geo.models import Place
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form
from shop.params import Id
from shop.programme import plans, progress
from shop.programme.models import Measure, Plan, PlanStatus, PlanTarget
from shop.programme.schemas import PlanIn, RecordIn, TargetIn

BASE = "/office/plans"
T = TypeVar("T")
PLAN_FIELDS = ("province_id", "year", "title", "status", "note")
TARGET_FIELDS = ("measure", "target", "stars", "quality_kind", "producer_kind", "place_id", "label", "note")
RECORD_FIELDS = ("counted", "counted_on", "note")
DONE = {
    "plan_saved": N_("The plan is saved."),
    "target_saved": N_("The target is saved."),
    "target_removed": N_("The target was removed."),
    "recorded": N_("The figure is recorded."),
}
STATUS_LABELS = {
    PlanStatus.draft: N_("Draft"),
    PlanStatus.adopted: N_("Adopted"),
    PlanStatus.closed: N_("Closed"),
}


def _whole(form: Form, name: str, low: int, high: int, *, required: bool = True) -> int | None:
    """A whole number typed in a field, or None (and the field's error) when it is not one."""
    text = form.get(name).replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        if required:
            form.error(name, gettext("Fill in this field."))
        return None
    if not (text.isascii() and text.isdigit() and low <= int(text) <= high):
        form.error(name, gettext("Give a whole number from {low} to {high}.").format(low=low, high=high))
        return None
    return int(text)


def _field_of(message: str) -> str:
    return message.rsplit("$.", 1)[-1].rstrip("`") if "$." in message else ""


def _convert(form: Form, payload: Mapping[str, object], kind: type[T]) -> T:
    """The request the API would take; a field msgspec refuses is named beside its input."""
    if not form.ok:
        raise InvalidInput(errors=[])
    try:
        return msgspec.convert(payload, kind, strict=False)
    except msgspec.ValidationError as invalid:
        form.error(_field_of(str(invalid)), gettext("Check this field."))
        raise InvalidInput(errors=[]) from invalid


async def _attempt(session: AsyncSession, form: Form, call: Callable[[], Awaitable[T]]) -> T | None:
    """Run a service call in a savepoint; on refusal undo it and keep each error by its field."""
    try:
        async with session.begin_nested():
            return await call()
    except (InvalidInput, Conflict) as refused:
        form.status = refused.status_code
        for error in refused.errors:
            form.error(str(error.get("field", "")), str(error.get("message") or refused.detail))
        if not refused.errors and form.ok:
            form.error("", refused.detail)
        return None


def _read(data: Any, names: tuple[str, ...]) -> Form:
    return Form(values={n: str(data.get(n) or "").strip()[:5000] for n in names})


def _measure_options() -> list[tuple[str, str]]:
    out = []
    for m in Measure:
        text = gettext(progress.MEASURE_LABELS[m])
        out.append((m.value, text.replace("{stars}", "N")))
    return out


def _choices() -> dict[str, Any]:
    return {
        "measures": _measure_options(),
        "quality_kinds": [("", gettext("Any"))]
        + [(k.value, gettext(progress.QUALITY_LABELS[k])) for k in QualityKind],
        "producer_kinds": [("", gettext("Any"))]
        + [(k.value, gettext(progress.PRODUCER_LABELS[k])) for k in ProducerKind],
        "statuses": [(s.value, gettext(label)) for s, label in STATUS_LABELS.items()],
        "star_options": [("3", "3★"), ("4", "4★"), ("5", "5★")],
    }


def _done(request: Request[Any, Any, Any]) -> str | None:
    key = request.query_params.get("done")
    return gettext(DONE[key]) if key in DONE else None


class PlanPages(Controller):
    path = BASE
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        rows = (await session.execute(plans.listing_query().limit(200))).all()
        context = {
            "rows": [plans.PlanRow(p, str(name), int(n)) for p, name, n in rows],
            "statuses": dict(_choices()["statuses"]),
            "done": _done(request),
        }
        return Template("programme/plans.html", context=context)

    @get("/new")
    async def new_plan(self, session: AsyncSession) -> Template:
        year = today().year
        form = Form(values={"year": str(year), "status": PlanStatus.draft.value})
        return await _plan_page(session, form, None)

    @post("/")
    async def create_plan(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Template | Redirect:
        form = _read(await request.form(), PLAN_FIELDS)
        made = await _attempt(session, form, lambda: _save_plan(session, form, None))
        if made is None:
            return await _plan_page(session, form, None)
        await session.commit()
        return Redirect(path=f"{BASE}/{made.id}?done=plan_saved", status_code=303)

    @get("/{plan_id:int}")
    async def show(self, request: Request[Any, Any, Any], session: AsyncSession, plan_id: Id) -> Template:
        plan = await plans.plan_or_404(session, plan_id)
        by = "commune" if request.query_params.get("by") == "commune" else "district"
        found = await progress.of_plan(session, plan, today=today(), by=by)
        context = {
            "progress": found,
            "plan": plan,
            "status": gettext(STATUS_LABELS[plan.status]),
            "shown": progress.shown,
            "done": _done(request),
        }
        return Template("programme/plan.html", context=context)

    @get("/{plan_id:int}/edit")
    async def edit_plan(self, session: AsyncSession, plan_id: Id) -> Template:
        plan = await plans.plan_or_404(session, plan_id)
        values = {
            "province_id": str(plan.province_id),
            "year": str(plan.year),
            "title": plan.title,
            "status": plan.status.value,
            "note": plan.note or "",
        }
        return await _plan_page(session, Form(values=values), plan)

    @post("/{plan_id:int}")
    async def update_plan(
        self, request: Request[Any, Any, Any], session: AsyncSession, plan_id: Id
    ) -> Template | Redirect:
        plan = await plans.plan_or_404(session, plan_id)
        form = _read(await request.form(), PLAN_FIELDS)
        made = await _attempt(session, form, lambda: _save_plan(session, form, plan))
        if made is None:
            await session.refresh(plan)
            return await _plan_page(session, form, plan)
        await session.commit()
        return Redirect(path=f"{BASE}/{plan_id}?done=plan_saved", status_code=303)

    @get("/{plan_id:int}/targets/new")
    async def new_target(self, session: AsyncSession, plan_id: Id) -> Template:
        plan = await plans.plan_or_404(session, plan_id)
        form = Form(values={"measure": Measure.new_certified_products.value, "stars": "3"})
        return await _target_page(session, form, plan, None)

    @post("/{plan_id:int}/targets")
    async def add_target(
        self, request: Request[Any, Any, Any], session: AsyncSession, plan_id: Id
    ) -> Template | Redirect:
        plan = await plans.plan_or_404(session, plan_id)
        form = _read(await request.form(), TARGET_FIELDS)
        made = await _attempt(session, form, lambda: _save_target(session, form, plan, None))
        if made is None:
            return await _target_page(session, form, plan, None)
        await session.commit()
        return Redirect(path=f"{BASE}/{plan_id}?done=target_saved", status_code=303)

    @get("/{plan_id:int}/targets/{target_id:int}")
    async def edit_target(self, session: AsyncSession, plan_id: Id, target_id: Id) -> Template:
        plan = await plans.plan_or_404(session, plan_id)
        target = await plans.target_or_404(session, plan, target_id)
        values = {
            "measure": target.measure.value,
            "target": str(target.target),
            "stars": str(target.stars or ""),
            "quality_kind": target.quality_kind.value if target.quality_kind else "",
            "producer_kind": target.producer_kind.value if target.producer_kind else "",
            "place_id": str(target.place_id or ""),
            "label": target.label or "",
            "note": target.note or "",
        }
        return await _target_page(session, Form(values=values), plan, target)

    @post("/{plan_id:int}/targets/{target_id:int}")
    async def update_target(
        self, request: Request[Any, Any, Any], session: AsyncSession, plan_id: Id, target_id: Id
    ) -> Template | Redirect:
        plan = await plans.plan_or_404(session, plan_id)
        target = await plans.target_or_404(session, plan, target_id)
        form = _read(await request.form(), TARGET_FIELDS)
        made = await _attempt(session, form, lambda: _save_target(session, form, plan, target))
        if made is None:
            await session.refresh(target)
            return await _target_page(session, form, plan, target)
        await session.commit()
        return Redirect(path=f"{BASE}/{plan_id}?done=target_saved", status_code=303)

    @post("/{plan_id:int}/targets/{target_id:int}/delete")
    async def delete_target(self, session: AsyncSession, plan_id: Id, target_id: Id) -> Redirect:
        plan = await plans.plan_or_404(session, plan_id)
        await plans.delete_target(session, await plans.target_or_404(session, plan, target_id))
        await session.commit()
        return Redirect(path=f"{BASE}/{plan_id}?done=target_removed", status_code=303)

    @post("/{plan_id:int}/targets/{target_id:int}/records")
    async def record(
        self, request: Request[Any, Any, Any], session: AsyncSession, plan_id: Id, target_id: Id
    ) -> Template | Redirect:
        plan = await plans.plan_or_404(session, plan_id)
        target = await plans.target_or_404(session, plan, target_id)
        form = _read(await request.form(), RECORD_FIELDS)
        user_id = actor(request).id

        async def call() -> object:
            counted = _whole(form, "counted", 0, 1_000_000)
            payload = {
                "counted": counted,
                "counted_on": form.get("counted_on"),
                "note": form.get("note") or None,
            }
            if not form.get("counted_on"):
                form.error("counted_on", gettext("Fill in this field."))
            data = _convert(form, payload, RecordIn)
            return await plans.record(session, plan, target, data, user_id=user_id, today=today())

        if await _attempt(session, form, call) is None:
            return await _target_page(session, Form(values={}), plan, target, record_form=form)
        await session.commit()
        return Redirect(path=f"{BASE}/{plan_id}?done=recorded", status_code=303)


async def _save_plan(session: AsyncSession, form: Form, plan: Plan | None) -> Plan:
    payload: dict[str, object] = {
        "province_id": _whole(form, "province_id", 1, 2_147_483_647),
        "year": _whole(form, "year", 2018, 2100),
        "title": form.get("title"),
        "status": form.get("status") or PlanStatus.draft.value,
        "note": form.get("note") or None,
    }
    if not form.get("title"):
        form.error("title", gettext("Fill in this field."))
    data = _convert(form, payload, PlanIn)
    return await (plans.update_plan(session, plan, data) if plan else plans.create_plan(session, data))


async def _save_target(
    session: AsyncSession, form: Form, plan: Plan, target: PlanTarget | None
) -> PlanTarget:
    payload: dict[str, object] = {
        "measure": form.get("measure"),
        "target": _whole(form, "target", 1, 1_000_000),
        "stars": _whole(form, "stars", 3, 5, required=False),
        "quality_kind": form.get("quality_kind") or None,
        "producer_kind": form.get("producer_kind") or None,
        "place_id": _whole(form, "place_id", 1, 2_147_483_647, required=False),
        "label": form.get("label")[:200] or None,
        "note": form.get("note")[:500] or None,
    }
    data = _convert(form, payload, TargetIn)
    if target is None:
        return await plans.add_target(session, plan, data)
    return await plans.update_target(session, plan, target, data)


async def _plan_page(session: AsyncSession, form: Form, plan: Plan | None) -> Template:
    provinces = [("", gettext("Choose…"))] + [(str(p.id), p.name) for p in await plans.provinces(session)]
    context = {"form": form, "plan": plan, "province_options": provinces, **_choices()}
    return Template("programme/plan_form.html", context=context, status_code=200 if form.ok else form.status)


async def _target_page(
    session: AsyncSession,
    form: Form,
    plan: Plan,
    target: PlanTarget | None,
    *,
    record_form: Form | None = None,
) -> Template:
    province = await session.get_one(Place, plan.province_id)
    records = await plans.records_of(session, target.id) if target else []
    record_form = record_form or Form(
        values={"counted_on": min(today(), dt.date(plan.year, 12, 31)).isoformat()}
    )
    context = {
        "form": form,
        "plan": plan,
        "province": province.name,
        "target": target,
        "description": progress.describe(target) if target else None,
        "districts": await plans.districts(session, plan.province_id),
        "communes": await plans.communes(session, plan.province_id),
        "records": records,
        "record_form": record_form,
        **_choices(),
    }
    ok = form.ok and record_form.ok
    status = 200 if ok else (form.status if not form.ok else record_form.status)
    return Template("programme/target_form.html", context=context, status_code=status)
