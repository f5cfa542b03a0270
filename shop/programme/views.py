"""The API's shapes built from plans, targets and their progress (pages read the same
objects)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.geo.models import Place
from shop.programme import plans, progress
from shop.programme.models import PlanTarget, TargetRecord
from shop.programme.schemas import (
    AreaProgressOut,
    PlanDetailOut,
    PlanOut,
    ProgressOut,
    RecordOut,
    TargetOut,
    TargetProgressOut,
)


def plan_out(found: plans.PlanRow) -> PlanOut:
    p = found.plan
    return PlanOut(p.id, p.province_id, found.province, p.year, p.title, p.status, p.note, found.targets)


async def place_names(session: AsyncSession, targets: list[PlanTarget]) -> dict[int, str]:
    ids = {t.place_id for t in targets if t.place_id}
    if not ids:
        return {}
    return {
        pid: str(name)
        for pid, name in await session.execute(sa.select(Place.id, Place.name).where(Place.id.in_(ids)))
    }


def target_out(t: PlanTarget, places: dict[int, str]) -> TargetOut:
    return TargetOut(
        id=t.id,
        measure=t.measure,
        description=progress.describe(t),
        target=t.target,
        unit=progress.unit_of(t.measure),
        stars=t.stars,
        quality_kind=t.quality_kind,
        producer_kind=t.producer_kind,
        place_id=t.place_id,
        place=places.get(t.place_id) if t.place_id else None,
        label=t.label,
        note=t.note,
    )


async def detail_out(session: AsyncSession, found: plans.PlanRow) -> PlanDetailOut:
    p = found.plan
    targets = await plans.targets_of(session, p.id)
    places = await place_names(session, targets)
    return PlanDetailOut(
        p.id,
        p.province_id,
        found.province,
        p.year,
        p.title,
        p.status,
        p.note,
        [target_out(t, places) for t in targets],
    )


def record_out(r: TargetRecord) -> RecordOut:
    return RecordOut(r.id, r.counted, r.counted_on, r.note)


def progress_out(found: progress.PlanProgress) -> ProgressOut:
    return ProgressOut(
        plan_id=found.plan.id,
        province=found.province,
        year=found.plan.year,
        title=found.plan.title,
        on=found.on,
        by=found.by,
        targets=[
            TargetProgressOut(
                target_id=t.target.id,
                measure=t.target.measure,
                description=t.description,
                place=t.place,
                target=t.target.target,
                unit=progress.unit_of(t.target.measure),
                done=t.done,
                expected=t.expected,
                status=t.status,
                status_text=t.status_text,
                detail=t.detail,
                recorded=record_out(t.record) if t.record else None,
                areas=[AreaProgressOut(a.place_id, a.name, a.done) for a in t.areas],
            )
            for t in found.targets
        ],
    )
