"""The feeds under ``/feeds/``, for Google Merchant Center and Meta Commerce Manager to fetch:

- ``/feeds/google/products.xml``: the product feed (RSS 2.0, ``g:`` namespace);
- ``/feeds/google/local-inventory.tsv``: local inventory of every sales point and fair;
- ``/feeds/google/local-inventory/{code}.tsv``: the same for one sales point (its rows only);
- ``/feeds/meta/products.csv``: Meta's catalog feed.

Each answer is read from a file opened before the answer starts, so a regeneration renaming a
new file in meanwhile never mixes two versions in one download.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from email.utils import formatdate
from typing import IO, Any

import sqlalchemy as sa
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.response import Stream
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database
from shop.db_types import utcnow
from shop.inventory.models import PUBLIC_KINDS, Location
from shop.settings import Settings
from shop.storefront.feeds import files

CHUNK = 256 * 1024
TSV_SUFFIX = ".tsv"


def _whole(handle: IO[bytes]) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def _store_rows(handle: IO[bytes], code: str) -> Iterator[bytes]:
    """The header and the rows of one store (each row starts with its store code)."""
    prefix = code.encode() + b"\t"
    with handle:
        buffer = [handle.readline()]
        size = 0
        for line in handle:
            if line.startswith(prefix):
                buffer.append(line)
                size += len(line)
                if size >= CHUNK:
                    yield b"".join(buffer)
                    buffer, size = [], 0
        yield b"".join(buffer)


async def _open(request: Request[Any, Any, Any], feed: files.Feed) -> tuple[IO[bytes], dict[str, str]]:
    """The feed's current file, open, and the headers describing that very file."""
    settings: Settings = request.app.state.settings
    db: Database = request.app.state.db
    await files.ensure(db, settings, now=utcnow())
    handle = files.path(settings, feed).open("rb")
    stat = os.fstat(handle.fileno())
    headers = {
        "Last-Modified": formatdate(stat.st_mtime, usegmt=True),
        "Cache-Control": "public, max-age=60",
    }
    return handle, headers


async def _serve(request: Request[Any, Any, Any], feed: files.Feed) -> Stream:
    handle, headers = await _open(request, feed)
    headers["Content-Length"] = str(os.fstat(handle.fileno()).st_size)
    return Stream(_whole(handle), media_type=feed.media_type, headers=headers)


async def _is_store(session: AsyncSession, code: str) -> bool:
    """A sales point or fair (closed or not: a closed one's feed is just empty)."""
    found = await session.scalar(
        sa.select(Location.id).where(Location.code == code, Location.kind.in_(PUBLIC_KINDS))
    )
    return found is not None


class FeedPages(Controller):
    path = "/feeds"
    include_in_schema = False

    @get("/google/products.xml")
    async def google_products(self, request: Request[Any, Any, Any]) -> Stream:
        return await _serve(request, files.GOOGLE_PRODUCTS)

    @get("/google/local-inventory.tsv")
    async def google_local_inventory(self, request: Request[Any, Any, Any]) -> Stream:
        return await _serve(request, files.GOOGLE_LOCAL)

    @get("/google/local-inventory/{name:str}")
    async def google_store_inventory(
        self, request: Request[Any, Any, Any], session: AsyncSession, name: str
    ) -> Stream:
        code = name.removesuffix(TSV_SUFFIX)
        if code == name or not await _is_store(session, code):
            raise NotFoundException()
        handle, headers = await _open(request, files.GOOGLE_LOCAL)
        return Stream(_store_rows(handle, code), media_type=files.GOOGLE_LOCAL.media_type, headers=headers)

    @get("/meta/products.csv")
    async def meta_products(self, request: Request[Any, Any, Any]) -> Stream:
        return await _serve(request, files.META_PRODUCTS)
