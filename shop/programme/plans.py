"""The office writes a province's plan for a year and its targets; figures it records for
the targets nothing in the system counts. The rules live here; the API and the pages call
the same functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.i18n import N_
from shop.programme.models import Measure, Plan, PlanTarget, TargetRecord
from shop.programme.schemas import PlanIn, RecordIn, TargetIn

# The most a percentage target may say: a share cannot pass 100 %, growth ×10 is plenty.
PERCENT_LIMIT = {Measure.share_reaching_three_stars: 100, Measure.revenue_growth: 1000}


@dataclass(frozen=True)
class PlanRow:
    plan: Plan
    province: str
    targets: int


async def provinces(session: AsyncSession) -> list[Place]:
    """Today's provinces, for the plan form."""
    found = await session.scalars(
        sa.select(Place)
        .where(Place.level == PlaceLevel.province, Place.era == PlaceEra.current)
        .order_by(Place.folded, Place.name)
    )
    return list(found)


async def districts(session: AsyncSession, province_id: int) -> list[Place]:
    """The former districts that are now in the province (their successor)."""
    found = await session.scalars(
        sa.select(Place)
        .where(Place.level == PlaceLevel.district, Place.successor_id == province_id)
        .order_by(Place.folded, Place.name)
    )
    return list(found)


async def communes(session: AsyncSession, province_id: int) -> list[Place]:
    found = await session.scalars(
        sa.select(Place)
        .where(
            Place.level == PlaceLevel.commune,
            Place.era == PlaceEra.current,
            Place.province_id == province_id,
        )
        .order_by(Place.folded, Place.name)
    )
    return list(found)


async def plan_or_404(session: AsyncSession, plan_id: int) -> Plan:
    found = await session.get(Plan, plan_id)
    if found is None:
        raise NotFound(N_("No plan {key}."), error_code="plan_not_found", key=plan_id)
    return found


async def target_or_404(session: AsyncSession, plan: Plan, target_id: int) -> PlanTarget:
    found = await session.get(PlanTarget, target_id)
    if found is None or found.plan_id != plan.id:
        raise NotFound(N_("No target {key} in this plan."), error_code="target_not_found", key=target_id)
    return found


async def row(session: AsyncSession, plan: Plan) -> PlanRow:
    province = await session.get_one(Place, plan.province_id)
    count = await session.scalar(sa.select(sa.func.count()).where(PlanTarget.plan_id == plan.id))
    return PlanRow(plan, province.name, int(count or 0))


def listing_query(*, year: int | None = None, province_id: int | None = None) -> sa.Select[Plan, str, Any]:
    """Plans, newest year first, with their province and how many targets they hold."""
    counted = (
        sa.select(PlanTarget.plan_id, sa.func.count().label("n")).group_by(PlanTarget.plan_id).subquery()
    )
    stmt = (
        sa.select(Plan, Place.name, sa.func.coalesce(counted.c.n, 0))
        .join(Place, Place.id == Plan.province_id)
        .outerjoin(counted, counted.c.plan_id == Plan.id)
        .order_by(Plan.year.desc(), Place.name, Plan.id)
    )
    if year is not None:
        stmt = stmt.where(Plan.year == year)
    if province_id is not None:
        stmt = stmt.where(Plan.province_id == province_id)
    return stmt


async def _check_plan(session: AsyncSession, data: PlanIn, plan_id: int | None) -> None:
    province = await session.get(Place, data.province_id)
    if province is None or province.level is not PlaceLevel.province or province.era is not PlaceEra.current:
        raise InvalidInput(errors=[field_error("province_id", N_("Choose a province of today's map."))])
    taken = await session.scalar(
        sa.select(Plan.id).where(Plan.province_id == data.province_id, Plan.year == data.year)
    )
    if taken is not None and taken != plan_id:
        raise Conflict(
            N_("This province already has a plan for {year}."),
            error_code="plan_exists",
            errors=[field_error("year", N_("This province already has a plan for {year}."), year=data.year)],
            year=data.year,
        )


async def create_plan(session: AsyncSession, data: PlanIn) -> Plan:
    await _check_plan(session, data, None)
    plan = Plan(
        province_id=data.province_id,
        year=data.year,
        title=data.title.strip(),
        status=data.status,
        note=(data.note or "").strip() or None,
    )
    session.add(plan)
    await session.flush()
    return plan


async def update_plan(session: AsyncSession, plan: Plan, data: PlanIn) -> Plan:
    """Its province changes only while it has no target (their areas belong to it)."""
    await _check_plan(session, data, plan.id)
    if data.province_id != plan.province_id and (await row(session, plan)).targets:
        raise InvalidInput(errors=[field_error("province_id", N_("A plan with targets keeps its province."))])
    plan.province_id = data.province_id
    plan.year = data.year
    plan.title = data.title.strip()
    plan.status = data.status
    plan.note = (data.note or "").strip() or None
    await session.flush()
    return plan


