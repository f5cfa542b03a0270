"""A member's score sheet: one option per criterion, the points the option carries, totals
per part computed here (never typed), the gate that stops a sheet, signing and corrections.

A gate criterion (e.g. a valid food-safety certificate) whose no-points option is chosen
stops the sheet: the criteria after it are not scored and the sheet is ``gate_failed``.
A signed sheet never changes. A correction is a new version of the member's sheet with a
reason; when it is signed, the version it corrects becomes ``replaced``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, field_error
from shop.evaluation.council_schemas import ScoreLineIn
from shop.evaluation.models.registrations import Registration, RegistrationStatus
from shop.evaluation.models.results import EvaluationResult
from shop.evaluation.models.scoring import CouncilMember, ScoreLine, ScoreSheet, ScoreSheetStatus
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, Part
from shop.i18n import N_

CLOSED = (RegistrationStatus.decided, RegistrationStatus.withdrawn)


@dataclass(frozen=True)
class OptionView:
    id: int
    label: str
    points: int
    mandatory_for_star: int | None


@dataclass(frozen=True)
class CriterionView:
    id: int
    code: str
    part: Part
    group_name: str
    text: str
    guidance: str | None
    gate: bool
    max_points: int
    options: tuple[OptionView, ...]

    def option(self, option_id: int | None) -> OptionView | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class SheetView:
    """A criteria sheet read once: its criteria in order, each with its options."""

    id: int
    version: str
    product_set: str
    name: str
    criteria: tuple[CriterionView, ...]
    by_id: dict[int, CriterionView] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_id.update({c.id: c for c in self.criteria})

    def part_max(self) -> dict[Part, int]:
        return {part: sum(c.max_points for c in self.criteria if c.part is part) for part in Part}


async def load_sheet(session: AsyncSession, sheet_id: int) -> SheetView:
    sheet = await session.get(CriteriaSheet, sheet_id)
    assert sheet is not None  # a registration's foreign key
    criteria = list(
        await session.scalars(
            sa.select(Criterion)
            .where(Criterion.sheet_id == sheet_id)
            .order_by(Criterion.position, Criterion.id)
        )
    )
    options = await session.scalars(
        sa.select(CriterionOption)
        .join(Criterion, Criterion.id == CriterionOption.criterion_id)
        .where(Criterion.sheet_id == sheet_id)
        .order_by(CriterionOption.position, CriterionOption.id)
    )
    grouped: dict[int, list[OptionView]] = {c.id: [] for c in criteria}
    for o in options:
        grouped[o.criterion_id].append(OptionView(o.id, o.label, o.points, o.mandatory_for_star))
    views = tuple(
        CriterionView(
            c.id, c.code, c.part, c.group_name, c.text, c.guidance, c.gate, c.max_points, tuple(grouped[c.id])
        )
        for c in criteria
    )
    return SheetView(sheet.id, sheet.version, sheet.product_set, sheet.name, views)


@dataclass(frozen=True)
class Tally:
    parts: dict[Part, int]
    kept: dict[int, int]  # criterion id → option id, up to the gate that stopped the sheet
    gate: str | None  # the code of the gate criterion that stopped it
    missing: tuple[str, ...]  # criteria (before any stop) still without an option

    @property
    def total(self) -> int:
        return sum(self.parts.values())


def tally(sheet: SheetView, chosen: Mapping[int, int]) -> Tally:
    """The sheet's points for the options chosen (criterion id → option id)."""
    parts = dict.fromkeys(Part, 0)
    kept: dict[int, int] = {}
    missing: list[str] = []
    for criterion in sheet.criteria:
        option = criterion.option(chosen.get(criterion.id))
        if option is None:
            missing.append(criterion.code)
            continue
        kept[criterion.id] = option.id
        parts[criterion.part] += option.points
        if criterion.gate and option.points == 0:
            return Tally(parts, kept, criterion.code, tuple(missing))
    return Tally(parts, kept, None, tuple(missing))


