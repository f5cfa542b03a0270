"""``/api/v1/evaluation/sheets``: the score sheets, read by anyone signed in (a producer fills
its self-assessment against them), corrected by the office as new revisions.

Drafts are the office's work in progress: other roles neither list nor read them (a draft's
id answers 404, as one that does not exist)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.errors import NotFound
from shop.evaluation import sheet_revisions as revisions
from shop.evaluation.models.sheets import SheetStatus
from shop.evaluation.sheet_schemas import (
    CriterionIn,
    CriterionOut,
    SheetDetailOut,
    SheetOut,
    criterion_out,
    detail_out,
    sheet_out,
)
from shop.i18n import N_
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, offset, page_of
from shop.params import Id

Version = Annotated[str | None, Parameter(max_length=40, description='criteria version, e.g. "148/2023"')]
ProductSet = Annotated[str | None, Parameter(max_length=60, description='product set, e.g. "tea"')]


async def _visible_tree(
    request: Request[Any, Any, Any], session: AsyncSession, sheet_id: int
) -> revisions.SheetTree:
    tree = await revisions.load_tree(session, sheet_id)
    if tree.sheet.status is SheetStatus.draft and not actor(request).is_admin:
        raise NotFound(N_("No score sheet {id}."), id=sheet_id)
    return tree


class SheetController(Controller):
    path = "/api/v1/evaluation/sheets"
    tags = ("evaluation",)
    guards = (requires_login,)
    security = ({"bearer": []},)

    @get("/", operation_id="listScoreSheets", summary="Score sheets by criteria version and product set")
    async def index(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        version: Version = None,
        product_set: ProductSet = None,
        status: SheetStatus | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[SheetOut]:
        rows, total = await revisions.listing(
            session,
            version=version,
            product_set=product_set,
            status=status,
            with_drafts=actor(request).is_admin,
            limit=page_size,
            offset=offset(page, page_size),
        )
        items = [sheet_out(r.sheet, r.totals, r.used > 0) for r in rows]
        return page_of(items, total, page=page, page_size=page_size)

    @get(
        "/{sheet_id:int}",
        operation_id="getScoreSheet",
        summary="A score sheet: parts → groups → criteria → options with points",
    )
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, sheet_id: Id
    ) -> SheetDetailOut:
        return detail_out(await _visible_tree(request, session, sheet_id))

    @post(
        "/{sheet_id:int}/revisions",
        operation_id="reviseScoreSheet",
        summary="A new revision: a draft copy of the sheet to correct",
        guards=[requires_admin],
    )
    async def revise(self, session: AsyncSession, sheet_id: Id) -> SheetDetailOut:
        copy = await revisions.new_revision(session, sheet_id)
        await session.commit()
        return detail_out(await revisions.load_tree(session, copy.id))

    @post(
        "/{sheet_id:int}/publish",
        operation_id="publishScoreSheet",
        summary="Publish a complete draft (each part totals its points); the revision before it retires",
        guards=[requires_admin],
        status_code=200,
    )
    async def publish(self, session: AsyncSession, sheet_id: Id) -> SheetDetailOut:
        await revisions.publish(session, sheet_id)
        await session.commit()
        return detail_out(await revisions.load_tree(session, sheet_id))

    @put(
        "/criteria/{criterion_id:int}",
        operation_id="editScoreSheetCriterion",
        summary="Rewrite a draft's criterion and its options (a sheet in use is never edited)",
        guards=[requires_admin],
    )
    async def edit_criterion(
        self, session: AsyncSession, criterion_id: Id, data: CriterionIn
    ) -> CriterionOut:
        criterion = await revisions.edit_criterion(session, criterion_id, data.edit())
        await session.commit()
        tree = await revisions.load_tree(session, criterion.sheet_id)
        return criterion_out(criterion, tree.options[criterion.id])
