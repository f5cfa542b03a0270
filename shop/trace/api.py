"""``GET /api/v1/trace/{code}``: the traceability record of a product or batch (public)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.i18n import current_language
from shop.trace import services
from shop.trace.schemas import BatchOut, TraceOut

TraceCode = Annotated[str, Parameter(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")]


def trace_out(found: services.Traced, base_url: str, scans: int) -> TraceOut:
    batch = found.batch
    return TraceOut(
        code=found.code,
        kind="batch" if batch else "product",
        url=services.link(base_url, found.code),
        warning=found.warning,
        product=found.product,
        batch=BatchOut(batch.code, batch.produced_on, batch.expires_on) if batch else None,
        scans=scans,
    )


class TraceController(Controller):
    path = "/api/v1/trace"
    tags = ["trace"]

    @get("/{code:str}", operation_id="getTrace", summary="A product's or batch's traceability record")
    async def show(self, request: Request[Any, Any, Any], session: AsyncSession, code: TraceCode) -> TraceOut:
        found = await services.trace(session, code, language=current_language())
        return trace_out(
            found, request.app.state.settings.base_url, await services.scans(session, found.code)
        )
