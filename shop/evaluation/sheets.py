"""Score sheets from the repository's files into the database (``ocop db upgrade``).

``shop/evaluation/criteria/<version>/`` holds one ``version.json`` (the decree, the points of
each part, the criteria groups, the product sets and which sheet scores each) and one file
per sheet written by us from the public decisions (README.md there says what is sourced and
what is reconstructed). A product set without a sheet file gets a draft holding only the
structure (parts and groups), so nothing incomplete is ever offered.

Installing is idempotent: a sheet is keyed by (version, product set, revision) and remembers
the digest of the file content it came from. The same content installs once; a changed file
installs as a new revision, never over the old one, which registrations may be using. A
changed file that is published retires the published revision before it, unless the office
has published a correction of its own: then it arrives as a draft for the office to compare.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, Part, SheetStatus
from shop.evaluation.sheet_rules import CriterionData, OptionData, SheetData, problems, publish_problems

CRITERIA_DIR = Path(__file__).resolve().parent / "criteria"
VERSION_FILE = "version.json"


class SheetFileError(ValueError):
    """A criteria file that cannot be installed; the message names the file and what is wrong."""


# ---- the files' format (unknown fields are refused, so a typo never passes silently) ----


class _Option(msgspec.Struct, forbid_unknown_fields=True):
    label: str
    points: int
    mandatory_for_star: int | None = None


class _Criterion(msgspec.Struct, forbid_unknown_fields=True):
    code: str
    text: str
    max_points: int
    options: list[_Option]
    guidance: str | None = None
    gate: bool = False
    reconstructed: bool = True  # unless a source is named, a criterion is ours


class _Group(msgspec.Struct, forbid_unknown_fields=True):
    part: Part
    name: str
    criteria: list[_Criterion] = []


class _SheetFile(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    version: str
    product_set: str
    name: str
    status: SheetStatus
    part_points: dict[str, int]
    groups: list[_Group]
    source_note: str | None = None


class _Set(msgspec.Struct, forbid_unknown_fields=True):
    key: str
    name: str
    group: str | None = None  # the OCOP product group (ngành) it belongs to
    sheet: str | None = None  # the product set of the sheet that scores it


class _VersionFile(msgspec.Struct, forbid_unknown_fields=True):
    format: int
    version: str
    decision: str
    part_points: dict[str, int]
    groups: list[_Group]
    sets: list[_Set]
    draft_missing: bool = False  # install a structure-only draft for sets without a sheet
    source_note: str | None = None
    draft_note: str | None = None


@dataclass(frozen=True)
class ProductSet:
    key: str
    name: str
    group: str | None
    sheet: str | None


@dataclass(frozen=True)
class Version:
    """One criteria version as its folder describes it, with the sheets it installs."""

    version: str
    decision: str
    part_points: dict[str, int]
    sets: tuple[ProductSet, ...]
    sheets: tuple[SheetData, ...]


def _sheet(raw: _SheetFile) -> SheetData:
    criteria = tuple(
        CriterionData(
            part=group.part,
            group=group.name,
            code=c.code,
            text=c.text,
            max_points=c.max_points,
            options=tuple(OptionData(o.label, o.points, o.mandatory_for_star) for o in c.options),
            guidance=c.guidance,
            gate=c.gate,
            reconstructed=c.reconstructed,
        )
        for group in raw.groups
        for c in group.criteria
    )
    return SheetData(
        version=raw.version,
        product_set=raw.product_set,
        name=raw.name,
        status=raw.status,
        part_points=dict(raw.part_points),
        criteria=criteria,
        source_note=raw.source_note,
    )


def _structure(raw: _VersionFile, product_set: _Set) -> SheetData:
    """A draft with the version's parts and groups, one placeholder per group to fill in."""
    placeholders = tuple(
        CriterionData(
            part=group.part,
            group=group.name,
            code=f"{group.part.value}.{number}",
            text="Chưa nhập các tiêu chí của nhóm này (Phụ lục III).",
            max_points=0,
            reconstructed=True,
        )
        for number, group in enumerate(raw.groups, start=1)
    )
    note = " ".join(n for n in (raw.draft_note, raw.source_note) if n)
    return SheetData(
        version=raw.version,
        product_set=product_set.key,
        name=product_set.name,
        status=SheetStatus.draft,
        part_points=dict(raw.part_points),
        criteria=placeholders,
        source_note=note or None,
    )


def _decode(path: Path, kind: type[msgspec.Struct]) -> msgspec.Struct:
    try:
        return msgspec.json.decode(path.read_bytes(), type=kind)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError) as error:
        raise SheetFileError(f"{path}: {error}") from error


