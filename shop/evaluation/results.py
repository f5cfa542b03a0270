"""The council's result for a registration, from its members' signed sheets.

The rules (Decision 148/QĐ-TTg and the councils' own rules, research next-wave §1.4):

- **Quorum**: a result is refused until at least 75 % of the council's members (rounded
  up) have signed, the chair among them.
- **Mean**: the product's score is the mean of the members' totals, kept in hundredths of a
  point with integer arithmetic, rounded half up (71.125 → 71.13). Parts likewise.
- **Spread**: if the highest and the lowest total are 10 points apart or more, the result is
  blocked: the council discusses and members re-score (a correction with a reason) until
  the totals are less than 10 apart.
- **Stars**: the band of the mean (≥ 90 five, 70–89 four, 50–69 three, 30–49 two, below one),
  then lowered one star at a time while the mandatory criteria of that star are not met.
  *Our rule for "met"*: for star S, every criterion having options marked mandatory for a
  star ≤ S must reach, as the mean of the members' points on it, the points of the highest
  such marked option (a member who did not score it, behind a gate, counts 0).
  Below 3★ there are no mandatory criteria.
- **Gate**: any signed sheet stopped by a gate means the product is not certified: at most
  2★ (or 1★ by its band).
- **Central level**: a product at 90 points or more that keeps its 5★ (mandatory criteria
  met) is forwarded to the central level. The province cannot certify it: its result waits
  ("5★, pending the central decision") until the office records what the centre answered:
  recognised (the decision certifies 5★ at the central level) or returned (the province
  certifies 4★, the most it awards). A product at 90 points that misses a 5★ mandatory
  criterion is not forwarded: the province certifies the stars it meets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

import sqlalchemy as sa
from babel.numbers import format_decimal
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import CouncilLevel
from shop.db_types import utcnow
from shop.errors import Conflict
from shop.evaluation import councils, scoring
from shop.evaluation.council_schemas import CentralIn
from shop.evaluation.models.registrations import Registration, RegistrationStatus
from shop.evaluation.models.results import CentralOutcome, EvaluationResult
from shop.evaluation.models.scoring import CouncilMember, MemberRole, ScoreLine, ScoreSheet
from shop.evaluation.models.sheets import Part
from shop.i18n import N_, babel_locale

SPREAD_LIMIT = 10  # points between members' totals that send the council back to re-score
BANDS = ((9000, 5), (7000, 4), (5000, 3), (3000, 2))  # hundredths of a point → stars
CENTRAL_FROM = 9000  # forwarded to the central level from 90 points
PROVINCE_MOST = 4  # the most stars the province certifies


class Standing(StrEnum):
    incomplete = "incomplete"  # the quorum has not signed
    blocked = "blocked"  # members' totals 10 points apart or more: discuss and re-score
    ready = "ready"  # the result can stand


@dataclass(frozen=True)
class MemberTotal:
    sheet: ScoreSheet
    member: CouncilMember


@dataclass(frozen=True)
class Stars:
    band: int
    stars: int
    failed_mandatory: tuple[str, ...]
    gates: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    """The result as the signed sheets make it now (nothing stored)."""

    registration: Registration
    members: int
    chair_signed: bool
    totals: tuple[MemberTotal, ...]
    stored: EvaluationResult | None
    mean: int | None = None  # hundredths
    parts: dict[Part, int] = field(default_factory=dict)  # hundredths
    stars: Stars | None = None

    @property
    def quorum(self) -> int:
        return councils.quorum(self.members)

    @property
    def spread(self) -> int | None:
        found = [t.sheet.total for t in self.totals]
        return max(found) - min(found) if found else None

    @property
    def standing(self) -> Standing:
        if len(self.totals) < self.quorum or not self.chair_signed or not self.totals:
            return Standing.incomplete
        if (self.spread or 0) >= SPREAD_LIMIT:
            return Standing.blocked
        return Standing.ready

    @property
    def forwarded_central(self) -> bool:
        return self.stars is not None and forwarded(self.mean or 0, self.stars)


def mean_hundredths(values: Sequence[int]) -> int:
    """The mean of whole points in hundredths, rounded half up, in integers only."""
    count = len(values)
    return (200 * sum(values) + count) // (2 * count)


def band(mean: int) -> int:
    return next((stars for floor, stars in BANDS if mean >= floor), 1)


def forwarded(mean: int, stars: Stars) -> bool:
    return mean >= CENTRAL_FROM and stars.stars == 5 and not stars.gates


def thresholds(sheet: scoring.SheetView, star: int) -> dict[int, int]:
    """Criterion id → the points its members' mean must reach for ``star``."""
    found: dict[int, int] = {}
    for criterion in sheet.criteria:
        marked = [
            o.points for o in criterion.options if o.mandatory_for_star and o.mandatory_for_star <= star
        ]
        if marked:
            found[criterion.id] = max(marked)
    return found


def unmet(sheet: scoring.SheetView, star: int, points: dict[int, list[int]], count: int) -> list[str]:
    """Codes of the mandatory criteria of ``star`` the members' mean does not reach."""
    return [
        sheet.by_id[cid].code
        for cid, needed in thresholds(sheet, star).items()
        if sum(points.get(cid, [])) < needed * count  # mean ≥ needed, without dividing
    ]


def star_rating(
    sheet: scoring.SheetView, mean: int, lines: Sequence[ScoreLine], sheets: Sequence[ScoreSheet]
) -> Stars:
    points: dict[int, list[int]] = {}
    for line in lines:
        points.setdefault(line.criterion_id, []).append(line.points)
    first = stars = band(mean)
    failed: list[str] = []
    while stars >= 3 and (missing := unmet(sheet, stars, points, len(sheets))):
        failed += [f"{code} ({stars}★)" for code in missing]
        stars -= 1
    gates = tuple(sorted({_gate_code(sheet, s, lines) for s in sheets if s.gate_failed}))
    if gates:
        stars = min(stars, 2)
    return Stars(first, stars, tuple(failed), gates)


