"""How far each target of a plan has come on a day: done, expected by then, and whether it
is reached, on track or behind, in the whole province and by area.

- **Flows** (new certified products, traceable products, fairs, their producers, recorded
  figures) start the year at nothing: expected = target × the part of the year gone by.
- **Levels** (products with a quality certification, producers with an OCOP product, areas
  with a sales point) start the year where the last one ended: expected = that level +
  (target − that level) × the part of the year gone by.
- **Shares** (percentages) are expected at their target all year.

A target is *reached* once done ≥ target, *on track* while done ≥ expected (rounded to a
whole number, as shown), *behind* otherwise; a share with nothing to divide yet has no data.
A past year's figures stand on 31 December.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import ProducerKind, QualityKind
from shop.geo.models import Place, PlaceLevel
from shop.i18n import N_, gettext
from shop.programme import measures, plans
from shop.programme.measures import Unit
from shop.programme.models import LEVELS, SHARES, Measure, Plan, PlanTarget, TargetRecord

STATUS_LABELS = {
    "reached": N_("Reached"),
    "on_track": N_("On track"),
    "behind": N_("Behind"),
    "no_data": N_("No figures yet"),
}
MEASURE_LABELS = {
    Measure.new_certified_products: N_("Products newly certified at {stars}★ or more"),
    Measure.traceable_products: N_("Products with a traceable batch recorded this year"),
    Measure.quality_certified_products: N_("Products holding a quality certification"),
    Measure.producers_of_kind: N_("Producers with an OCOP product in force"),
    Measure.areas_with_sales_point: N_("Sales areas with an open OCOP sales point"),
    Measure.share_reaching_three_stars: N_("Share of the year's evaluated products reaching 3★ (%)"),
    Measure.revenue_growth: N_("Revenue the year after certification, against the year before (%)"),
    Measure.fairs_held: N_("Trade fairs held"),
    Measure.fair_producers: N_("Producers taking part in trade fairs"),
    Measure.recorded: N_("A figure the office records"),
}
QUALITY_LABELS = {
    QualityKind.vietgap: "VietGAP",
    QualityKind.globalgap: "GlobalGAP",
    QualityKind.organic: N_("organic"),
    QualityKind.haccp: "HACCP",
    QualityKind.iso22000: "ISO 22000",
    QualityKind.gmp: "GMP",
    QualityKind.gacp_who: "GACP-WHO",
    QualityKind.safe_food_chain: N_("safe food chain"),
    QualityKind.other: N_("other"),
}
PRODUCER_LABELS = {
    ProducerKind.cooperative: N_("cooperatives"),
    ProducerKind.enterprise: N_("enterprises"),
    ProducerKind.cooperative_group: N_("cooperative groups"),
    ProducerKind.household_business: N_("household businesses"),
}


def describe(target: PlanTarget) -> str:
    """The measure and its parameters in a sentence, in the current language."""
    if target.measure is Measure.recorded:
        return target.label or gettext(MEASURE_LABELS[Measure.recorded])
    text = gettext(MEASURE_LABELS[target.measure])
    if target.measure is Measure.new_certified_products:
        return text.format(stars=target.stars or 3)
    if target.measure is Measure.quality_certified_products and target.quality_kind is not None:
        return gettext("Products holding a quality certification: {kind}").format(
            kind=gettext(QUALITY_LABELS[target.quality_kind])
        )
    if target.measure is Measure.producers_of_kind and target.producer_kind is not None:
        return gettext("Producers with an OCOP product in force: {kind}").format(
            kind=gettext(PRODUCER_LABELS[target.producer_kind])
        )
    return text


def unit_of(measure: Measure) -> str:
    return "percent" if measure in SHARES else "count"


def shown(value: float | None, measure: Measure) -> str:
    """A figure as the pages write it: 12; 64.3 %; ×1.48."""
    if value is None:
        return "—"
    if measure is Measure.revenue_growth:
        return f"×{value / 100:.2f}"
    if measure in SHARES:
        return f"{value:.1f} %"
    return str(int(value))


@dataclass
class AreaFigure:
    place_id: int | None
    name: str
    done: float | None


@dataclass
class TargetProgress:
    target: PlanTarget
    description: str
    place: str | None
    done: float | None
    expected: int
    status: str
    detail: str | None = None
    record: TargetRecord | None = None
    areas: list[AreaFigure] = field(default_factory=list)

    @property
    def status_text(self) -> str:
        return gettext(STATUS_LABELS[self.status])

    @property
    def percent_done(self) -> int:
        """How much of the target is done, for a bar (0–100)."""
        if self.done is None:
            return 0
        return max(0, min(100, round(100 * self.done / self.target.target)))


@dataclass
class PlanProgress:
    plan: Plan
    province: str
    on: dt.date
    by: str
    targets: list[TargetProgress]


def as_of(year: int, today: dt.date) -> dt.date:
    """The day the figures stand for: today, or 31 December of a year gone by."""
    return min(today, dt.date(year, 12, 31))


def year_gone(year: int, on: dt.date) -> float:
    """The part of ``year`` gone by at the end of ``on`` (0 before it starts, 1 after)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if on < start:
        return 0.0
    return min(1.0, ((on - start).days + 1) / ((end - start).days + 1))


