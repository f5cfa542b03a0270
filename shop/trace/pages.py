"""The page a pack's QR code opens, ``/t/{code}``, and the QR codes themselves (SVG for
screens and print, PNG for anything else). Public, in the visitor's language.

A view counts as a scan, counted after the page is sent (its own short write), so the
page stays a read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog import cache
from shop.catalog.sellability import today
from shop.db import database_key
from shop.errors import NotFound
from shop.i18n import N_, current_language
from shop.inventory import access
from shop.inventory.documents import receipts
from shop.params import Id
from shop.trace import label_items, labels, services
from shop.web import download

QR_CACHE = {"Cache-Control": "public, max-age=86400"}
# A person types or follows any address: a code of the wrong shape names nothing (a 404 page),
# it is not an invalid request.
PageCode = Annotated[str, Parameter(max_length=200)]
_CODE_SHAPE = re.compile(r"[A-Za-z0-9]{4,16}")


def _shaped(code: str) -> str:
    if not _CODE_SHAPE.fullmatch(code.strip()):
        raise NotFound(
            N_("No product or batch has the trace code {code}."), error_code="trace_not_found", code=code
        )
    return code


@dataclass(frozen=True)
class _Page:
    traced: services.Traced
    scans: int  # written so far (the counter adds what it holds)
    qr: str


async def _page_data(session: AsyncSession, code: str, language: str, base_url: str) -> _Page:
    found = await services.trace(session, code, language=language)
    return _Page(
        found, await services.scans(session, found.code), services.qr_svg(base_url, found.code, scale=3)
    )


class TracePages(Controller):
    path = "/t"
    include_in_schema = False

    @get("/{code:str}")
    async def page(self, request: Request[Any, Any, Any], session: AsyncSession, code: PageCode) -> Template:
        code = _shaped(code)
        settings, state = request.app.state.settings, request.app.state
        language, on = current_language(), today()
        key = ("trace", database_key(session), code.strip().upper(), language, on)
        data = await cache.shared(
            session, key, lambda own: _page_data(own, code, language, settings.base_url)
        )
        assert isinstance(data, _Page)
        counter: services.ScanCounter = state.trace_scans
        pending = counter.add(data.traced.code)
        flush = BackgroundTask(counter.flush, state.db) if counter.due() else None
        return Template(
            "trace/trace.html",
            context={
                "t": data.traced,
                "product": data.traced.product,
                "scans": data.scans + pending,
                "qr": data.qr,
            },
            background=flush,
        )

    @get("/{code:str}/qr.svg")
    async def svg(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: PageCode
    ) -> Response[bytes]:
        await services.resolve(session, _shaped(code))  # an unknown code is a 404, not a QR
        body = services.qr_svg_file(request.app.state.settings.base_url, code.upper())
        return Response(body, media_type="image/svg+xml", headers=QR_CACHE)

    @get("/{code:str}/qr.png")
    async def png(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: PageCode
    ) -> Response[bytes]:
        await services.resolve(session, _shaped(code))
        body = services.qr_png(request.app.state.settings.base_url, code.upper())
        return Response(body, media_type="image/png", headers=QR_CACHE)


class ReceiptLabelPages(Controller):
    """Labels for the goods of a receipt, from its page in /pos/."""

    path = "/pos/{code:str}/receipts/{receipt_id:int}/labels"
    include_in_schema = False
    guards = [requires_login]

    @get("/")
    async def receipt_labels(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        receipt_id: Id,
        layout: labels.Layout = "a4",
    ) -> Response[bytes]:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        receipt = await receipts.find_at(session, user, location, receipt_id)
        items = await label_items.receipt_labels(session, receipt, request.app.state.settings.base_url)
        return download(
            labels.render(items, layout),
            "application/pdf",
            f"labels-{location.code}-{receipt.id}-{layout}.pdf",
            inline=True,
        )
