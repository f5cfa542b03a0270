"""The page a pack's QR code opens, ``/t/{code}``, and the QR codes themselves (SVG for
screens and print, PNG for anything else). Public, in the visitor's language.

A view counts as a scan, counted after the page is sent (its own short write), so the
page stays a read."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.background_tasks import BackgroundTask
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.i18n import current_language
from shop.trace import services
from shop.trace.api import TraceCode

QR_CACHE = {"Cache-Control": "public, max-age=86400"}


class TracePages(Controller):
    path = "/t"
    include_in_schema = False

    @get("/{code:str}")
    async def page(self, request: Request[Any, Any, Any], session: AsyncSession, code: TraceCode) -> Template:
        found = await services.trace(session, code, language=current_language())
        settings = request.app.state.settings
        return Template(
            "trace/trace.html",
            context={
                "t": found,
                "product": found.product,
                "scans": await services.scans(session, found.code) + 1,
                "qr": services.qr_svg(settings.base_url, found.code, scale=3),
            },
            background=BackgroundTask(services.count_scan, request.app.state.db, found.code),
        )

    @get("/{code:str}/qr.svg")
    async def svg(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: TraceCode
    ) -> Response[bytes]:
        await services.resolve(session, code)  # an unknown code is a 404, not a QR
        body = services.qr_svg_file(request.app.state.settings.base_url, code.upper())
        return Response(body, media_type="image/svg+xml", headers=QR_CACHE)

    @get("/{code:str}/qr.png")
    async def png(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: TraceCode
    ) -> Response[bytes]:
        await services.resolve(session, code)
        body = services.qr_png(request.app.state.settings.base_url, code.upper())
        return Response(body, media_type="image/png", headers=QR_CACHE)