def _half_up(value: float) -> int:
    return int(value + 0.5)


def value_of(found: list[Unit], measure: Measure) -> float | None:
    """A count of distinct units, or a share as a percentage (None: nothing to divide)."""
    if measure in SHARES:
        top, bottom = sum(u.numerator for u in found), sum(u.denominator for u in found)
        return round(100 * top / bottom, 1) if bottom else None
    return float(len({u.key for u in found}))


def expected_of(target: PlanTarget, part: float, baseline: float | None) -> int:
    if target.measure in SHARES:
        return target.target
    if target.measure in LEVELS and baseline is not None and baseline < target.target:
        return _half_up(baseline + (target.target - baseline) * part)
    if target.measure in LEVELS and baseline is not None:
        return target.target
    return _half_up(target.target * part)


def status_of(done: float | None, target: int, expected: int) -> str:
    if done is None:
        return "no_data"
    if done >= target:
        return "reached"
    return "on_track" if done >= expected else "behind"


def _where(found: list[Unit], place: Place | None) -> list[Unit]:
    if place is None:
        return found
    if place.level is PlaceLevel.district:
        return [u for u in found if u.district_id == place.id]
    return [u for u in found if u.commune_id == place.id]


async def _areas(
    session: AsyncSession, found: list[Unit], measure: Measure, by: str, districts: list[Place]
) -> list[AreaFigure]:
    """The province-wide figure by former district (every one, none left out) or by commune
    (those with something), and what has no area recorded."""
    groups: dict[int | None, list[Unit]] = defaultdict(list)
    for u in found:
        groups[u.district_id if by == "district" else u.commune_id].append(u)
    if by == "district":
        places = districts
    else:
        ids = [k for k in groups if k is not None]
        places = list(await session.scalars(sa.select(Place).where(Place.id.in_(ids)).order_by(Place.folded)))
    out = [AreaFigure(p.id, p.name, value_of(groups.get(p.id, []), measure)) for p in places]
    known = {p.id for p in places}
    strays = [u for k, us in groups.items() if k not in known for u in us]
    if strays:
        out.append(AreaFigure(None, gettext("No area recorded"), value_of(strays, measure)))
    return out


def _detail(target: PlanTarget, found: list[Unit], baseline: float | None) -> str | None:
    if target.measure is Measure.share_reaching_three_stars:
        top, bottom = sum(u.numerator for u in found), sum(u.denominator for u in found)
        return gettext("{reached} of {evaluated} evaluated products reached 3★.").format(
            reached=top, evaluated=bottom
        )
    if target.measure is Measure.revenue_growth:
        return gettext("{count} products a year after their certificate.").format(count=len(found))
    if target.measure in LEVELS and baseline is not None:
        return gettext("{count} at the start of the year.").format(count=int(baseline))
    return None


async def of_target(
    session: AsyncSession,
    plan: Plan,
    target: PlanTarget,
    *,
    on: dt.date,
    by: str,
    record: TargetRecord | None,
    districts: list[Place],
) -> TargetProgress:
    place = await session.get(Place, target.place_id) if target.place_id else None
    part = year_gone(plan.year, on)
    if target.measure is Measure.recorded:
        done = float(record.counted) if record else None
        expected = expected_of(target, part, None)
        detail = (
            gettext("Recorded by the office on {day}.").format(day=record.counted_on.isoformat())
            if record
            else None
        )
        return TargetProgress(
            target,
            describe(target),
            place.name if place else None,
            done,
            expected,
            status_of(done, target.target, expected),
            detail,
            record,
        )
    found = await measures.units(session, target, province=plan.province_id, year=plan.year, on=on)
    baseline = None
    if target.measure in LEVELS:
        before = dt.date(plan.year, 1, 1) - dt.timedelta(days=1)
        earlier = await measures.units(session, target, province=plan.province_id, year=plan.year, on=before)
        baseline = value_of(_where(earlier, place), target.measure)
    mine = _where(found, place)
    done = value_of(mine, target.measure)
    expected = expected_of(target, part, baseline)
    areas = [] if place else await _areas(session, found, target.measure, by, districts)
    return TargetProgress(
        target,
        describe(target),
        place.name if place else None,
        done,
        expected,
        status_of(done, target.target, expected),
        _detail(target, mine, baseline),
        None,
        areas,
    )


async def of_plan(session: AsyncSession, plan: Plan, *, today: dt.date, by: str = "district") -> PlanProgress:
    on = as_of(plan.year, today)
    targets = await plans.targets_of(session, plan.id)
    records = await plans.latest_records(
        session, [t.id for t in targets if t.measure is Measure.recorded], on
    )
    districts = await plans.districts(session, plan.province_id) if by == "district" else []
    out = [
        await of_target(session, plan, t, on=on, by=by, record=records.get(t.id), districts=districts)
        for t in targets
    ]
    province = await session.get_one(Place, plan.province_id)
    return PlanProgress(plan, province.name, on, by, out)
