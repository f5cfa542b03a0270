"""The office's score-sheet screens (``/office/evaluation/sheets/``): the sheets by criteria
version and product set, one sheet in full (parts → groups → criteria → options with their
points, gates and the stars an option is required for), and its correction as a new revision.

The forms call ``shop.evaluation.sheet_revisions`` as the API does. A sheet in use or
published is never edited in place: the page says so and offers a new revision; publishing is
refused, with the reasons, until each part totals its points.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.errors import Conflict, DomainError, InvalidInput, NotFound
from shop.evaluation import sheet_revisions as revisions
from shop.evaluation.models.sheets import Criterion, Part, SheetStatus
from shop.evaluation.sheet_revisions import CriterionEdit, OptionEdit, SheetTree
from shop.evaluation.sheet_rules import MAX_POINTS, STARS, publish_problems
from shop.i18n import N_, _
from shop.inventory.pages import forms as rows
from shop.office import forms
from shop.office.forms import Form
from shop.params import Id

BASE = "/office/evaluation/sheets"
COLUMNS = ("label", "points", "star")
EXTRA_ROWS = 2  # empty option rows offered under the existing ones
DONE = {
    "revised": N_("New revision made: it is a draft. Correct it, then publish it."),
    "saved": N_("Criterion saved."),
    "added": N_("Criterion added: now give it its options."),
    "removed": N_("Criterion removed."),
    "published": N_("Sheet published: new registrations use it, the revision before it is retired."),
    "discarded": N_("Draft deleted."),
}


def part_labels() -> dict[str, str]:
    return {
        Part.a.value: _("Product and community strength"),
        Part.b.value: _("Marketing capacity"),
        Part.c.value: _("Product quality"),
    }


def status_labels() -> dict[str, str]:
    return {status.value: _(label) for status, label in revisions.STATUS_LABELS.items()}


def _done(request: Request[Any, Any, Any]) -> str | None:
    message = DONE.get(request.query_params.get("done", ""))
    return _(message) if message else None


def sheet_page(
    tree: SheetTree,
    *,
    done: str | None = None,
    error: str | None = None,
    form: Form | None = None,
    status: int = 200,
) -> Template:
    """A sheet in full; a draft also shows what keeps it from being published."""
    data = tree.data()
    totals = data.totals()
    parts = [
        {
            "part": p.value,
            "label": part_labels()[p.value],
            "total": totals[p.value],
            "wanted": tree.sheet.part_points.get(p.value, 0),
        }
        for p in Part
    ]
    problems = [p.text() for p in publish_problems(data)] if tree.sheet.status is SheetStatus.draft else []
    return Template(
        "office/sheet.html",
        context={
            "tree": tree,
            "parts": parts,
            "problems": problems,
            "part_labels": part_labels(),
            "statuses": status_labels(),
            "done": done,
            "error": error,
            "form": form or Form(),
            "stars": STARS,
        },
        status_code=status,
    )


def criterion_form(criterion: Criterion, tree: SheetTree) -> Form:
    """The edit form filled from the stored criterion, with empty rows for new options."""
    form = Form(
        values={
            "text": criterion.text,
            "guidance": criterion.guidance or "",
            "gate": "1" if criterion.gate else "",
            "checked": "" if criterion.reconstructed else "1",
        }
    )
    for option in tree.options[criterion.id]:
        form.rows.append(
            rows.Row(
                {
                    "label": option.label,
                    "points": str(option.points),
                    "star": str(option.mandatory_for_star or ""),
                }
            )
        )
    form.rows += rows.blank_rows(COLUMNS, EXTRA_ROWS)
    return form


def read_criterion(data: FormMultiDict) -> tuple[Form, CriterionEdit]:
    """What was typed; rows ticked "remove" or left empty are dropped."""
    form = rows.read(data, ("text", "guidance", "gate", "checked"), COLUMNS)
    options: list[OptionEdit] = []
    kept: list[rows.Row] = []
    for i, row in enumerate(form.rows):
        if data.get(f"remove-{i}") or rows.is_blank(row, ("label", "points")):
            continue
        kept.append(row)
        if not row.get("label"):
            row.error("label", _("Write what this option says."))
        points = rows.integer(row, "points", required=True)
        if points is not None and points > MAX_POINTS:
            row.error("points", _("Enter a whole number of at most {n}.").format(n=MAX_POINTS))
        star = row.get("star")
        if star and star not in {str(s) for s in STARS}:
            row.error("star", _("Choose 3, 4 or 5 stars, or none."))
        options.append(
            OptionEdit(row.get("label"), points or 0, int(star) if star in {"3", "4", "5"} else None)
        )
    form.rows = kept  # shown again as kept, should something be refused
    if not form.get("text"):
        form.error("text", _("Write the criterion."))
    edit = CriterionEdit(
        text=form.get("text"),
        options=options,
        guidance=form.get("guidance") or None,
        gate=form.get("gate") == "1",
        reconstructed=form.get("checked") != "1",
    )
    return form, edit


def criterion_page(
    criterion: Criterion, tree: SheetTree, form: Form, *, status: int = 200, done: str | None = None
) -> Template:
    context = {"criterion": criterion, "tree": tree, "form": form, "stars": STARS, "done": done}
    return Template(
        "office/sheet_criterion.html", context=context | {"part_labels": part_labels()}, status_code=status
    )


class OfficeSheetPages(Controller):
    path = BASE
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        listed, _total = await revisions.listing(session, limit=1000)
        # What councils score on first, then the drafts being written, then the retired.
        rank = {SheetStatus.published: 0, SheetStatus.draft: 1, SheetStatus.retired: 2}
        versions: dict[str, list[revisions.Listed]] = {}
        for row in sorted(listed, key=lambda r: (rank[r.sheet.status], r.sheet.name, -r.sheet.revision)):
            versions.setdefault(row.sheet.version, []).append(row)
        return Template(
            "office/sheets.html",
            context={"versions": versions, "statuses": status_labels(), "done": _done(request)},
        )

    @get("/{sheet_id:int}")
    async def show(self, request: Request[Any, Any, Any], session: AsyncSession, sheet_id: Id) -> Template:
        return sheet_page(await revisions.load_tree(session, sheet_id), done=_done(request))

    @post("/{sheet_id:int}/revisions")
    async def revise(self, session: AsyncSession, sheet_id: Id) -> Redirect:
        copy = await revisions.new_revision(session, sheet_id)
        await session.commit()
        return Redirect(path=f"{BASE}/{copy.id}?done=revised", status_code=303)

    @post("/{sheet_id:int}/publish")
    async def publish(self, session: AsyncSession, sheet_id: Id) -> Template | Redirect:
        refused = await _refusal(session, revisions.publish(session, sheet_id))
        if refused is not None:
            tree = await revisions.load_tree(session, sheet_id)
            return sheet_page(tree, error=refused.detail, status=refused.status_code)
        await session.commit()
        return Redirect(path=f"{BASE}/{sheet_id}?done=published", status_code=303)

    @post("/{sheet_id:int}/discard")
    async def discard(self, session: AsyncSession, sheet_id: Id) -> Template | Redirect:
        refused = await _refusal(session, revisions.discard(session, sheet_id))
        if refused is not None:
            tree = await revisions.load_tree(session, sheet_id)
            return sheet_page(tree, error=refused.detail, status=refused.status_code)
        await session.commit()
        return Redirect(path=f"{BASE}/?done=discarded", status_code=303)

    @post("/{sheet_id:int}/criteria")
    async def add(
        self, request: Request[Any, Any, Any], session: AsyncSession, sheet_id: Id
    ) -> Template | Redirect:
        form = forms.read(await request.form(), ("part", "group", "code", "text"))
        part = next((p for p in Part if p.value == form.get("part")), None)
        if part is None:
            form.error("part", _("Choose part A, B or C."))

        async def call() -> Criterion | None:
            if part is None:
                return None
            return await revisions.add_criterion(
                session,
                sheet_id,
                part=part,
                group=form.get("group"),
                code=form.get("code"),
                text=form.get("text"),
            )

        added = await forms.attempt(session, form, call, {"code": "code"})
        if added is None:
            tree = await revisions.load_tree(session, sheet_id)
            return sheet_page(
                tree, form=form, error=form.messages[0] if form.messages else None, status=form.status
            )
        await session.commit()
        return Redirect(path=f"{BASE}/criteria/{added.id}?done=added", status_code=303)

    @get("/criteria/{criterion_id:int}")
    async def edit_form(
        self, request: Request[Any, Any, Any], session: AsyncSession, criterion_id: Id
    ) -> Template:
        criterion, tree = await _criterion(session, criterion_id)
        if not tree.editable:
            return _refused(tree)
        return criterion_page(criterion, tree, criterion_form(criterion, tree), done=_done(request))

    @post("/criteria/{criterion_id:int}")
    async def edit(
        self, request: Request[Any, Any, Any], session: AsyncSession, criterion_id: Id
    ) -> Template | Redirect:
        criterion, tree = await _criterion(session, criterion_id)
        data = await request.form()
        form, edit = read_criterion(data)
        if form.ok:
            await forms.attempt(
                session, form, lambda: revisions.edit_criterion(session, criterion_id, edit), {}
            )
        if not form.ok:
            form.rows += rows.blank_rows(COLUMNS, 1)
            return criterion_page(
                criterion, await revisions.load_tree(session, tree.sheet.id), form, status=form.status
            )
        await session.commit()
        return Redirect(path=f"{BASE}/{tree.sheet.id}?done=saved#c{criterion_id}", status_code=303)

    @post("/criteria/{criterion_id:int}/remove")
    async def remove(self, session: AsyncSession, criterion_id: Id) -> Template | Redirect:
        _found, tree = await _criterion(session, criterion_id)
        refused = await _refusal(session, revisions.remove_criterion(session, criterion_id))
        if refused is not None:
            return sheet_page(
                await revisions.load_tree(session, tree.sheet.id),
                error=refused.detail,
                status=refused.status_code,
            )
        await session.commit()
        return Redirect(path=f"{BASE}/{tree.sheet.id}?done=removed", status_code=303)


async def _refusal(session: AsyncSession, call: Awaitable[object]) -> DomainError | None:
    """Run a service call in a savepoint; what refused it (undone), or None when it was done."""
    try:
        async with session.begin_nested():
            await call
    except (InvalidInput, Conflict) as refused:
        return refused
    return None


async def _criterion(session: AsyncSession, criterion_id: int) -> tuple[Criterion, SheetTree]:
    criterion = await session.get(Criterion, criterion_id)
    if criterion is None:
        raise NotFound(N_("No criterion {id}."), id=criterion_id)
    return criterion, await revisions.load_tree(session, criterion.sheet_id)


def _refused(tree: SheetTree) -> Template:
    """A sheet that cannot change: the page says why and offers a new revision."""
    try:
        revisions.refuse_unless_editable(tree)
    except Conflict as refused:
        return sheet_page(tree, error=refused.detail, status=refused.status_code)
    return sheet_page(tree)