def _checked(path: Path, sheet: SheetData) -> SheetData:
    """Refuse a file whose sheet is unsound, or incomplete while not a draft."""
    found = problems(sheet) if sheet.status is SheetStatus.draft else publish_problems(sheet)
    if found:
        raise SheetFileError(f"{path}: " + "; ".join(p.message.format(**p.params) for p in found))
    return sheet


def read_version(folder: Path) -> Version:
    """One version's folder: its version.json and its sheet files, checked."""
    raw = _decode(folder / VERSION_FILE, _VersionFile)
    assert isinstance(raw, _VersionFile)
    sheets: dict[str, SheetData] = {}
    for path in sorted(folder.glob("*.json")):
        if path.name == VERSION_FILE:
            continue
        file = _decode(path, _SheetFile)
        assert isinstance(file, _SheetFile)
        sheet = _checked(path, _sheet(file))
        if sheet.version != raw.version or sheet.part_points != raw.part_points:
            raise SheetFileError(f"{path}: its version or part points differ from {VERSION_FILE}")
        sheets[sheet.product_set] = sheet
    named = {s.sheet for s in raw.sets if s.sheet}
    if named != set(sheets):
        raise SheetFileError(
            f"{folder}: the sets name the sheets {sorted(named)}, the files are {sorted(sheets)}"
        )
    drafts = [_structure(raw, s) for s in raw.sets if s.sheet is None and raw.draft_missing]
    return Version(
        version=raw.version,
        decision=raw.decision,
        part_points=dict(raw.part_points),
        sets=tuple(ProductSet(s.key, s.name, s.group, s.sheet) for s in raw.sets),
        sheets=(*sheets.values(), *(_checked(folder / VERSION_FILE, d) for d in drafts)),
    )


def read_versions(root: Path = CRITERIA_DIR) -> list[Version]:
    return [read_version(folder) for folder in sorted(root.iterdir()) if (folder / VERSION_FILE).exists()]


# ---- into the database ----


async def add_criteria(session: AsyncSession, sheet_id: int, criteria: Sequence[CriterionData]) -> None:
    """The criteria and their options under a sheet, in the given order."""
    for position, data in enumerate(criteria, start=1):
        criterion = Criterion(
            sheet_id=sheet_id,
            part=data.part,
            group_name=data.group,
            code=data.code,
            text=data.text,
            guidance=data.guidance,
            gate=data.gate,
            max_points=data.max_points,
            position=position,
            reconstructed=data.reconstructed,
        )
        session.add(criterion)
        await session.flush()
        session.add_all(
            CriterionOption(
                criterion_id=criterion.id,
                label=o.label,
                points=o.points,
                mandatory_for_star=o.mandatory_for_star,
                position=n,
            )
            for n, o in enumerate(data.options, start=1)
        )
    await session.flush()


async def retire_published(session: AsyncSession, version: str, product_set: str, *, keep: int) -> None:
    """Every other published revision of the set stops being offered to new registrations."""
    await session.execute(
        sa.update(CriteriaSheet)
        .where(
            CriteriaSheet.version == version,
            CriteriaSheet.product_set == product_set,
            CriteriaSheet.status == SheetStatus.published,
            CriteriaSheet.id != keep,
        )
        .values(status=SheetStatus.retired)
    )


async def install(session: AsyncSession, data: SheetData) -> CriteriaSheet | None:
    """The sheet as a new revision, or None when this content is already installed."""
    digest = data.digest()
    existing = list(
        await session.scalars(
            sa.select(CriteriaSheet).where(
                CriteriaSheet.version == data.version, CriteriaSheet.product_set == data.product_set
            )
        )
    )
    if any(s.source_digest == digest for s in existing):
        return None
    status = data.status
    office_published = any(s.source_digest is None and s.status is SheetStatus.published for s in existing)
    if status is SheetStatus.published and office_published:
        status = SheetStatus.draft  # the office's correction stays in force
    sheet = CriteriaSheet(
        version=data.version,
        product_set=data.product_set,
        revision=max((s.revision for s in existing), default=0) + 1,
        name=data.name,
        status=status,
        source_note=data.source_note,
        part_points=dict(data.part_points),
        source_digest=digest,
    )
    session.add(sheet)
    await session.flush()
    await add_criteria(session, sheet.id, data.criteria)
    if status is SheetStatus.published:
        await retire_published(session, data.version, data.product_set, keep=sheet.id)
    return sheet


async def install_sheets(session: AsyncSession, root: Path = CRITERIA_DIR) -> int:
    """Every sheet of the repository's files not yet installed; how many were added."""
    added = 0
    for version in read_versions(root):
        for data in version.sheets:
            added += await install(session, data) is not None
    return added
