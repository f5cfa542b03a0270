"""Storing an upload: processed in a worker thread, its files written, then its row added to
the caller's transaction. Files are written before the row commits: if the transaction
fails they are orphans with no URL, never a row pointing at nothing."""

from __future__ import annotations

from dataclasses import dataclass

import anyio.to_thread
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.media.images import ProcessedImage, process
from shop.media.models import StoredImage
from shop.media.naming import FORMATS, SIZES, Picture, variant_key
from shop.media.storage import Storage


@dataclass(frozen=True, slots=True)
class Limits:
    max_bytes: int
    max_pixels: int


async def store(session: AsyncSession, storage: Storage, data: bytes, limits: Limits) -> StoredImage:
    """Raises ``ImageRejected`` for what is not a photo we keep (nothing is written then)."""
    processed: ProcessedImage = await anyio.to_thread.run_sync(
        lambda: process(data, max_bytes=limits.max_bytes, max_pixels=limits.max_pixels)
    )
    for derived in processed.files:
        await storage.put(derived.key, derived.data, derived.content_type)
    image = StoredImage(
        digest=processed.digest,
        width=processed.width,
        height=processed.height,
        source_format=processed.source_format,
        size_bytes=processed.size_bytes,
    )
    session.add(image)
    await session.flush()
    return image


async def discard(session: AsyncSession, image_id: int) -> str | None:
    """Delete the row; the digest whose files no other row uses (for ``remove_files``)."""
    image = await session.get(StoredImage, image_id)
    if image is None:
        return None
    digest = image.digest
    await session.delete(image)
    await session.flush()
    others = await session.scalar(sa.select(sa.func.count()).where(StoredImage.digest == digest))
    return None if others else digest


async def remove_files(storage: Storage, digest: str) -> None:
    """After the commit that forgot the photo: its files go (an old cached copy may linger)."""
    await storage.delete([variant_key(digest, size, fmt) for size in SIZES for fmt in FORMATS])


def picture(image: StoredImage, alt: str = "") -> Picture:
    return Picture(image.digest, image.width, image.height, alt)