async def versions(session: AsyncSession, registration_id: int, member_id: int) -> list[ScoreSheet]:
    """The member's sheets for the registration, newest first."""
    return list(
        await session.scalars(
            sa.select(ScoreSheet)
            .where(ScoreSheet.registration_id == registration_id, ScoreSheet.member_id == member_id)
            .order_by(ScoreSheet.version.desc())
        )
    )


async def latest(session: AsyncSession, registration_id: int, member_id: int) -> ScoreSheet | None:
    found = await versions(session, registration_id, member_id)
    return found[0] if found else None


async def lines_of(session: AsyncSession, sheet_ids: Sequence[int]) -> dict[int, list[ScoreLine]]:
    found: dict[int, list[ScoreLine]] = {i: [] for i in sheet_ids}
    if sheet_ids:
        rows = await session.scalars(
            sa.select(ScoreLine).where(ScoreLine.sheet_id.in_(sheet_ids)).order_by(ScoreLine.id)
        )
        for line in rows:
            found[line.sheet_id].append(line)
    return found


def _refuse_closed(registration: Registration) -> None:
    if registration.status in CLOSED:
        raise Conflict(
            N_("This registration is decided: its score sheets can no longer change."),
            error_code="registration_closed",
        )


def _choices(sheet: SheetView, lines: Sequence[ScoreLineIn]) -> tuple[dict[int, int], dict[int, str]]:
    """The options chosen and the comments, checked against the sheet."""
    chosen: dict[int, int] = {}
    comments: dict[int, str] = {}
    errors = []
    for i, line in enumerate(lines):
        criterion = sheet.by_id.get(line.criterion_id)
        comment = (line.comment or "").strip()
        if criterion is None or line.criterion_id in chosen or line.criterion_id in comments:
            errors.append(
                field_error(f"lines[{i}].criterion_id", N_("Not a criterion of this sheet, or twice."))
            )
        elif line.option_id is not None and criterion.option(line.option_id) is None:
            errors.append(field_error(f"lines[{i}].option_id", N_("Not an option of this criterion.")))
        elif line.option_id is None and comment:
            errors.append(field_error(f"lines[{i}].option_id", N_("Choose an option before commenting.")))
        elif line.option_id is not None:
            chosen[criterion.id] = line.option_id
            if comment:
                comments[criterion.id] = comment
    if errors:
        raise InvalidInput(errors=errors)
    return chosen, comments


async def save(
    session: AsyncSession, registration: Registration, member: CouncilMember, lines: Sequence[ScoreLineIn]
) -> tuple[ScoreSheet, Tally]:
    """Keep the member's choices on their draft (the first draft is created here)."""
    _refuse_closed(registration)
    sheet = await latest(session, registration.id, member.id)
    if sheet is not None and sheet.status is not ScoreSheetStatus.draft:
        raise Conflict(
            N_("This sheet is signed: to change it, make a correction and give the reason."),
            error_code="sheet_signed",
        )
    view = await load_sheet(session, registration.sheet_id)
    chosen, comments = _choices(view, lines)
    if sheet is None:
        sheet = ScoreSheet(registration_id=registration.id, member_id=member.id, version=1)
        sheet.status = ScoreSheetStatus.draft
        session.add(sheet)
        await session.flush()
    counted = tally(view, chosen)
    await session.execute(sa.delete(ScoreLine).where(ScoreLine.sheet_id == sheet.id))
    for criterion_id, option_id in counted.kept.items():
        option = view.by_id[criterion_id].option(option_id)
        assert option is not None
        session.add(
            ScoreLine(
                sheet_id=sheet.id,
                criterion_id=criterion_id,
                option_id=option_id,
                points=option.points,
                comment=comments.get(criterion_id),
            )
        )
    _store_totals(sheet, counted)
    await session.flush()
    return sheet, counted