def _gate_code(sheet: scoring.SheetView, stopped: ScoreSheet, lines: Sequence[ScoreLine]) -> str:
    """Which gate stopped a sheet: its scored gate criterion with no points."""
    for line in lines:
        criterion = sheet.by_id.get(line.criterion_id)
        if line.sheet_id == stopped.id and criterion and criterion.gate and line.points == 0:
            return criterion.code
    return "?"


async def evaluate(session: AsyncSession, registration: Registration) -> Evaluation:
    council = await councils.council_of(session, registration.id)
    seats = await councils.members(session, council.id) if council else []
    by_id = {row.member.id: row.member for row in seats}
    sheets = [s for s in await scoring.signed_sheets(session, registration.id) if s.member_id in by_id]
    totals = tuple(MemberTotal(s, by_id[s.member_id]) for s in sheets)
    stored = await stored_result(session, registration.id)
    chair_signed = any(t.member.role is MemberRole.chair for t in totals)
    if not sheets:
        return Evaluation(registration, len(seats), chair_signed, totals, stored)
    mean = mean_hundredths([s.total for s in sheets])
    parts = {
        Part.a: mean_hundredths([s.part_a for s in sheets]),
        Part.b: mean_hundredths([s.part_b for s in sheets]),
        Part.c: mean_hundredths([s.part_c for s in sheets]),
    }
    view = await scoring.load_sheet(session, registration.sheet_id)
    lines = [
        line for found in (await scoring.lines_of(session, [s.id for s in sheets])).values() for line in found
    ]
    rating = star_rating(view, mean, lines, sheets)
    return Evaluation(registration, len(seats), chair_signed, totals, stored, mean, parts, rating)


async def stored_result(session: AsyncSession, registration_id: int) -> EvaluationResult | None:
    return await session.scalar(
        sa.select(EvaluationResult).where(EvaluationResult.registration_id == registration_id)
    )


async def rank(session: AsyncSession, registration: Registration) -> EvaluationResult:
    """Record the council's result; refused until the quorum signed and while blocked."""
    if registration.status in scoring.CLOSED:
        raise Conflict(
            N_("This registration is decided: its result stands."), error_code="registration_closed"
        )
    found = await evaluate(session, registration)
    if found.standing is Standing.incomplete:
        raise Conflict(
            N_("The quorum has not signed: {signed} of {needed} sheets needed, the chair's among them."),
            error_code="quorum_not_reached",
            signed=len(found.totals),
            needed=found.quorum,
        )
    if found.standing is Standing.blocked:
        raise Conflict(
            N_("The members' totals are {spread} points apart: the council must discuss and re-score."),
            error_code="spread_too_wide",
            spread=found.spread,
        )
    assert found.mean is not None
    assert found.stars is not None
    result = found.stored or EvaluationResult(registration_id=registration.id)
    result.mean_hundredths, result.spread = found.mean, found.spread or 0
    result.part_a_hundredths, result.part_b_hundredths = found.parts[Part.a], found.parts[Part.b]
    result.part_c_hundredths = found.parts[Part.c]
    result.band_stars, result.stars = found.stars.band, found.stars.stars
    result.failed_mandatory = [
        *found.stars.failed_mandatory,
        *(f"{code} (gate)" for code in found.stars.gates),
    ]
    result.forwarded_central = found.forwarded_central
    if not result.forwarded_central:
        result.central_outcome = result.central_reference = result.central_decided_on = None
    result.computed_at = utcnow()
    session.add(result)
    registration.status = RegistrationStatus.ranked
    await session.flush()
    return result


async def record_central(
    session: AsyncSession, registration: Registration, data: CentralIn
) -> EvaluationResult:
    """What the central level answered for a forwarded product (the office types it in)."""
    result = await stored_result(session, registration.id)
    if result is None or not result.forwarded_central:
        raise Conflict(
            N_("Only a result forwarded to the central level waits for its answer."),
            error_code="not_forwarded",
        )
    if registration.status in scoring.CLOSED:
        raise Conflict(
            N_("This registration is decided: its result stands."), error_code="registration_closed"
        )
    result.central_outcome = data.outcome
    result.central_reference = data.reference.strip()
    result.central_decided_on = data.decided_on
    await session.flush()
    return result


def final_stars(result: EvaluationResult) -> int | None:
    """The stars a decision certifies (or records as a failure); None while the central level
    has not answered for a forwarded product."""
    if not result.forwarded_central:
        return result.stars
    if result.central_outcome is CentralOutcome.recognised:
        return 5
    if result.central_outcome is CentralOutcome.returned:
        return PROVINCE_MOST
    return None


def council_level(result: EvaluationResult) -> CouncilLevel:
    if result.forwarded_central and result.central_outcome is CentralOutcome.recognised:
        return CouncilLevel.central
    return CouncilLevel.province


def whole_points(hundredths: int) -> int:
    """A score in hundredths as the certificate keeps it: whole points, rounded half up."""
    return (hundredths + 50) // 100


def points_text(hundredths: int | None, lang: str | None = None) -> str:
    """A score in hundredths as people read it: 71,50 in Vietnamese, 71.50 in English."""
    if hundredths is None:
        return ""
    return format_decimal(Decimal(hundredths).scaleb(-2), format="#,##0.00", locale=babel_locale(lang))
