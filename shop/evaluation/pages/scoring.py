"""Scoring on a tablet (/office/evaluation/score/): a council member's registrations, and the
score sheet of one, with the producer's self-assessment and evidence beside each criterion,
the running totals, the council's spread warning, signing and corrections.

Only a member of the council the registration was given to sees it; for anyone else it
does not exist (404), as on the API. The totals shown while typing are the page's; the ones
kept are computed by the service from the options chosen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog.models import Producer, Product
from shop.evaluation import councils, evidence, results, scoring
from shop.evaluation.api.outputs import dossier
from shop.evaluation.council_schemas import ScoreLineIn
from shop.evaluation.models.registrations import DossierAnswer, Registration
from shop.evaluation.models.scoring import CouncilMember, ScoreSheet, ScoreSheetStatus
from shop.evaluation.models.sheets import Part
from shop.evaluation.pages.base import attempt, done, render, round_names
from shop.i18n import N_, gettext
from shop.inventory.pages.forms import Form
from shop.params import Id

BASE = "/office/evaluation/score"


@dataclass(frozen=True)
class Row:
    """One criterion as the sheet shows it."""

    criterion: scoring.CriterionView
    chosen: int | None
    comment: str
    answer: DossierAnswer | None
    stopped: bool  # after a gate that stopped the sheet: not scored

    @property
    def self_option(self) -> scoring.OptionView | None:
        return self.criterion.option(self.answer.option_id) if self.answer else None


@dataclass(frozen=True)
class Group:
    name: str
    rows: list[Row]


@dataclass(frozen=True)
class PartBlock:
    part: Part
    max_points: int
    groups: list[Group]


def _blocks(
    view: scoring.SheetView,
    chosen: dict[int, int],
    comments: dict[int, str],
    answers: dict[int, DossierAnswer],
) -> list[PartBlock]:
    counted = scoring.tally(view, chosen)
    stop = next((i for i, c in enumerate(view.criteria) if c.code == counted.gate), len(view.criteria))
    rows = [
        Row(c, chosen.get(c.id), comments.get(c.id, ""), answers.get(c.id), i > stop)
        for i, c in enumerate(view.criteria)
    ]
    maxima = view.part_max()
    blocks = []
    for part in Part:
        groups: list[Group] = []
        for row in (r for r in rows if r.criterion.part is part):
            if not groups or groups[-1].name != row.criterion.group_name:
                groups.append(Group(row.criterion.group_name, []))
            groups[-1].rows.append(row)
        if groups:
            blocks.append(PartBlock(part, maxima[part], groups))
    return blocks


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _read(view: scoring.SheetView, data: FormMultiDict) -> tuple[dict[int, int], dict[int, str]]:
    chosen: dict[int, int] = {}
    comments: dict[int, str] = {}
    for criterion in view.criteria:
        option = _int(str(data.get(f"c{criterion.id}") or ""))
        if option is not None:
            chosen[criterion.id] = option
        comment = str(data.get(f"n{criterion.id}") or "").strip()[:1000]
        if comment:
            comments[criterion.id] = comment
    return chosen, comments


def _request(
    view: scoring.SheetView, chosen: dict[int, int], comments: dict[int, str]
) -> tuple[list[ScoreLineIn], dict[str, str]]:
    """The API's lines for what was typed, and where each line's errors go on the page."""
    lines: list[ScoreLineIn] = []
    names: dict[str, str] = {}
    for criterion in view.criteria:
        if criterion.id in chosen or criterion.id in comments:
            i = len(lines)
            lines.append(ScoreLineIn(criterion.id, chosen.get(criterion.id), comments.get(criterion.id)))
            names[f"lines[{i}].option_id"] = names[f"lines[{i}].criterion_id"] = f"c{criterion.id}"
    return lines, names


async def _stored(session: AsyncSession, sheet: ScoreSheet | None) -> tuple[dict[int, int], dict[int, str]]:
    if sheet is None:
        return {}, {}
    lines = (await scoring.lines_of(session, [sheet.id]))[sheet.id]
    return {line.criterion_id: line.option_id for line in lines}, {
        line.criterion_id: line.comment or "" for line in lines
    }


class CouncilScoringPages(Controller):
    path = BASE
    include_in_schema = False
    guards = [requires_login]

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        user = actor(request)
        rows = []
        for registration, product, council, member in await councils.my_registrations(session, user.id):
            rows.append(
                (
                    registration,
                    product,
                    council,
                    member,
                    await scoring.latest(session, registration.id, member.id),
                )
            )
        return render(request, "evaluation/my_scoring.html", rows=rows, rounds=await round_names(session))

    @get("/{registration_id:int}")
    async def sheet(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template:
        registration, member = await councils.seat_or_404(session, actor(request).id, registration_id)
        latest = await scoring.latest(session, registration.id, member.id)
        chosen, comments = await _stored(session, latest)
        return await self._page(request, session, registration, member, chosen, comments, Form())

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        registration: Registration,
        member: CouncilMember,
        chosen: dict[int, int],
        comments: dict[int, str],
        form: Form,
    ) -> Template:
        view = await scoring.load_sheet(session, registration.sheet_id)
        versions = await scoring.versions(session, registration.id, member.id)
        latest = versions[0] if versions else None
        product = await session.get(Product, registration.product_id)
        producer = await session.get(Producer, registration.producer_id)
        counted = scoring.tally(view, chosen)
        editable = (
            latest is None or latest.status is ScoreSheetStatus.draft
        ) and registration.status not in scoring.CLOSED
        return render(
            request,
            "evaluation/score.html",
            status_code=200 if form.ok else form.status,
            registration=registration,
            member=member,
            product=product,
            producer=producer,
            view=view,
            blocks=_blocks(view, chosen, comments, await dossier(session, registration.id)),
            counted=counted,
            maxima=view.part_max(),
            latest=latest,
            versions=versions,
            editable=editable,
            closed=registration.status in scoring.CLOSED,
            council=await results.evaluate(session, registration),
            round_name=(await round_names(session)).get(registration.round_id, ""),
            shown=evidence.shown,
            form=form,
        )

    @post("/{registration_id:int}")
    async def save(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration, member = await councils.seat_or_404(session, actor(request).id, registration_id)
        data = await request.form()
        view = await scoring.load_sheet(session, registration.sheet_id)
        chosen, comments = _read(view, data)
        lines, names = _request(view, chosen, comments)
        form = Form()
        if (
            await attempt(session, form, lambda: scoring.save(session, registration, member, lines), names)
            is None
        ):
            return await self._page(request, session, registration, member, chosen, comments, form)
        await session.commit()
        if data.get("action") != "sign":
            return done("saved", f"{BASE}/{registration.id}", "sheet")
        if await attempt(session, form, lambda: scoring.sign(session, registration, member)) is None:
            return await self._page(request, session, registration, member, chosen, comments, form)
        await session.commit()
        return done("signed", f"{BASE}/{registration.id}", "sheet")

    @post("/{registration_id:int}/correction")
    async def correct(
        self, request: Request[Any, Any, Any], session: AsyncSession, registration_id: Id
    ) -> Template | Redirect:
        registration, member = await councils.seat_or_404(session, actor(request).id, registration_id)
        reason = str((await request.form()).get("reason") or "").strip()[:500]
        form = Form(values={"reason": reason})
        if len(reason) < 3:
            form.error(
                "reason",
                gettext(N_("Say why the sheet is corrected, e.g. re-scored after the council's discussion.")),
            )
        elif (
            await attempt(session, form, lambda: scoring.correct(session, registration, member, reason))
            is not None
        ):
            await session.commit()
            return done("correcting", f"{BASE}/{registration.id}", "sheet")
        chosen, comments = await _stored(session, await scoring.latest(session, registration.id, member.id))
        return await self._page(request, session, registration, member, chosen, comments, form)
