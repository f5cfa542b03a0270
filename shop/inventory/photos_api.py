"""``/api/v1/sales-points/{code}/image``: a location's one photo, replaced or removed by the
office or by a manager of that location (a location outside one's scope answers 404)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, put
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog import cache
from shop.catalog.photos_api import UPLOAD_BODY_LIMIT, ImageOut, Upload, limits, read_upload, urls
from shop.inventory import access, photos
from shop.inventory.models import Location
from shop.media import services as media
from shop.settings import Settings


async def managed_location(request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Location:
    """The location if the caller may change its photo: the office, or a manager working there."""
    user = actor(request)
    location = await access.location(session, user, code, change=True)
    access.require_manager(user)
    return location


class SalesPointImageController(Controller):
    path = "/api/v1/sales-points/{code:str}/image"
    tags = ("sales points",)
    guards = (requires_login,)
    security = ({"bearer": []},)

    @put(
        "/",
        operation_id="setSalesPointImage",
        summary="Replace the sales point's photo (JPEG, PNG, WebP or HEIC)",
        request_max_body_size=UPLOAD_BODY_LIMIT,
    )
    async def set_image(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: Upload
    ) -> ImageOut:
        settings: Settings = request.app.state.settings
        location = await managed_location(request, session, code)
        content = await read_upload(data.file, settings)
        old = await photos.set_location_photo(
            session, request.app.state.media, limits(settings), location, content
        )
        await cache.commit(session)
        if old:
            await media.remove_files(request.app.state.media, old)
        picture = await photos.location_picture(session, location)
        assert picture is not None  # just stored
        return ImageOut(0, 0, True, {}, picture.width, picture.height, urls(picture))

    @delete("/", operation_id="deleteSalesPointImage", summary="Remove the sales point's photo")
    async def delete_image(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> None:
        location = await managed_location(request, session, code)
        old = await photos.remove_location_photo(session, location)
        await cache.commit(session)
        if old:
            await media.remove_files(request.app.state.media, old)
