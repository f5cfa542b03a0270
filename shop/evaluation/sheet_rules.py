"""What makes a score sheet sound, on a sheet read from a repository file or from the database.

A sheet is parts (A, B, C) → groups → criteria → options with points. Two levels of checks:

- **sound** (``problems``): codes unique, texts present and within the columns' lengths,
  option points between 0 and the criterion's maximum, the maximum reached by an option,
  mandatory stars between 3 and 5, a gate has the no-points option that stops the sheet.
  A draft may be saved while it is sound.
- **complete** (``publish_problems``): sound, every criterion offers at least two options
  (one is chosen per criterion when scoring), and each part totals exactly the points the
  criteria version gives it (40/25/35 under 148). Only a complete sheet is published.

Messages are English msgids (``N_``) with parameters, translated where they are shown.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from shop.evaluation.models.sheets import Part, SheetStatus
from shop.i18n import N_, gettext

# The columns' lengths (models.py): a file or a form may not exceed them.
MAX_CODE, MAX_GROUP, MAX_TEXT, MAX_NAME = 20, 200, 500, 200
MAX_POINTS = 100
STARS = (3, 4, 5)


@dataclass(frozen=True)
class OptionData:
    label: str
    points: int
    mandatory_for_star: int | None = None


@dataclass(frozen=True)
class CriterionData:
    part: Part
    group: str
    code: str
    text: str
    max_points: int
    options: tuple[OptionData, ...] = ()
    guidance: str | None = None
    gate: bool = False
    reconstructed: bool = False


@dataclass(frozen=True)
class SheetData:
    """A sheet's content, whatever it was read from (no ids, no revision)."""

    version: str
    product_set: str
    name: str
    status: SheetStatus
    part_points: dict[str, int]
    criteria: tuple[CriterionData, ...]
    source_note: str | None = None

    def digest(self) -> str:
        """The same content gives the same digest (key order and whitespace do not count)."""
        text = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def totals(self) -> dict[str, int]:
        """Points per part: the best option of each criterion, summed."""
        found = {part.value: 0 for part in Part}
        for criterion in self.criteria:
            found[criterion.part.value] += criterion.max_points
        return found


@dataclass(frozen=True)
class Problem:
    """One thing wrong, where it is (a criterion's code, a part, or "" for the sheet)."""

    where: str
    message: str
    params: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        """In the current language."""
        return gettext(self.message).format(**self.params)


def problems(sheet: SheetData) -> list[Problem]:
    """What keeps the sheet from being sound (empty when it is)."""
    found = _sheet_problems(sheet)
    seen: set[str] = set()
    for criterion in sheet.criteria:
        if criterion.code in seen:
            found.append(
                Problem(criterion.code, N_("The code {code} is used twice."), {"code": criterion.code})
            )
        seen.add(criterion.code)
        found += criterion_problems(criterion)
    return found


def publish_problems(sheet: SheetData) -> list[Problem]:
    """What keeps the sheet from being published (empty when it is complete)."""
    found = problems(sheet)
    if not sheet.criteria:
        found.append(Problem("", N_("The sheet has no criteria.")))
    for criterion in sheet.criteria:
        if len(criterion.options) < 2:
            message = N_("{code} needs at least two options to choose from.")
            found.append(Problem(criterion.code, message, {"code": criterion.code}))
    totals = sheet.totals()
    for part in Part:
        wanted = sheet.part_points.get(part.value, 0)
        if totals[part.value] != wanted:
            message = N_("Part {part} totals {total} points; it must total {wanted}.")
            params: dict[str, object] = {"part": part.value, "total": totals[part.value], "wanted": wanted}
            found.append(Problem(part.value, message, params))
    return found


def _sheet_problems(sheet: SheetData) -> list[Problem]:
    found: list[Problem] = []
    if not sheet.name.strip() or len(sheet.name) > MAX_NAME:
        found.append(Problem("", N_("Give the sheet a name of at most {n} characters."), {"n": MAX_NAME}))
    if set(sheet.part_points) != {p.value for p in Part} or sum(sheet.part_points.values()) != MAX_POINTS:
        found.append(Problem("", N_("The parts A, B and C must be given points that total 100.")))
    return found


def criterion_problems(criterion: CriterionData) -> list[Problem]:
    """What is wrong with one criterion and its options."""
    code = criterion.code or "?"
    found: list[Problem] = []

    def add(message: str, **params: object) -> None:
        found.append(Problem(code, message, {"code": code, **params}))

    if not criterion.code.strip() or len(criterion.code) > MAX_CODE:
        add(N_("A criterion needs a code of at most {n} characters."), n=MAX_CODE)
    if not criterion.text.strip() or len(criterion.text) > MAX_TEXT:
        add(N_("{code}: write the criterion in at most {n} characters."), n=MAX_TEXT)
    if not criterion.group.strip() or len(criterion.group) > MAX_GROUP:
        add(N_("{code}: the group name must have 1 to {n} characters."), n=MAX_GROUP)
    for option in criterion.options:
        found += _option_problems(code, criterion, option)
    best = max((o.points for o in criterion.options), default=0)
    if criterion.options and best != criterion.max_points:
        add(
            N_("{code}: its best option gives {best} points, but its maximum is {max}."),
            best=best,
            max=criterion.max_points,
        )
    if criterion.gate and not any(o.points == 0 for o in criterion.options):
        add(N_("{code} is a gate: it needs an option with 0 points (the one that stops the scoring)."))
    return found


def _option_problems(code: str, criterion: CriterionData, option: OptionData) -> list[Problem]:
    found: list[Problem] = []
    params: dict[str, object] = {"code": code, "label": option.label[:40]}
    if not option.label.strip() or len(option.label) > MAX_TEXT:
        found.append(
            Problem(code, N_("{code}: each option needs a label of at most 500 characters."), params)
        )
    if not 0 <= option.points <= criterion.max_points:
        message = N_("{code}: the option “{label}” gives {points} points, more than the maximum {max}.")
        if option.points < 0:
            message = N_("{code}: the option “{label}” cannot give fewer than 0 points.")
        found.append(Problem(code, message, params | {"points": option.points, "max": criterion.max_points}))
    if option.mandatory_for_star is not None and option.mandatory_for_star not in STARS:
        found.append(Problem(code, N_("{code}: an option can be required for 3, 4 or 5 stars only."), params))
    return found
