"""A location's photo under /pos/{code}/photo: the shop front a tourist recognises, replaced
or removed by the office or a manager of that location (others: 404, or 403 for its staff).

The same checks as ``PUT /api/v1/sales-points/{code}/image``; a refused file is told on the
page in the person's language."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_login
from shop.catalog import photo_forms
from shop.catalog.photos_api import UPLOAD_BODY_LIMIT
from shop.inventory import photos
from shop.inventory.models import Location
from shop.inventory.pages.base import render
from shop.inventory.photos_api import managed_location


async def photo_page(
    request: Request[Any, Any, Any], session: AsyncSession, location: Location, *, error: str | None = None
) -> Template:
    return render(
        request,
        "pos/photo.html",
        location,
        status_code=422 if error else 200,
        picture=await photos.location_picture(session, location),
        photo_done=photo_forms.notice(request),
        photo_error=error,
    )


class LocationPhotoPages(Controller):
    path = "/pos/{code:str}/photo"
    include_in_schema = False
    guards = (requires_login,)

    @get("/")
    async def show(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Template:
        return await photo_page(request, session, await managed_location(request, session, code))

    @post("/", request_max_body_size=UPLOAD_BODY_LIMIT)
    async def replace(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        location = await managed_location(request, session, code)
        refused = await photo_forms.replace(
            request,
            session,
            lambda storage, limits, data: photos.set_location_photo(session, storage, limits, location, data),
        )
        if refused:
            return await photo_page(request, session, location, error=refused)
        return Redirect(path=f"/pos/{location.code}/photo?done=replaced", status_code=303)

    @post("/remove")
    async def remove(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Redirect:
        location = await managed_location(request, session, code)
        await photo_forms.forget(request, session, lambda: photos.remove_location_photo(session, location))
        return Redirect(path=f"/pos/{location.code}/photo?done=removed", status_code=303)
