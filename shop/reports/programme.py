"""The programme's plan and its progress as a report (``/reports/programme``, its .xlsx and
CSV for the year-end report): one row per target, then its areas beneath it.

Parameters: ``plan`` (its id; this year's plan when left out) and ``by`` (``district``:
every former district of the province, the default; ``commune``: today's communes with a
figure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.errors import InvalidInput, field_error
from shop.i18n import N_, gettext, ngettext
from shop.params import MAX_ID
from shop.programme import plans, progress
from shop.programme.models import SHARES, Measure, Plan
from shop.reports.tables import Cell, Table


async def chosen_plan(session: AsyncSession, plan_id: int | None, on: dt.date) -> Plan | None:
    """The plan asked for, else this year's (the first by province), else the latest."""
    if plan_id is not None:
        return await plans.plan_or_404(session, plan_id)
    found = await session.scalars(plans.listing_query().with_only_columns(Plan).limit(200))
    rows = list(found)
    return next((p for p in rows if p.year == on.year), rows[0] if rows else None)


def _figure(value: float | None, measure: Measure) -> Cell:
    if value is None:
        return None
    if measure is Measure.revenue_growth:
        return round(value / 100, 2)
    return value if measure in SHARES else int(value)


def _target_cell(t: progress.TargetProgress) -> Cell:
    measure = t.target.measure
    return round(t.target.target / 100, 2) if measure is Measure.revenue_growth else t.target.target


async def progress_table(
    session: AsyncSession, *, plan_id: int | None, by: str, on: dt.date, areas: bool = True
) -> Table:
    plan = await chosen_plan(session, plan_id, on)
    columns = [
        gettext("Target"),
        gettext("Area"),
        gettext("To reach by the year's end"),
        gettext("Done so far"),
        gettext("Expected by today"),
        gettext("Status"),
        gettext("Note"),
    ]
    if plan is None:
        return Table(
            key="programme",
            title=gettext("The programme's plan and its progress"),
            columns=columns,
            rows=[],
            summary=gettext("No plan has been recorded yet."),
        )
    found = await progress.of_plan(session, plan, today=on, by=by)
    whole = gettext("Whole province")
    rows: list[list[Cell]] = []
    for t in found.targets:
        measure = t.target.measure
        rows.append(
            [
                t.description,
                t.place or whole,
                _target_cell(t),
                _figure(t.done, measure),
                _figure(float(t.expected), measure),
                t.status_text,
                t.detail,
            ]
        )
        for area in t.areas if areas else []:
            rows.append(["", area.name, None, _figure(area.done, measure), None, None, None])
    reached = sum(1 for t in found.targets if t.status == "reached")
    behind = sum(1 for t in found.targets if t.status == "behind")
    summary = ngettext("%(num)d target", "%(num)d targets", len(found.targets)) % {
        "num": len(found.targets)
    } + gettext(": {reached} reached, {behind} behind, figures on {day}.").format(
        reached=reached, behind=behind, day=found.on.isoformat()
    )
    return Table(
        key=f"programme-{plan.year}-{plan.id}",
        title=gettext("{title} ({province}, {year}): progress").format(
            title=plan.title, province=found.province, year=plan.year
        ),
        columns=columns,
        rows=rows,
        summary=summary,
    )


async def plan_choices(session: AsyncSession) -> list[tuple[int, str]]:
    """Every plan, for the report's chooser: (id, "2026 · Thái Nguyên · title")."""
    rows = await session.execute(plans.listing_query().limit(500))
    return [(p.id, f"{p.year} · {province} · {p.title}") for p, province, _ in rows]


Params = Mapping[str, str]
AREAS = ("district", "commune")


def _params(params: Params) -> tuple[int | None, str]:
    text = params.get("plan") or ""
    if text and not (text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID):
        raise InvalidInput(errors=[field_error("plan", N_("Choose a plan from the list."))])
    by = params.get("by") or "district"
    if by not in AREAS:
        raise InvalidInput(
            errors=[field_error("by", N_("Choose one of: {allowed}."), allowed=", ".join(AREAS))]
        )
    return (int(text) if text else None), by


async def _report(session: AsyncSession, params: Params) -> Table:
    plan_id, by = _params(params)
    return await progress_table(session, plan_id=plan_id, by=by, on=today())


REPORTS: dict[str, Callable[[AsyncSession, Params], Awaitable[Table]]] = {"programme": _report}


def titles() -> dict[str, str]:
    return {"programme": gettext("The programme's plan and its progress")}


async def choices(session: AsyncSession, params: Params) -> dict[str, Any]:
    """What the report's page offers: the plans, the one shown, the grouping."""
    plan_id, by = _params(params)
    plan = await chosen_plan(session, plan_id, today())
    return {"plans": await plan_choices(session), "plan": plan.id if plan else None, "by": by}


async def dashboard(session: AsyncSession) -> Table | None:
    """The dashboard's section: this year's plan (else the latest), one row per target."""
    if await chosen_plan(session, None, today()) is None:
        return None
    return await progress_table(session, plan_id=None, by="district", on=today(), areas=False)
