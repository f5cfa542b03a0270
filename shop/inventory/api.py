"""Sales points: public list and detail (stock endpoints join with the inventory issue)."""

from __future__ import annotations

from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.inventory import schemas, services


class SalesPointController(Controller):
    path = "/api/v1/sales-points"
    tags = ["sales points"]

    @get("/", operation_id="listSalesPoints", summary="Sales points and open trade fairs")
    async def list_sales_points(self, session: AsyncSession) -> dict[str, object]:
        items = await services.list_sales_points(session, on=today())
        return {"items": items, "total": len(items), "page": 1, "page_size": max(len(items), 1)}

    @get("/{code:str}", operation_id="getSalesPoint")
    async def get_sales_point(self, session: AsyncSession, code: str) -> schemas.SalesPointOut:
        return await services.sales_point_detail(session, code)
