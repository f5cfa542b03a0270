"""Sales points under /api/v1/sales-points: the public list and detail, and the office's
create and update. Apart from the stock below them (``stock.py``): these need no login to read."""

from __future__ import annotations

from litestar import Controller, get, patch, post
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.inventory import locations, schemas, services
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of, paginate_scalars


class SalesPointController(Controller):
    path = "/api/v1/sales-points"
    tags = ["sales points"]

    @get("/", operation_id="listSalesPoints", summary="Sales points and open trade fairs")
    async def list_sales_points(
        self, session: AsyncSession, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
    ) -> Page[schemas.SalesPointOut]:
        stmt = services.open_locations_select(on=today())
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        return page_of(await services.outs(session, found), total, page=page, page_size=page_size)

    @get("/{code:str}", operation_id="getSalesPoint")
    async def get_sales_point(self, session: AsyncSession, code: str) -> schemas.SalesPointOut:
        return await services.sales_point_detail(session, code)

    @post("/", operation_id="createLocation", guards=[requires_admin], security=[{"bearer": []}])
    async def create_location(self, session: AsyncSession, data: schemas.LocationIn) -> schemas.SalesPointOut:
        """A sales point, trade fair or producer warehouse (the office)."""
        location = await locations.create_location(session, data)
        (out,) = await services.outs(session, [location])
        await session.commit()
        return out

    @patch("/{code:str}", operation_id="updateLocation", guards=[requires_admin], security=[{"bearer": []}])
    async def update_location(
        self, session: AsyncSession, code: str, data: schemas.LocationPatch
    ) -> schemas.SalesPointOut:
        location = await locations.update_location(session, code, data)
        (out,) = await services.outs(session, [location])
        await session.commit()
        return out
