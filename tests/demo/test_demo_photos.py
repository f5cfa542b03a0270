"""The demo's drawn pictures go where an upload goes: every size made, rows linked, once."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from PIL import Image

from shop.catalog import photos
from shop.catalog.models import Producer, Product
from shop.demo.photos import PRODUCT_SIZE, DemoMedia, add_demo_pictures
from shop.inventory.models import Location, LocationKind
from shop.media.models import StoredImage
from shop.media.naming import FORMATS, SIZES, variant_key
from shop.media.services import Limits
from shop.media.storage import DiskStorage
from tests import factories as f


def _media(tmp_path) -> DemoMedia:
    return DemoMedia(DiskStorage(tmp_path / "media"), Limits(25 * 1024 * 1024, 60_000_000))


async def _demo_rows(session):
    real = await f.producer(session, code="HTX-ONGMAT", name="HTX Ong mật Đồng Văn")
    honey = await f.certified_product(
        session,
        4,
        maker=real,
        group_code="food-honey",
        name="Mật ong bạc hà",
        unit="chai",
        pack_size="500 ml",
    )
    fill = await f.product(session, group_code="handicraft-textile", name="Khăn thổ cẩm", unit="cái")
    shop = await f.location(session, name="Điểm bán sản phẩm OCOP Na Rì", address="Chợ Yến Lạc, xã Na Rì")
    fair = await f.location(
        session, LocationKind.fair, starts_on=dt.date(2026, 11, 20), ends_on=dt.date(2026, 11, 30)
    )
    warehouse = await f.location(session, LocationKind.producer, producer_id=real.id)
    return real, honey, fill, shop, fair, warehouse


async def test_every_product_producer_and_sales_point_gets_a_drawn_picture(session, tmp_path):
    real, honey, fill, shop, fair, warehouse = await _demo_rows(session)
    logged: list[str] = []

    count = await add_demo_pictures(session, _media(tmp_path), two_for={"HTX-ONGMAT"}, log=logged.append)

    assert (count.products, count.product_pictures) == (2, 3)  # the real producer's honey has two
    assert count.producers == 2 and count.sales_points == 2  # the warehouse is not a shop
    honey_photos = await photos.product_photos(session, honey.id)
    assert [p.position for p in honey_photos] == [0, 1]
    assert honey_photos[0].alt["vi"].startswith("Ảnh minh hoạ")
    assert honey_photos[1].alt["vi"].endswith("– nhãn")
    assert len(await photos.product_photos(session, fill.id)) == 1
    for row in (honey, fill, real, shop, fair):
        await session.refresh(row)
    assert honey.main_image_id == (await session.get(StoredImage, honey.main_image_id)).id
    assert fill.main_image_id is not None
    assert real.image_id is not None and shop.image_id is not None and fair.image_id is not None
    await session.refresh(warehouse)
    assert warehouse.image_id is None
    assert logged == ["Demo pictures: 3 for 2 products…"]


async def test_the_pictures_are_stored_in_every_size_as_an_upload_is(session, tmp_path):
    _, honey, *_ = await _demo_rows(session)
    media = _media(tmp_path)
    await add_demo_pictures(session, media, two_for=(), log=lambda _: None)

    await session.refresh(honey)
    image = await session.get(StoredImage, honey.main_image_id)
    assert (image.width, image.height) == (PRODUCT_SIZE, PRODUCT_SIZE)
    for size in SIZES:
        for fmt in FORMATS:
            stored = await media.storage.get(variant_key(image.digest, size, fmt))
            assert stored is not None, (size, fmt)
    thumb = await media.storage.get(variant_key(image.digest, "thumb", "jpg"))
    assert Image.open(io.BytesIO(thumb.data)).size == (SIZES["thumb"], SIZES["thumb"])
    banner = await session.scalar(
        sa.select(StoredImage).join(Producer, Producer.image_id == StoredImage.id).limit(1)
    )
    assert banner.width > banner.height  # a landscape banner


async def test_a_second_run_draws_only_what_still_has_no_picture(session, tmp_path):
    await _demo_rows(session)
    media = _media(tmp_path)
    await add_demo_pictures(session, media, two_for=(), log=lambda _: None)
    later = await f.product(session, name="Chè xanh Bình An", group_code="food-tea", unit="hộp")

    again = await add_demo_pictures(session, media, two_for=(), log=lambda _: None)

    assert (again.products, again.producers, again.sales_points) == (1, 1, 0)  # the new one and its maker
    await session.refresh(later)
    assert later.main_image_id is not None
    images = await session.scalar(sa.select(sa.func.count()).select_from(StoredImage))
    products = await session.scalar(sa.select(sa.func.count()).select_from(Product))
    producers = await session.scalar(sa.select(sa.func.count()).select_from(Producer))
    public = await session.scalar(
        sa.select(sa.func.count()).select_from(Location).where(Location.kind != LocationKind.producer)
    )
    assert images == products + producers + public
