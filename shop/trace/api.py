"""``GET /api/v1/trace/{code}``: the traceability record of a product or batch (public)."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, Response, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.catalog.schemas import Id
from shop.errors import NotFound
from shop.i18n import N_, current_language
from shop.trace import label_items, labels, services
from shop.trace.schemas import BatchOut, TraceOut
from shop.web import download

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
        # What is written, and what the pages counted since (written every few seconds).
        counted = (
            await services.scans(session, found.code) + request.app.state.trace_scans.pending[found.code]
        )
        return trace_out(found, request.app.state.settings.base_url, counted)


class LabelController(Controller):
    path = "/api/v1/labels"
    tags = ["trace"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get(
        "/",
        operation_id="productLabels",
        summary="Printable labels (PDF) of chosen products: name, price, stars, trace QR",
        media_type="application/pdf",
    )
    async def products(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        product: Annotated[list[Id], Parameter(min_items=1, max_items=200)],
        copies: Annotated[int, Parameter(ge=1, le=500)] = 1,
        layout: labels.Layout = "a4",
    ) -> Response[bytes]:
        user = actor(request)
        if user.role is Role.cooperative:  # its own products only; another's is "not found"
            theirs = set(
                await session.scalars(
                    sa.select(Product.id).where(
                        Product.id.in_(product), Product.producer_id == user.producer_id
                    )
                )
            )
            if unknown := [p for p in product if p not in theirs]:
                raise NotFound(N_("No product {id}."), id=unknown[0])
        items = await label_items.product_labels(
            session, product, copies, request.app.state.settings.base_url
        )
        return download(labels.render(items, layout), "application/pdf", f"labels-{layout}.pdf", inline=True)
