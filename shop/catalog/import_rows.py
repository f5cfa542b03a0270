"""Checking an import's rows: every problem of every row, before anything is written.

Each raw row (from ``shop.catalog.import_file``) becomes an ``ImportRow`` with its place and
product group resolved, or a list of ``RowError``s whose reasons read in any language. A
list with any bad row is refused whole by ``shop.catalog.importer``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import ProducerKind, ProductGroup
from shop.geo import services as geo
from shop.geo.models import Place
from shop.i18n import N_, translate_in
from shop.spreadsheets import is_formula_like
from shop.text import fold

# A cell a spreadsheet would run as a formula (CSV injection) never enters the catalogue:
# it would reach the office's reports and exports.
FORMULA_MESSAGE = N_(
    "{value} would run as a formula in a spreadsheet (it starts with =, +, -, @ or a tab): "
    "remove that first sign."
)
Progress = Callable[[int, int], None]

# Accepted producer kinds (folded) → kind.
KINDS = {
    "cooperative": ProducerKind.cooperative,
    "htx": ProducerKind.cooperative,
    "hop tac xa": ProducerKind.cooperative,
    "enterprise": ProducerKind.enterprise,
    "doanh nghiep": ProducerKind.enterprise,
    "cong ty": ProducerKind.enterprise,
    "dn": ProducerKind.enterprise,
    "cooperative_group": ProducerKind.cooperative_group,
    "to hop tac": ProducerKind.cooperative_group,
    "tht": ProducerKind.cooperative_group,
    "household_business": ProducerKind.household_business,
    "ho kinh doanh": ProducerKind.household_business,
    "ho san xuat": ProducerKind.household_business,
    "hkd": ProducerKind.household_business,
}


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the file (the header is row 1)
    field: str
    message: str  # English msgid
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, lang: str) -> str:
        return translate_in(lang, self.message).format(**self.params)


@dataclass
class ImportRow:
    row: int
    product: str
    producer: str
    producer_kind: ProducerKind
    producer_code: str | None
    place: Place
    group: ProductGroup
    stars: int
    score: int | None
    decision_number: str
    decision_date: dt.date
    issuer: str | None
    price_vnd: int
    unit: str


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _int(value: Any) -> int | None:
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(text) if text.lstrip("-").isdigit() else None


class _RowChecker:
    """Checks one raw row, collecting every problem rather than stopping at the first."""

    def __init__(self, row: int, raw: dict[str, Any]) -> None:
        self.row, self.raw, self.errors = row, raw, list[RowError]()

    def text(self, name: str, max_length: int = 200, required: bool = True) -> str:
        value = str(self.raw.get(name, "") or "").strip()
        if required and not value:
            self.fail(name, N_("This value is required."))
        elif len(value) > max_length:
            self.fail(name, N_("At most {n} characters."), n=max_length)
        return value

    def formulas(self) -> None:
        """Flag every cell a spreadsheet would run as a formula."""
        for name, value in self.raw.items():
            if isinstance(value, str) and is_formula_like(value):
                self.fail(name, FORMULA_MESSAGE, value=value[:40])

    def fail(self, name: str, message: str, **params: Any) -> None:
        self.errors.append(RowError(self.row, name, message, params))


async def _check_row(
    session: AsyncSession,
    row: int,
    raw: dict[str, Any],
    places: dict[str, Place | None],
    groups: dict[str, ProductGroup],
) -> tuple[ImportRow | None, list[RowError]]:
    check = _RowChecker(row, raw)
    check.formulas()
    product, producer = check.text("product"), check.text("producer")
    kind = KINDS.get(fold(check.text("producer_kind")))
    if kind is None and raw.get("producer_kind"):
        check.fail("producer_kind", N_("Unknown producer kind {value}."), value=raw.get("producer_kind"))
    place_text = check.text("place", 300)
    if place_text and place_text not in places:
        places[place_text] = await geo.resolve_place(session, place_text)
    place = places.get(place_text)
    if place_text and place is None:
        check.fail("place", N_("Cannot find the place {text} (old or new unit names)."), text=place_text)
    group_text = check.text("group", 160)
    group = groups.get(fold(group_text))
    if group_text and group is None:
        check.fail("group", N_("Unknown product group {value}."), value=group_text)
    stars = _int(raw.get("stars", ""))
    if stars not in (3, 4, 5):
        check.fail("stars", N_("Stars must be 3, 4 or 5."))
    score = _int(raw["score"]) if str(raw.get("score", "")).strip() else None
    if score is not None and not 0 <= score <= 100:
        check.fail("score", N_("The score must be between 0 and 100."))
    decision_number = check.text("decision_number", 60)
    decision_date = _date(raw.get("decision_date", ""))
    if decision_date is None:
        check.fail("decision_date", N_("Not a date (use YYYY-MM-DD or DD/MM/YYYY)."))
    price = _int(raw["price_vnd"]) if str(raw.get("price_vnd", "")).strip() else 0
    if price is None or price < 0:
        check.fail("price_vnd", N_("The price must be a whole number of đồng."))
    if (
        check.errors
        or kind is None
        or place is None
        or group is None
        or stars is None
        or decision_date is None
    ):
        return None, check.errors
    return ImportRow(
        row=row,
        product=product,
        producer=producer,
        producer_kind=kind,
        producer_code=check.text("producer_code", 40, required=False) or None,
        place=place,
        group=group,
        stars=stars,
        score=score,
        decision_number=decision_number,
        decision_date=decision_date,
        issuer=check.text("issuer", 200, required=False) or None,
        price_vnd=price or 0,
        unit=check.text("unit", 40, required=False) or "sản phẩm",
    ), []


async def _group_index(session: AsyncSession) -> dict[str, ProductGroup]:
    index: dict[str, ProductGroup] = {}
    for group in await session.scalars(sa.select(ProductGroup).order_by(ProductGroup.criteria_version)):
        index[fold(group.code)] = index[fold(group.name)] = index[fold(group.name_en)] = group
    return index


async def check_rows(
    session: AsyncSession, raw_rows: list[dict[str, Any]], progress: Progress | None = None
) -> tuple[list[ImportRow], list[RowError]]:
    places: dict[str, Place | None] = {}
    groups = await _group_index(session)
    good, errors = [], []
    seen: dict[tuple[str, str, str], int] = {}
    for index, raw in enumerate(raw_rows):
        row, row_errors = await _check_row(session, index + 2, raw, places, groups)
        errors.extend(row_errors)
        if row is not None:
            key = (fold(row.producer), fold(row.product), row.decision_number)
            if key in seen:
                errors.append(
                    RowError(
                        row.row,
                        "product",
                        N_("Same product and decision as row {other}."),
                        {"other": seen[key]},
                    )
                )
            seen[key] = row.row
            good.append(row)
        if progress:
            progress(index + 1, len(raw_rows))
    return good, errors
