"""Request and response shapes of the score sheets (``/api/v1/evaluation/sheets``), and how a
sheet read from the database becomes them."""

from __future__ import annotations

from typing import Annotated

import msgspec

from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, Part, SheetStatus
from shop.evaluation.sheet_revisions import CriterionEdit, OptionEdit, SheetTree
from shop.evaluation.sheet_rules import MAX_POINTS, MAX_TEXT, publish_problems

Points = Annotated[int, msgspec.Meta(ge=0, le=MAX_POINTS)]
Star = Annotated[int, msgspec.Meta(ge=3, le=5)]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TEXT)]


class OptionOut(msgspec.Struct):
    id: int
    label: str
    points: int
    mandatory_for_star: int | None  # reaching this star needs this option or a better one


class CriterionOut(msgspec.Struct):
    id: int
    code: str
    text: str
    guidance: str | None
    gate: bool  # its 0-point option stops the scoring: the product is not certified
    max_points: int
    reconstructed: bool  # written by us, not yet checked against the official text
    options: list[OptionOut]


class GroupOut(msgspec.Struct):
    name: str
    criteria: list[CriterionOut]


class PartOut(msgspec.Struct):
    part: Part
    points: int  # what the part must total
    total: int  # what its criteria total now
    groups: list[GroupOut]


class SheetOut(msgspec.Struct):
    id: int
    version: str  # the criteria decree: "148/2023"
    product_set: str
    revision: int
    name: str
    status: SheetStatus
    part_points: dict[str, int]
    totals: dict[str, int]
    in_use: bool  # registrations were made on it: it never changes


class SheetDetailOut(SheetOut):
    source_note: str | None
    problems: list[str]  # what keeps a draft from being published (empty when complete)
    parts: list[PartOut]


class OptionIn(msgspec.Struct, forbid_unknown_fields=True):
    label: Text
    points: Points
    mandatory_for_star: Star | None = None


class CriterionIn(msgspec.Struct, forbid_unknown_fields=True):
    """A draft's criterion rewritten; options not listed are removed."""

    text: Text
    options: Annotated[list[OptionIn], msgspec.Meta(max_length=20)]
    guidance: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    gate: bool = False
    reconstructed: bool = False

    def edit(self) -> CriterionEdit:
        return CriterionEdit(
            text=self.text,
            options=[OptionEdit(o.label, o.points, o.mandatory_for_star) for o in self.options],
            guidance=self.guidance,
            gate=self.gate,
            reconstructed=self.reconstructed,
        )


def sheet_out(sheet: CriteriaSheet, totals: dict[str, int], in_use: bool) -> SheetOut:
    return SheetOut(
        id=sheet.id,
        version=sheet.version,
        product_set=sheet.product_set,
        revision=sheet.revision,
        name=sheet.name,
        status=sheet.status,
        part_points=dict(sheet.part_points),
        totals=totals,
        in_use=in_use,
    )


def criterion_out(criterion: Criterion, options: tuple[CriterionOption, ...]) -> CriterionOut:
    return CriterionOut(
        id=criterion.id,
        code=criterion.code,
        text=criterion.text,
        guidance=criterion.guidance,
        gate=criterion.gate,
        max_points=criterion.max_points,
        reconstructed=criterion.reconstructed,
        options=[OptionOut(o.id, o.label, o.points, o.mandatory_for_star) for o in options],
    )


def detail_out(tree: SheetTree) -> SheetDetailOut:
    data = tree.data()
    totals = data.totals()
    parts = [
        PartOut(
            part=part, points=tree.sheet.part_points.get(part.value, 0), total=totals[part.value], groups=[]
        )
        for part in Part
    ]
    by_part = {p.part: p for p in parts}
    for part, name, criteria in tree.groups():
        by_part[part].groups.append(GroupOut(name, [criterion_out(c, tree.options[c.id]) for c in criteria]))
    summary = sheet_out(tree.sheet, totals, tree.used > 0)
    return SheetDetailOut(
        **{f: getattr(summary, f) for f in summary.__struct_fields__},
        source_note=tree.sheet.source_note,
        problems=[p.text() for p in publish_problems(data)] if tree.sheet.status is SheetStatus.draft else [],
        parts=parts,
    )
