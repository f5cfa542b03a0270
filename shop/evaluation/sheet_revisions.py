"""The office's corrections to score sheets: a new revision, its edits, publishing it.

A sheet is never edited in place once it has been offered: only a draft no registration uses
can change. To correct a published sheet the office makes a new revision (a draft copy),
edits it (criteria's text and guidance, options' labels and points, gate and mandatory
markers, options and criteria added or removed) and publishes it, which is refused until the
sheet is complete (``sheet_rules.publish_problems``: each part totals its points, 40/25/35
under 148). Publishing retires the revision before it for new registrations; registrations
already made keep the sheet they were made on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput, NotFound
from shop.evaluation.models.registrations import Registration
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, Part, SheetStatus
from shop.evaluation.sheet_rules import (
    CriterionData,
    OptionData,
    Problem,
    SheetData,
    criterion_problems,
    publish_problems,
)
from shop.evaluation.sheets import add_criteria, retire_published
from shop.i18n import N_

NOT_IN_PLACE = {
    SheetStatus.published: N_(
        "This sheet is published: it is never edited in place. Make a new revision to change it."
    ),
    SheetStatus.retired: N_(
        "This sheet is retired: it is never edited in place. Make a new revision to change it."
    ),
}
USED = N_(
    "This sheet is used by {count} registrations: it is never edited in place. "
    "Make a new revision to change it."
)
STATUS_LABELS = {
    SheetStatus.draft: N_("Draft"),
    SheetStatus.published: N_("Published"),
    SheetStatus.retired: N_("Retired"),
}


@dataclass(frozen=True)
class SheetTree:
    """A sheet read once: its criteria in order, their options, and how many registrations use it."""

    sheet: CriteriaSheet
    criteria: tuple[Criterion, ...]
    options: dict[int, tuple[CriterionOption, ...]]
    used: int

    @property
    def editable(self) -> bool:
        return self.sheet.status is SheetStatus.draft and self.used == 0

    def data(self) -> SheetData:
        return SheetData(
            version=self.sheet.version,
            product_set=self.sheet.product_set,
            name=self.sheet.name,
            status=self.sheet.status,
            part_points=dict(self.sheet.part_points),
            criteria=tuple(criterion_data(c, self.options[c.id]) for c in self.criteria),
            source_note=self.sheet.source_note,
        )

    def groups(self) -> list[tuple[Part, str, list[Criterion]]]:
        """Parts → groups → criteria, as the sheet lists them."""
        found: list[tuple[Part, str, list[Criterion]]] = []
        for criterion in self.criteria:
            if not found or found[-1][:2] != (criterion.part, criterion.group_name):
                found.append((criterion.part, criterion.group_name, []))
            found[-1][2].append(criterion)
        return found


@dataclass(frozen=True)
class OptionEdit:
    label: str
    points: int
    mandatory_for_star: int | None = None


@dataclass(frozen=True)
class CriterionEdit:
    """A criterion as the office rewrites it; options not listed are removed."""

    text: str
    options: Sequence[OptionEdit]
    guidance: str | None = None
    gate: bool = False
    reconstructed: bool = True


def criterion_data(criterion: Criterion, options: Sequence[CriterionOption]) -> CriterionData:
    return CriterionData(
        part=criterion.part,
        group=criterion.group_name,
        code=criterion.code,
        text=criterion.text,
        max_points=criterion.max_points,
        options=tuple(OptionData(o.label, o.points, o.mandatory_for_star) for o in options),
        guidance=criterion.guidance,
        gate=criterion.gate,
        reconstructed=criterion.reconstructed,
    )


async def usage(session: AsyncSession, sheet_ids: Sequence[int]) -> dict[int, int]:
    """How many registrations use each sheet."""
    rows = await session.execute(
        sa.select(Registration.sheet_id, sa.func.count())
        .where(Registration.sheet_id.in_(sheet_ids))
        .group_by(Registration.sheet_id)
    )
    return {sheet_id: count for sheet_id, count in rows.all()}


async def load_tree(session: AsyncSession, sheet_id: int) -> SheetTree:
    sheet = await session.get(CriteriaSheet, sheet_id)
    if sheet is None:
        raise NotFound(N_("No score sheet {id}."), id=sheet_id)
    criteria = tuple(
        await session.scalars(
            sa.select(Criterion)
            .where(Criterion.sheet_id == sheet_id)
            .order_by(Criterion.position, Criterion.id)
        )
    )
    options: dict[int, list[CriterionOption]] = {c.id: [] for c in criteria}
    found = await session.scalars(
        sa.select(CriterionOption)
        .join(Criterion, Criterion.id == CriterionOption.criterion_id)
        .where(Criterion.sheet_id == sheet_id)
        .order_by(CriterionOption.position, CriterionOption.id)
    )
    for option in found:
        options[option.criterion_id].append(option)
    used = (await usage(session, [sheet_id])).get(sheet_id, 0)
    return SheetTree(sheet, criteria, {k: tuple(v) for k, v in options.items()}, used)


def refuse_unless_editable(tree: SheetTree) -> None:
    if tree.used:
        raise Conflict(USED, count=tree.used)
    if tree.sheet.status is not SheetStatus.draft:
        raise Conflict(NOT_IN_PLACE[tree.sheet.status])


async def new_revision(session: AsyncSession, sheet_id: int) -> CriteriaSheet:
    """A draft copy of the sheet, the next revision of its version and product set."""
    tree = await load_tree(session, sheet_id)
    source = tree.sheet
    latest = await session.scalar(
        sa.select(sa.func.max(CriteriaSheet.revision)).where(
            CriteriaSheet.version == source.version, CriteriaSheet.product_set == source.product_set
        )
    )
    copy = CriteriaSheet(
        version=source.version,
        product_set=source.product_set,
        revision=(latest or 0) + 1,
        name=source.name,
        status=SheetStatus.draft,
        source_note=source.source_note,
        part_points=dict(source.part_points),
        source_digest=None,
    )
    try:
        async with session.begin_nested():
            session.add(copy)
            await session.flush()
    except IntegrityError as clash:  # another revision was made at the same moment
        raise Conflict(N_("Someone made a revision of this sheet at the same time. Try again.")) from clash
    await add_criteria(session, copy.id, tree.data().criteria)
    return copy


def _edit_errors(found: Sequence[Problem]) -> list[dict[str, object]]:
    return [{"field": problem.where, "message": problem.text()} for problem in found]


async def _editable_criterion(session: AsyncSession, criterion_id: int) -> tuple[SheetTree, Criterion]:
    criterion = await session.get(Criterion, criterion_id)
    if criterion is None:
        raise NotFound(N_("No criterion {id}."), id=criterion_id)
    tree = await load_tree(session, criterion.sheet_id)
    refuse_unless_editable(tree)
    return tree, criterion


async def edit_criterion(session: AsyncSession, criterion_id: int, edit: CriterionEdit) -> Criterion:
    """Rewrite a draft's criterion; its maximum becomes its best option's points."""
    _, criterion = await _editable_criterion(session, criterion_id)
    # Listed from the fewest points to the most, as the official sheets list them.
    ordered = sorted(edit.options, key=lambda o: o.points)
    options = tuple(OptionData(o.label.strip(), o.points, o.mandatory_for_star) for o in ordered)
    data = CriterionData(
        part=criterion.part,
        group=criterion.group_name,
        code=criterion.code,
        text=edit.text.strip(),
        max_points=max((o.points for o in options), default=0),
        options=options,
        guidance=(edit.guidance or "").strip() or None,
        gate=edit.gate,
        reconstructed=edit.reconstructed,
    )
    found = criterion_problems(data)
    if found:
        raise InvalidInput(errors=_edit_errors(found))
    criterion.text, criterion.guidance, criterion.gate = data.text, data.guidance, data.gate
    criterion.reconstructed, criterion.max_points = data.reconstructed, data.max_points
    await session.execute(sa.delete(CriterionOption).where(CriterionOption.criterion_id == criterion.id))
    session.add_all(
        CriterionOption(
            criterion_id=criterion.id,
            label=o.label,
            points=o.points,
            mandatory_for_star=o.mandatory_for_star,
            position=n,
        )
        for n, o in enumerate(options, start=1)
    )
    await session.flush()
    return criterion


async def add_criterion(
    session: AsyncSession, sheet_id: int, *, part: Part, group: str, code: str, text: str
) -> Criterion:
    """A new criterion at the end of its group (a new group goes at the end of its part)."""
    tree = await load_tree(session, sheet_id)
    refuse_unless_editable(tree)
    data = CriterionData(part=part, group=group.strip(), code=code.strip(), text=text.strip(), max_points=0)
    found = criterion_problems(data)
    if any(c.code == data.code for c in tree.criteria):
        found.append(Problem("code", N_("The code {code} is used twice."), {"code": data.code}))
    if found:
        raise InvalidInput(errors=_edit_errors(found))
    order = [c for c in tree.criteria]
    same_group = [i for i, c in enumerate(order) if (c.part, c.group_name) == (part, data.group)]
    same_part = [i for i, c in enumerate(order) if c.part.value <= part.value]
    at = (same_group or same_part or [-1])[-1] + 1
    criterion = Criterion(
        sheet_id=sheet_id,
        part=part,
        group_name=data.group,
        code=data.code,
        text=data.text,
        gate=False,
        max_points=0,
        position=0,
        reconstructed=False,
    )
    session.add(criterion)
    order.insert(at, criterion)
    for position, item in enumerate(order, start=1):
        item.position = position
    await session.flush()
    return criterion


async def remove_criterion(session: AsyncSession, criterion_id: int) -> int:
    """Remove a draft's criterion with its options; the sheet's id."""
    tree, criterion = await _editable_criterion(session, criterion_id)
    await session.execute(sa.delete(CriterionOption).where(CriterionOption.criterion_id == criterion.id))
    await session.delete(criterion)
    await session.flush()
    return tree.sheet.id


async def publish(session: AsyncSession, sheet_id: int) -> CriteriaSheet:
    """Offer a complete draft to new registrations, retiring the revision it replaces."""
    tree = await load_tree(session, sheet_id)
    if tree.sheet.status is SheetStatus.published:
        raise Conflict(N_("This sheet is already published."))
    refuse_unless_editable(tree)
    found = publish_problems(tree.data())
    if found:
        raise InvalidInput(N_("The sheet cannot be published yet."), errors=_edit_errors(found))
    done = await session.execute(
        sa.update(CriteriaSheet)
        .where(CriteriaSheet.id == sheet_id, CriteriaSheet.status == SheetStatus.draft)
        .values(status=SheetStatus.published)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]  # an UPDATE's CursorResult
        raise Conflict(N_("This sheet was published or changed meanwhile. Open it again."))
    await retire_published(session, tree.sheet.version, tree.sheet.product_set, keep=sheet_id)
    await session.refresh(tree.sheet)
    return tree.sheet


async def discard(session: AsyncSession, sheet_id: int) -> None:
    """Delete a draft nobody uses (its criteria and options go with it)."""
    tree = await load_tree(session, sheet_id)
    refuse_unless_editable(tree)
    await session.execute(
        sa.delete(CriterionOption).where(
            CriterionOption.criterion_id.in_(sa.select(Criterion.id).where(Criterion.sheet_id == sheet_id))
        )
    )
    await session.execute(sa.delete(Criterion).where(Criterion.sheet_id == sheet_id))
    await session.delete(tree.sheet)
    await session.flush()


# ---- the list of sheets ----


@dataclass(frozen=True)
class Listed:
    sheet: CriteriaSheet
    totals: dict[str, int]
    used: int


async def listing(
    session: AsyncSession,
    *,
    version: str | None = None,
    product_set: str | None = None,
    status: SheetStatus | None = None,
    with_drafts: bool = True,
    limit: int = 200,
    offset: int = 0,
) -> tuple[list[Listed], int]:
    """Sheets by version (newest decree first), product set and revision (newest first),
    with their points per part and how many registrations use each."""
    stmt = sa.select(CriteriaSheet).order_by(
        CriteriaSheet.version.desc(),
        CriteriaSheet.product_set,
        CriteriaSheet.revision.desc(),
        CriteriaSheet.id,
    )
    conditions = {
        CriteriaSheet.version: version,
        CriteriaSheet.product_set: product_set,
        CriteriaSheet.status: status,
    }
    for column, value in conditions.items():
        if value is not None:
            stmt = stmt.where(column == value)
    if not with_drafts:
        stmt = stmt.where(CriteriaSheet.status != SheetStatus.draft)
    total = int(
        await session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )
    sheets = list(await session.scalars(stmt.limit(limit).offset(offset)))
    ids = [s.id for s in sheets]
    totals, used = await part_totals(session, ids), await usage(session, ids)
    return [Listed(s, totals[s.id], used.get(s.id, 0)) for s in sheets], total


async def part_totals(session: AsyncSession, sheet_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Each sheet's points per part (its criteria's maxima summed), counted by the database."""
    found = {sheet_id: {part.value: 0 for part in Part} for sheet_id in sheet_ids}
    rows = await session.execute(
        sa.select(Criterion.sheet_id, Criterion.part, sa.func.sum(Criterion.max_points))
        .where(Criterion.sheet_id.in_(sheet_ids))
        .group_by(Criterion.sheet_id, Criterion.part)
    )
    for sheet_id, part, points in rows.all():
        found[sheet_id][Part(part).value] = int(points or 0)
    return found