def _store_totals(sheet: ScoreSheet, counted: Tally) -> None:
    sheet.part_a, sheet.part_b, sheet.part_c = (counted.parts[p] for p in (Part.a, Part.b, Part.c))
    sheet.total = counted.total
    sheet.gate_failed = counted.gate is not None


async def tally_of(session: AsyncSession, registration: Registration, sheet: ScoreSheet) -> Tally:
    view = await load_sheet(session, registration.sheet_id)
    stored = (await lines_of(session, [sheet.id]))[sheet.id]
    return tally(view, {line.criterion_id: line.option_id for line in stored})


async def sign(session: AsyncSession, registration: Registration, member: CouncilMember) -> ScoreSheet:
    """Sign the member's draft: it can no longer change. Every criterion up to a gate that
    stopped the sheet must have an option."""
    _refuse_closed(registration)
    sheet = await latest(session, registration.id, member.id)
    if sheet is None or sheet.status is not ScoreSheetStatus.draft:
        raise Conflict(N_("There is no draft sheet to sign."), error_code="nothing_to_sign")
    counted = await tally_of(session, registration, sheet)
    if counted.missing:
        message = N_("Score every criterion before signing; still missing: {codes}.")
        raise InvalidInput(
            message,
            errors=[field_error("lines", message, codes=", ".join(counted.missing))],
            codes=", ".join(counted.missing),
        )
    _store_totals(sheet, counted)
    sheet.status, sheet.signed_at = ScoreSheetStatus.signed, utcnow()
    await session.execute(
        sa.update(ScoreSheet)
        .where(
            ScoreSheet.registration_id == registration.id,
            ScoreSheet.member_id == member.id,
            ScoreSheet.id != sheet.id,
            ScoreSheet.status == ScoreSheetStatus.signed,
        )
        .values(status=ScoreSheetStatus.replaced)
        .execution_options(synchronize_session=False)
    )
    await _forget_result(session, registration)
    await session.flush()
    return sheet


async def _forget_result(session: AsyncSession, registration: Registration) -> None:
    """A newly signed sheet changes the mean: a recorded result must be recorded again."""
    await session.execute(
        sa.delete(EvaluationResult).where(EvaluationResult.registration_id == registration.id)
    )
    if registration.status is RegistrationStatus.ranked:
        registration.status = RegistrationStatus.reviewed


async def correct(
    session: AsyncSession, registration: Registration, member: CouncilMember, reason: str
) -> ScoreSheet:
    """Open a new version of the member's signed sheet, a copy to change, with the reason."""
    _refuse_closed(registration)
    sheet = await latest(session, registration.id, member.id)
    if sheet is None or sheet.status is not ScoreSheetStatus.signed:
        raise Conflict(
            N_("Only a signed sheet is corrected; a draft is changed as it is."), error_code="not_signed"
        )
    copy = ScoreSheet(
        registration_id=registration.id,
        member_id=member.id,
        version=sheet.version + 1,
        status=ScoreSheetStatus.draft,
        reason=reason.strip(),
        total=sheet.total,
        part_a=sheet.part_a,
        part_b=sheet.part_b,
        part_c=sheet.part_c,
        gate_failed=sheet.gate_failed,
    )
    session.add(copy)
    await session.flush()
    for line in (await lines_of(session, [sheet.id]))[sheet.id]:
        session.add(
            ScoreLine(
                sheet_id=copy.id,
                criterion_id=line.criterion_id,
                option_id=line.option_id,
                points=line.points,
                comment=line.comment,
            )
        )
    await session.flush()
    return copy


async def signed_sheets(session: AsyncSession, registration_id: int) -> list[ScoreSheet]:
    """The sheets that count: each member's signed version (a newer draft does not count yet)."""
    return list(
        await session.scalars(
            sa.select(ScoreSheet)
            .where(
                ScoreSheet.registration_id == registration_id, ScoreSheet.status == ScoreSheetStatus.signed
            )
            .order_by(ScoreSheet.member_id)
        )
    )