async def _check_place(session: AsyncSession, plan: Plan, place_id: int) -> None:
    place = await session.get(Place, place_id)
    fits = place is not None and (
        (place.level is PlaceLevel.district and place.successor_id == plan.province_id)
        or (
            place.level is PlaceLevel.commune
            and place.era is PlaceEra.current
            and place.province_id == plan.province_id
        )
    )
    if not fits:
        message = N_("Choose a former district or a commune of the plan's province, or none for all of it.")
        raise InvalidInput(errors=[field_error("place_id", message)])


async def _fill(session: AsyncSession, plan: Plan, target: PlanTarget, data: TargetIn) -> PlanTarget:
    """Check ``data`` and copy it in: a measure keeps only the parameters it uses."""
    limit = PERCENT_LIMIT.get(data.measure)
    if limit is not None and data.target > limit:
        message = N_("A percentage from 1 to {limit}: e.g. 70 for 70 %, 150 for ×1.5.")
        raise InvalidInput(errors=[field_error("target", message, limit=limit)])
    label = (data.label or "").strip() or None
    if data.measure is Measure.recorded and label is None:
        raise InvalidInput(errors=[field_error("label", N_("Say what the office counts for this target."))])
    if data.place_id is not None:
        await _check_place(session, plan, data.place_id)
    target.measure = data.measure
    target.target = data.target
    target.stars = (data.stars or 3) if data.measure is Measure.new_certified_products else None
    target.quality_kind = data.quality_kind if data.measure is Measure.quality_certified_products else None
    target.producer_kind = data.producer_kind if data.measure is Measure.producers_of_kind else None
    target.place_id = data.place_id
    target.label = label if data.measure is Measure.recorded else None
    target.note = (data.note or "").strip() or None
    return target


async def add_target(session: AsyncSession, plan: Plan, data: TargetIn) -> PlanTarget:
    last = await session.scalar(
        sa.select(sa.func.max(PlanTarget.position)).where(PlanTarget.plan_id == plan.id)
    )
    target = await _fill(session, plan, PlanTarget(plan_id=plan.id, position=int(last or 0) + 1), data)
    session.add(target)
    await session.flush()
    return target


async def update_target(session: AsyncSession, plan: Plan, target: PlanTarget, data: TargetIn) -> PlanTarget:
    if target.measure is Measure.recorded and data.measure is not Measure.recorded:
        records = await session.scalar(sa.select(sa.func.count()).where(TargetRecord.target_id == target.id))
        if records:
            message = N_("This target has figures recorded: it stays a recorded target.")
            raise InvalidInput(errors=[field_error("measure", message)])
    with session.no_autoflush:
        await _fill(session, plan, target, data)
    await session.flush()
    return target


async def delete_target(session: AsyncSession, target: PlanTarget) -> None:
    await session.execute(sa.delete(TargetRecord).where(TargetRecord.target_id == target.id))
    await session.delete(target)
    await session.flush()


async def targets_of(session: AsyncSession, plan_id: int) -> list[PlanTarget]:
    found = await session.scalars(
        sa.select(PlanTarget)
        .where(PlanTarget.plan_id == plan_id)
        .order_by(PlanTarget.position, PlanTarget.id)
    )
    return list(found)


async def record(
    session: AsyncSession,
    plan: Plan,
    target: PlanTarget,
    data: RecordIn,
    *,
    user_id: int | None,
    today: dt.date,
) -> TargetRecord:
    """A figure the office counted, for a day of the plan's year up to today."""
    if target.measure is not Measure.recorded:
        raise Conflict(
            N_("The system counts this target itself; only a recorded target takes figures."),
            error_code="target_is_counted",
        )
    if data.counted_on.year != plan.year or data.counted_on > today:
        message = N_("A day of {year}, today at the latest.")
        raise InvalidInput(errors=[field_error("counted_on", message, year=plan.year)])
    made = TargetRecord(
        target_id=target.id,
        counted=data.counted,
        counted_on=data.counted_on,
        note=(data.note or "").strip() or None,
        recorded_by=user_id,
    )
    session.add(made)
    await session.flush()
    return made


async def latest_records(
    session: AsyncSession, target_ids: list[int], on: dt.date
) -> dict[int, TargetRecord]:
    """Each recorded target's latest figure by ``on`` (the latest day, then the latest entry)."""
    if not target_ids:
        return {}
    rows = await session.scalars(
        sa.select(TargetRecord)
        .where(TargetRecord.target_id.in_(target_ids), TargetRecord.counted_on <= on)
        .order_by(TargetRecord.target_id, TargetRecord.counted_on, TargetRecord.id)
    )
    return {r.target_id: r for r in rows}  # the last of each target wins


async def records_of(session: AsyncSession, target_id: int) -> list[TargetRecord]:
    found = await session.scalars(
        sa.select(TargetRecord)
        .where(TargetRecord.target_id == target_id)
        .order_by(TargetRecord.counted_on.desc(), TargetRecord.id.desc())
    )
    return list(found)
