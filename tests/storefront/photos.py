"""Helpers of the photo tests: a small JPEG drawn by Pillow, stored as an office upload is."""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, photos
from shop.media import services as media
from shop.media.models import StoredImage


def jpeg(width: int = 1200, height: int = 1200, colour: str = "orange") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _limits(client: httpx.AsyncClient) -> media.Limits:
    settings = client.app.state.settings  # type: ignore[attr-defined]
    return media.Limits(settings.upload_max_bytes, settings.upload_max_pixels)


async def add_photo(
    session: AsyncSession,
    client: httpx.AsyncClient,
    product_id: int,
    *,
    colour: str = "orange",
    alt: dict[str, str] | None = None,
    size: tuple[int, int] = (1200, 1200),
) -> int:
    """A photo appended to the product, committed, the catalog's caches dropped."""
    storage = client.app.state.media  # type: ignore[attr-defined]
    photo = await photos.add_product_photo(
        session, storage, _limits(client), product_id, jpeg(*size, colour=colour), alt=alt
    )
    await cache.commit(session)
    return photo


async def stored(session: AsyncSession, client: httpx.AsyncClient, colour: str = "teal") -> StoredImage:
    """A stored photo of nobody's yet (a producer's or a sales point's to be); not committed."""
    storage = client.app.state.media  # type: ignore[attr-defined]
    return await media.store(session, storage, jpeg(1600, 900, colour), _limits(client))


def pictures(html: str) -> list[str]:
    """Every <picture> element of a page."""
    return re.findall(r"<picture.*?</picture>", html, flags=re.S)


def meta(html: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    return found.group(1) if found else None
