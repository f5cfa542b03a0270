"""``/media/…``: the derived files, cached for a year by browsers and any CDN in front (a
file never changes under its name). With S3 storage they are read through the app, so the
bucket can stay private; a CDN pointed at the app takes that load off."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException

from shop.media.storage import CACHE_CONTROL, BadKey, Storage


class MediaFiles(Controller):
    path = "/media"
    include_in_schema = False

    @get("/{key:path}", cache_control=None)
    async def file(self, request: Request[Any, Any, Any], key: str) -> Response[bytes]:
        storage: Storage = request.app.state.media
        etag = '"' + key.strip("/") + '"'
        if request.headers.get("if-none-match") == etag:
            return Response(b"", status_code=304, headers={"ETag": etag, "Cache-Control": CACHE_CONTROL})
        try:
            found = await storage.get(key.strip("/"))
        except BadKey:
            found = None
        if found is None:
            raise NotFoundException("no such file")
        return Response(
            found.data,
            media_type=found.content_type,
            headers={"Cache-Control": CACHE_CONTROL, "ETag": etag, "X-Content-Type-Options": "nosniff"},
        )
