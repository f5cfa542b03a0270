"""A product's photos (in order, the first is the main one, alt text per language) and a
producer's one photo. The files are shop.media's; the order and the words are ours.

Every change keeps ``Product.main_image_id`` on the first photo, so that a card, a feed or
the till reads the main photo with one join, and drops the catalog's caches at commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer, Product, ProductImage
from shop.catalog.schemas import ImageUrls
from shop.db_types import utcnow
from shop.errors import InvalidInput, NotFound, field_error
from shop.i18n import LANGUAGES, N_
from shop.media import services as media
from shop.media.images import ImageRejected
from shop.media.models import StoredImage
from shop.media.naming import SIZES, Picture
from shop.media.storage import Storage

MAX_PHOTOS = 12
ALT_MAX = 300
_REJECTED = {
    "empty": N_("The file is empty."),
    "too_large": N_("The photo is too large: send a file of at most {limit} MB."),
    "not_an_image": N_("This file is not a photo: send a JPEG, PNG, WebP or HEIC image."),
    "unsupported": N_("This file is not a photo: send a JPEG, PNG, WebP or HEIC image."),
    "too_many_pixels": N_("The image has too many pixels: at most {limit} megapixels."),
    "damaged": N_("The photo cannot be read: it may be damaged. Try another file."),
}


@dataclass(frozen=True, slots=True)
class ProductPhoto:
    id: int
    position: int
    alt: dict[str, str]
    picture: Picture


async def store_photo(
    session: AsyncSession, storage: Storage, data: bytes, limits: media.Limits
) -> StoredImage:
    """The upload stored, or a 422 that says in the person's language what to send instead."""
    try:
        return await media.store(session, storage, data, limits)
    except ImageRejected as rejected:
        limit = (
            limits.max_bytes // (1024 * 1024)
            if rejected.reason == "too_large"
            else limits.max_pixels // 10**6
        )
        message = _REJECTED[rejected.reason]
        raise InvalidInput(
            message,
            errors=[field_error("file", message, limit=limit)],
            error_code=f"photo_{rejected.reason}",
            limit=limit,
        ) from rejected


def clean_alt(alt: dict[str, str] | None) -> dict[str, str]:
    """Known languages only, trimmed, empty ones left out (Vietnamese is the fallback)."""
    cleaned: dict[str, str] = {}
    for language, text in (alt or {}).items():
        if language not in LANGUAGES:
            raise InvalidInput(errors=[field_error(f"alt.{language}", N_("Unknown language."))])
        text = " ".join(text.split())
        if len(text) > ALT_MAX:
            raise InvalidInput(
                errors=[field_error(f"alt.{language}", N_("At most {limit} characters."), limit=ALT_MAX)]
            )
        if text:
            cleaned[language] = text
    return cleaned


async def _product(session: AsyncSession, product_id: int, producer_id: int | None) -> Product:
    """The product, if the caller may touch it: any for the office, its own for a producer."""
    product = await session.get(Product, product_id)
    if product is None or (producer_id is not None and product.producer_id != producer_id):
        raise NotFound(N_("No product {key}."), key=product_id)
    return product


# Built once: a product page runs it with the product bound.
_PHOTOS = (
    sa.select(ProductImage, StoredImage)
    .join(StoredImage, StoredImage.id == ProductImage.image_id)
    .where(ProductImage.product_id == sa.bindparam("product_id"))
    .order_by(ProductImage.position, ProductImage.id)
)


async def product_photos(session: AsyncSession, product_id: int) -> list[ProductPhoto]:
    rows = await session.execute(_PHOTOS, {"product_id": product_id})
    return [
        ProductPhoto(photo.id, photo.position, dict(photo.alt or {}), media.picture(image))
        for photo, image in rows
    ]


async def add_product_photo(
    session: AsyncSession,
    storage: Storage,
    limits: media.Limits,
    product_id: int,
    data: bytes,
    *,
    alt: dict[str, str] | None = None,
    producer_id: int | None = None,
) -> int:
    """Stored, then appended after the last photo (the first one becomes the main one)."""
    product = await _product(session, product_id, producer_id)
    count = await session.scalar(sa.select(sa.func.count()).where(ProductImage.product_id == product.id))
    if (count or 0) >= MAX_PHOTOS:
        raise InvalidInput(
            N_("A product has at most {limit} photos: delete one first."),
            errors=[
                field_error(
                    "file", N_("A product has at most {limit} photos: delete one first."), limit=MAX_PHOTOS
                )
            ],
            error_code="too_many_photos",
            limit=MAX_PHOTOS,
        )
    alt = clean_alt(alt)
    image = await store_photo(session, storage, data, limits)
    photo = ProductImage(product_id=product.id, image_id=image.id, position=count or 0, alt=alt)
    session.add(photo)
    await session.flush()
    await _renumber(session, product)
    return photo.id


