"""The demo's pictures, put where a real upload goes: drawn from each row's own data
(``shop.demo.pictures``) and stored through the photo services (the catalog's for products and
producers, ``shop.inventory.photos`` for sales points), so every picture gets its derived
sizes, names and rows exactly as an office upload would.

Every product gets its package; the products named in OCOP.md (the real producers) get a second
picture, their label close up. Each producer gets a banner and each public sales point or fair
a shopfront. A picture takes about 0.15 s of CPU (drawn, then checked, resized and encoded
four sizes twice by ``shop.media``): the next one is drawn in a worker thread while the last one
is stored, so the two cores of a small machine are both at work.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog import photos
from shop.catalog.models import Producer, Product, ProductGroup, ProductTranslation
from shop.demo.pictures import ProductArt, producer_picture, product_picture, sales_point_picture
from shop.inventory import photos as location_photos
from shop.inventory.models import PUBLIC_KINDS, Location
from shop.media.services import Limits
from shop.media.storage import Storage

Log = Callable[[str], object]
PRODUCT_SIZE = 800  # a product page shows it whole; 960 would cost half as much again to derive
BANNER = (1280, 720)
_NOW_PART = re.compile(r"\s*\(nay [^)]*\)")  # "(nay thuộc tỉnh Thái Nguyên)": too long for a banner


@dataclass(frozen=True)
class DemoMedia:
    """Where the demo's pictures go, with the limits any upload is held to."""

    storage: Storage
    limits: Limits


@dataclass(frozen=True)
class PictureCount:
    products: int = 0
    product_pictures: int = 0
    producers: int = 0
    sales_points: int = 0


@contextmanager
def _drawing(draws: list[Callable[[], bytes]]) -> Iterator[list[Future[bytes]]]:
    """Each picture drawn in order in one worker thread, ahead of the one being stored."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="demo-pictures")
    try:
        yield [pool.submit(draw) for draw in draws]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _alt(name: str, english: str | None, *, label: bool) -> dict[str, str]:
    """Alt text that says the picture is drawn, in Vietnamese and (when known) English."""
    alt = {"vi": f"Ảnh minh hoạ (hình vẽ, không phải ảnh chụp): {name}" + (" – nhãn" if label else "")}
    if english:
        alt["en"] = f"Demo drawing, not a photograph: {english}" + (" – label" if label else "")
    return alt


async def _products(session: AsyncSession) -> list[tuple[Product, str, str, str, str | None]]:
    """Products with no photo yet: each with its producer's name and code, group, English name."""
    english = aliased(ProductTranslation)
    rows = await session.execute(
        sa.select(Product, Producer.name, Producer.code, ProductGroup.code, english.name)
        .join(Producer, Producer.id == Product.producer_id)
        .join(ProductGroup, ProductGroup.id == Product.group_id)
        .outerjoin(english, sa.and_(english.product_id == Product.id, english.language == "en"))
        .where(Product.main_image_id.is_(None))
        .order_by(Product.id)
    )
    return [(p, producer, code, group, en) for p, producer, code, group, en in rows]


async def add_product_pictures(
    session: AsyncSession, media: DemoMedia, *, two_for: Collection[str], log: Log
) -> tuple[int, int]:
    """A package for every product without a photo, and its label for the producers ``two_for``."""
    rows = await _products(session)
    jobs: list[tuple[int, dict[str, str], Callable[[], bytes]]] = []
    for product, producer, code, group, english in rows:
        art = ProductArt(product.name, group, producer, product.pack_size or "", product.unit, product.stars)
        jobs.append((product.id, _alt(product.name, english, label=False), _draw_product(art, "front")))
        if code in two_for:
            jobs.append((product.id, _alt(product.name, english, label=True), _draw_product(art, "label")))
    log(f"Demo pictures: {len(jobs)} for {len(rows)} products…")
    with _drawing([draw for _, _, draw in jobs]) as drawn:
        for (product_id, alt, _), picture in zip(jobs, drawn, strict=True):
            data = await asyncio.wrap_future(picture)
            await photos.add_product_photo(session, media.storage, media.limits, product_id, data, alt=alt)
    return len(rows), len(jobs)


def _draw_product(art: ProductArt, view: str) -> Callable[[], bytes]:
    if view == "label":
        return lambda: product_picture(art, view="label", size=PRODUCT_SIZE)
    return lambda: product_picture(art, size=PRODUCT_SIZE)


def _draw_producer(producer: Producer) -> Callable[[], bytes]:
    place = _NOW_PART.sub("", producer.address or "")
    return lambda: producer_picture(producer.name, place=place, width=BANNER[0], height=BANNER[1])


def _draw_location(location: Location) -> Callable[[], bytes]:
    address = location.address or ""
    return lambda: sales_point_picture(location.name, address=address, width=BANNER[0], height=BANNER[1])


async def add_producer_pictures(session: AsyncSession, media: DemoMedia) -> int:
    """A banner for every producer without a photo, through the producer photo service."""
    producers = list(
        await session.scalars(sa.select(Producer).where(Producer.image_id.is_(None)).order_by(Producer.id))
    )
    with _drawing([_draw_producer(p) for p in producers]) as drawn:
        for producer, picture in zip(producers, drawn, strict=True):
            data = await asyncio.wrap_future(picture)
            await photos.set_producer_photo(session, media.storage, media.limits, producer.id, data)
    return len(producers)


async def add_sales_point_pictures(session: AsyncSession, media: DemoMedia) -> int:
    """A shopfront for every public sales point and fair without a photo."""
    locations = list(
        await session.scalars(
            sa.select(Location)
            .where(Location.kind.in_(PUBLIC_KINDS), Location.image_id.is_(None))
            .order_by(Location.id)
        )
    )
    with _drawing([_draw_location(location) for location in locations]) as drawn:
        for location, picture in zip(locations, drawn, strict=True):
            data = await asyncio.wrap_future(picture)
            await location_photos.set_location_photo(session, media.storage, media.limits, location, data)
    return len(locations)


async def add_demo_pictures(
    session: AsyncSession, media: DemoMedia, *, two_for: Collection[str], log: Log
) -> PictureCount:
    """Pictures for every product, producer and public location that has none."""
    products, product_pictures = await add_product_pictures(session, media, two_for=two_for, log=log)
    producers = await add_producer_pictures(session, media)
    sales_points = await add_sales_point_pictures(session, media)
    return PictureCount(products, product_pictures, producers, sales_points)
