"""``/api/v1/programme/plans``: the office writes a province's plan for a year and its
targets, records the figures nothing in the system counts, and reads each target's progress
(done, expected by today, reached / on track / behind, by area). The office alone: the
reports' readers are the office too."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, delete, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin
from shop.catalog.sellability import today
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of, paginate
from shop.params import Id, OptionalId
from shop.programme import plans, progress, views
from shop.programme.schemas import (
    PlanDetailOut,
    PlanIn,
    PlanOut,
    ProgressOut,
    RecordIn,
    RecordOut,
    TargetIn,
    TargetOut,
)

Year = Annotated[int | None, Parameter(ge=2018, le=2100, description="the plans of one year")]
By = Annotated[
    Literal["district", "commune"],
    Parameter(description="province-wide targets by former district (every one) or by today's commune"),
]


class PlanController(Controller):
    path = "/api/v1/programme/plans"
    tags = ("programme",)
    guards = (requires_admin,)
    security = ({"bearer": []},)

    @get("/", operation_id="listPlans", summary="The provinces' yearly plans, newest year first")
    async def index(
        self,
        session: AsyncSession,
        year: Year = None,
        province_id: OptionalId = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[PlanOut]:
        rows, total = await paginate(
            session, plans.listing_query(year=year, province_id=province_id), page=page, page_size=page_size
        )
        items = [views.plan_out(plans.PlanRow(p, str(name), int(n))) for p, name, n in rows]
        return page_of(items, total, page=page, page_size=page_size)

    @post("/", operation_id="createPlan", summary="A province's plan for a year (one per province and year)")
    async def create(self, session: AsyncSession, data: PlanIn) -> PlanDetailOut:
        plan = await plans.create_plan(session, data)
        out = await views.detail_out(session, await plans.row(session, plan))
        await session.commit()
        return out

    @get("/{plan_id:int}", operation_id="getPlan", summary="A plan and its targets")
    async def show(self, session: AsyncSession, plan_id: Id) -> PlanDetailOut:
        plan = await plans.plan_or_404(session, plan_id)
        return await views.detail_out(session, await plans.row(session, plan))

    @put(
        "/{plan_id:int}",
        operation_id="updatePlan",
        summary="Rewrite a plan's province, year, title, status or note",
    )
    async def update(self, session: AsyncSession, plan_id: Id, data: PlanIn) -> PlanDetailOut:
        plan = await plans.update_plan(session, await plans.plan_or_404(session, plan_id), data)
        out = await views.detail_out(session, await plans.row(session, plan))
        await session.commit()
        return out

    @get(
        "/{plan_id:int}/progress",
        operation_id="getPlanProgress",
        summary="Each target: done, expected by today, reached / on_track / behind / no_data, by area",
    )
    async def progress(self, session: AsyncSession, plan_id: Id, by: By = "district") -> ProgressOut:
        plan = await plans.plan_or_404(session, plan_id)
        return views.progress_out(await progress.of_plan(session, plan, today=today(), by=by))

    @post("/{plan_id:int}/targets", operation_id="addPlanTarget", summary="Add a target to a plan")
    async def add_target(self, session: AsyncSession, plan_id: Id, data: TargetIn) -> TargetOut:
        plan = await plans.plan_or_404(session, plan_id)
        target = await plans.add_target(session, plan, data)
        out = views.target_out(target, await views.place_names(session, [target]))
        await session.commit()
        return out

    @put(
        "/{plan_id:int}/targets/{target_id:int}", operation_id="updatePlanTarget", summary="Rewrite a target"
    )
    async def update_target(
        self, session: AsyncSession, plan_id: Id, target_id: Id, data: TargetIn
    ) -> TargetOut:
        plan = await plans.plan_or_404(session, plan_id)
        target = await plans.update_target(
            session, plan, await plans.target_or_404(session, plan, target_id), data
        )
        out = views.target_out(target, await views.place_names(session, [target]))
        await session.commit()
        return out

    @delete(
        "/{plan_id:int}/targets/{target_id:int}", operation_id="deletePlanTarget", summary="Remove a target"
    )
    async def delete_target(self, session: AsyncSession, plan_id: Id, target_id: Id) -> None:
        plan = await plans.plan_or_404(session, plan_id)
        await plans.delete_target(session, await plans.target_or_404(session, plan, target_id))
        await session.commit()

    @post(
        "/{plan_id:int}/targets/{target_id:int}/records",
        operation_id="recordPlanFigure",
        summary="The office's count for a recorded target, and the day it stands for",
    )
    async def record(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        plan_id: Id,
        target_id: Id,
        data: RecordIn,
    ) -> RecordOut:
        plan = await plans.plan_or_404(session, plan_id)
        target = await plans.target_or_404(session, plan, target_id)
        made = await plans.record(session, plan, target, data, user_id=actor(request).id, today=today())
        out = views.record_out(made)
        await session.commit()
        return out