async def _photo(session: AsyncSession, product: Product, photo_id: int) -> ProductImage:
    photo = await session.get(ProductImage, photo_id)
    if photo is None or photo.product_id != product.id:
        raise NotFound(N_("No photo {id} on this product."), id=photo_id)
    return photo


async def update_product_photo(
    session: AsyncSession,
    product_id: int,
    photo_id: int,
    *,
    position: int | None = None,
    alt: dict[str, str] | None = None,
    producer_id: int | None = None,
) -> None:
    """Move it to ``position`` (0 = the main photo; beyond the end = last) and/or replace
    its alt text (the languages given; an empty text removes that language)."""
    product = await _product(session, product_id, producer_id)
    photo = await _photo(session, product, photo_id)
    if alt is not None:
        photo.alt = clean_alt({**(photo.alt or {}), **alt})
    await _renumber(session, product, move=(photo.id, position) if position is not None else None)


async def delete_product_photo(
    session: AsyncSession, product_id: int, photo_id: int, *, producer_id: int | None = None
) -> str | None:
    """The digest whose files may go once this commits (``media.remove_files``)."""
    product = await _product(session, product_id, producer_id)
    photo = await _photo(session, product, photo_id)
    image_id = photo.image_id
    await session.delete(photo)
    await session.flush()
    await _renumber(session, product)
    return await media.discard(session, image_id)


async def _renumber(session: AsyncSession, product: Product, *, move: tuple[int, int] | None = None) -> None:
    """Positions 0, 1, 2… in the shown order (a moved photo put where asked), and the main
    photo on the product."""
    photos = list(
        await session.scalars(
            sa.select(ProductImage)
            .where(ProductImage.product_id == product.id)
            .order_by(ProductImage.position, ProductImage.id)
        )
    )
    if move is not None:
        moving = next(p for p in photos if p.id == move[0])
        photos.remove(moving)
        photos.insert(max(0, min(move[1], len(photos))), moving)
    for index, photo in enumerate(photos):
        photo.position = index
    product.main_image_id = photos[0].image_id if photos else None
    product.updated_at = utcnow()  # feeds and caches see a change
    await session.flush()


async def set_producer_photo(
    session: AsyncSession, storage: Storage, limits: media.Limits, producer_id: int, data: bytes
) -> str | None:
    """The producer's photo replaced; the old one's digest to remove after the commit."""
    producer = await session.get(Producer, producer_id)
    if producer is None:
        raise NotFound(N_("No producer {key}."), key=producer_id)
    image = await store_photo(session, storage, data, limits)
    old, producer.image_id = producer.image_id, image.id
    await session.flush()
    return await media.discard(session, old) if old else None


async def remove_producer_photo(session: AsyncSession, producer_id: int) -> str | None:
    producer = await session.get(Producer, producer_id)
    if producer is None:
        raise NotFound(N_("No producer {key}."), key=producer_id)
    old, producer.image_id = producer.image_id, None
    await session.flush()
    return await media.discard(session, old) if old else None


async def check_product(session: AsyncSession, product_id: int, producer_id: int | None) -> None:
    await _product(session, product_id, producer_id)


async def producer_picture(session: AsyncSession, producer_id: int) -> Picture | None:
    image = await session.scalar(
        sa.select(StoredImage)
        .join(Producer, Producer.image_id == StoredImage.id)
        .where(Producer.id == producer_id)
    )
    return media.picture(image) if image else None


def image_urls(picture: Picture) -> ImageUrls:
    return ImageUrls(
        webp={size: picture.url(size, "webp") for size in SIZES},
        jpg={size: picture.url(size, "jpg") for size in SIZES},
    )


async def main_pictures(session: AsyncSession, product_ids: Iterable[int]) -> dict[int, Picture]:
    """Each product's main photo (those that have one), in one query: a cart, an order, a
    cooperative's queue show them as thumbnails beside their lines."""
    wanted = set(product_ids)
    if not wanted:
        return {}
    rows = await session.execute(
        sa.select(Product.id, StoredImage)
        .join(StoredImage, StoredImage.id == Product.main_image_id)
        .where(Product.id.in_(wanted))
    )
    return {product_id: media.picture(image) for product_id, image in rows}
