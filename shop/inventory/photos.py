"""A location's one photo (the shop front, so a tourist recognises it): replaced or removed.

The files are shop.media's and an upload is checked as every photo is (the catalog's
``store_photo``); who may change it is the caller's question (``access``)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.photos import store_photo
from shop.inventory.models import Location
from shop.media import services as media
from shop.media.models import StoredImage
from shop.media.naming import Picture
from shop.media.storage import Storage


async def set_location_photo(
    session: AsyncSession, storage: Storage, limits: media.Limits, location: Location, data: bytes
) -> str | None:
    """The location's photo replaced; the old one's digest to remove after the commit."""
    image = await store_photo(session, storage, data, limits)
    old, location.image_id = location.image_id, image.id
    await session.flush()
    return await media.discard(session, old) if old else None


async def remove_location_photo(session: AsyncSession, location: Location) -> str | None:
    """No photo any more; the digest to remove after the commit (None: there was none)."""
    old, location.image_id = location.image_id, None
    await session.flush()
    return await media.discard(session, old) if old else None


async def location_picture(session: AsyncSession, location: Location) -> Picture | None:
    if location.image_id is None:
        return None
    image = await session.get(StoredImage, location.image_id)
    return media.picture(image, location.name) if image else None


async def pictures_of(session: AsyncSession, locations: list[Location]) -> dict[int, Picture]:
    """Each location's photo by location id, in one query (a list of sales points)."""
    wanted = {loc.image_id: loc for loc in locations if loc.image_id}
    if not wanted:
        return {}
    images = await session.scalars(sa.select(StoredImage).where(StoredImage.id.in_(wanted)))
    return {wanted[i.id].id: media.picture(i, wanted[i.id].name) for i in images}
