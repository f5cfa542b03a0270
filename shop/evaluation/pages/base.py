"""What the evaluation screens share: the frame (``?done=`` messages, the vocabularies in the
request's language), the service errors put back on the form, and the round names."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import sqlalchemy as sa
from litestar import MediaType, Request
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput
from shop.evaluation.models.registrations import EvaluationRound
from shop.geo.models import Place
from shop.i18n import N_, _
from shop.inventory.pages.forms import Form

T = TypeVar("T")

DONE = {
    "council_created": N_("Council formed."),
    "member_added": N_("Member seated."),
    "member_removed": N_("Member removed."),
    "assigned": N_("Registrations given to the council."),
    "unassigned": N_("Registration taken back from the council."),
    "saved": N_("Sheet saved as a draft."),
    "signed": N_("Sheet signed: it can no longer change."),
    "correcting": N_("Correction opened: change the sheet, then sign it again."),
    "ranked": N_("Result recorded: it goes into the next decision."),
    "central": N_("The central level's answer is recorded."),
    "issued": N_("Decision issued: the certificates are in the catalog and the producers are told."),
    "unchanged": N_("This decision was issued before: nothing changed."),
}


def labels() -> dict[str, dict[str, str]]:
    """The evaluation vocabularies in the request's language."""
    return {
        "role": {"chair": _("Chair"), "secretary": _("Secretary"), "member": _("Member")},
        "sheet": {"draft": _("Draft"), "signed": _("Signed"), "replaced": _("Replaced")},
        "registration": {
            "draft": _("Dossier in progress"),
            "submitted": _("Submitted"),
            "returned": _("Returned for completion"),
            "accepted": _("Dossier accepted"),
            "commune_checked": _("Checked by the commune"),
            "reviewed": _("Reviewed by the advisory group"),
            "ranked": _("Ranked"),
            "decided": _("Decided"),
            "withdrawn": _("Withdrawn"),
        },
        "kind": {
            "first": _("First evaluation"),
            "upgrade": _("Upgrade"),
            "re_evaluation": _("Re-evaluation"),
        },
        "standing": {
            "incomplete": _("Waiting for the quorum"),
            "blocked": _("Blocked: re-score"),
            "ready": _("Ready"),
        },
        "level": {
            "province": _("provincial level"),
            "central": _("central level"),
            "district": _("district level"),
        },
        "central": {"recognised": _("Recognised 5 stars"), "returned": _("Returned to the province")},
    }


def render(
    request: Request[Any, Any, Any], template: str, *, status_code: int = 200, **context: Any
) -> Template:
    message = DONE.get(request.query_params.get("done", ""))
    context |= {"done": _(message) if message else None, "labels": labels()}
    return Template(
        template_name=template, context=context, status_code=status_code, media_type=MediaType.HTML
    )


def done(code: str, path: str, anchor: str = "") -> Redirect:
    """After a write: the page again (POST → redirect → GET) with its success message."""
    where = f"{path}{'&' if '?' in path else '?'}done={code}"
    return Redirect(path=f"{where}#{anchor}" if anchor else where, status_code=303)


async def attempt(
    session: AsyncSession,
    form: Form,
    call: Callable[[], Awaitable[T]],
    names: Mapping[str, str] | None = None,
) -> T | None:
    """Run a service call in a savepoint; on bad input or a conflict undo it and keep its
    messages: beside their field (``names``: the service's field path → the form's field),
    the others at the top of the form."""
    try:
        async with session.begin_nested():
            return await call()
    except (InvalidInput, Conflict) as refused:
        form.status = refused.status_code
        if not refused.errors:
            form.error("", refused.detail)
        for error in refused.errors:
            field = (names or {}).get(str(error.get("field", "")), "")
            form.error(field, str(error.get("message") or refused.detail))
        return None


async def round_names(session: AsyncSession) -> dict[int, str]:
    """Every round as people name it: "Bắc Kạn 2026, round 1"."""
    rows = await session.execute(
        sa.select(EvaluationRound, Place.name)
        .join(Place, Place.id == EvaluationRound.province_id)
        .order_by(EvaluationRound.year.desc(), EvaluationRound.number.desc(), EvaluationRound.id.desc())
    )
    label = _("{province} {year}, round {number}")
    return {r.id: label.format(province=name, year=r.year, number=r.number) for r, name in rows.all()}
