"""Product photos through the API: upload, order, alt text, delete; who may; what is refused."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from PIL import Image

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product
from shop.media.models import StoredImage
from tests import factories as f


def jpeg(
    width: int = 1200, height: int = 900, colour: str = "orange", orientation: int | None = None
) -> bytes:
    image = Image.new("RGB", (width, height), colour)
    exif = image.getexif()
    exif[0x8827] = 100  # ISO: any tag, so that stripping shows
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
async def office(session, client):
    return await f.admin_headers(session, client)


async def _upload(client, headers, product_id, data, name="photo.jpg", **alt):
    fields = {f"alt_{k}": v for k, v in alt.items()}
    return await client.post(
        f"/api/v1/products/{product_id}/images",
        files={"file": (name, data, "image/jpeg")},
        data=fields,
        headers=headers,
    )


async def test_the_office_uploads_orders_describes_and_deletes_photos(client, session, office):
    product = await f.certified_product(session, 4)
    await session.commit()
    first = await _upload(
        client, office, product.id, jpeg(colour="red"), vi="Hũ mật ong", en="A jar of honey"
    )
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["main"] is True and body["alt"] == {"vi": "Hũ mật ong", "en": "A jar of honey"}
    assert (body["width"], body["height"]) == (1200, 900)
    served = await client.get(body["urls"]["webp"]["card"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert "immutable" in served.headers["cache-control"]
    assert Image.open(io.BytesIO(served.content)).size == (480, 360)
    jpg = await client.get(body["urls"]["jpg"]["zoom"])
    assert jpg.headers["content-type"] == "image/jpeg"
    assert not Image.open(io.BytesIO(jpg.content)).getexif()  # the camera's metadata is gone

    second = (await _upload(client, office, product.id, jpeg(colour="blue"))).json()
    assert second["main"] is False and second["position"] == 1
    moved = await client.patch(
        f"/api/v1/products/{product.id}/images/{second['id']}",
        json={"position": 0, "alt": {"fr": "Pot"}},
        headers=office,
    )
    assert moved.status_code == 200, moved.text
    assert [(i["id"], i["main"]) for i in moved.json()] == [(second["id"], True), (body["id"], False)]
    async with client.app.state.db.read_sessions() as fresh:
        main = await fresh.scalar(sa.select(Product.main_image_id).where(Product.id == product.id))
        digest = second["urls"]["jpg"]["card"].split("/")[4]
        stored = await fresh.scalar(sa.select(StoredImage.id).where(StoredImage.digest == digest))
    assert main == stored

    gone = await client.delete(f"/api/v1/products/{product.id}/images/{second['id']}", headers=office)
    assert gone.status_code == 204
    assert (await client.get(second["urls"]["webp"]["card"])).status_code == 404  # its files went too
    left = (await client.get(f"/api/v1/products/{product.id}/images", headers=office)).json()
    assert left["total"] == 1
    assert [(i["id"], i["main"], i["position"]) for i in left["items"]] == [(body["id"], True, 0)]


async def test_a_phone_photo_is_turned_upright(client, session, office):
    product = await f.certified_product(session, 3)
    await session.commit()
    body = (await _upload(client, office, product.id, jpeg(1600, 1200, orientation=6))).json()
    assert (body["width"], body["height"]) == (1200, 1600)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4 not a photo", "photo_unsupported"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "photo_damaged"),
    ],
)
async def test_what_is_not_a_photo_is_refused_and_nothing_is_kept(client, session, office, data, code):
    product = await f.certified_product(session, 3)
    await session.commit()
    response = await _upload(client, office, product.id, data, name="holiday.jpg")
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["code"] in (code, "photo_unsupported", "photo_damaged")
    assert problem["errors"][0]["field"] == "file"
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(StoredImage)) == 0


async def test_a_decompression_bomb_is_refused_before_it_is_decoded(client, session, office):
    product = await f.certified_product(session, 3)
    await session.commit()
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")  # 144 megapixels in a few kilobytes
    assert len(buffer.getvalue()) < 100_000
    response = await _upload(client, office, product.id, buffer.getvalue(), name="bomb.png")
    assert response.status_code == 422 and response.json()["code"] == "photo_too_many_pixels"


async def test_a_cooperative_manages_its_own_products_photos_only(client, session):
    mine = await f.certified_product(session, 3)
    theirs = await f.certified_product(session, 3)
    maker = await session.get(Producer, mine.producer_id)
    name = await f.user(session, Role.cooperative, producer_code=maker.code)
    shop = await f.location(session)
    staff = await f.user(session, Role.staff, location_codes=[shop.code])
    await session.commit()
    coop = await f.bearer(client, name)
    assert (await _upload(client, coop, mine.id, jpeg())).status_code == 201
    refused = await _upload(client, coop, theirs.id, jpeg())
    assert refused.status_code == 404
    assert (await _upload(client, await f.bearer(client, staff), mine.id, jpeg())).status_code == 403
    assert (await _upload(client, {}, mine.id, jpeg())).status_code == 401


async def test_the_producer_photo_is_replaced(client, session, office):
    product = await f.certified_product(session, 3)
    await session.commit()
    url = f"/api/v1/producers/{product.producer_id}/image"
    first = await client.put(
        url, files={"file": ("a.png", jpeg(colour="green"), "image/png")}, headers=office
    )
    assert first.status_code == 200, first.text
    second = await client.put(
        url, files={"file": ("b.jpg", jpeg(colour="navy"), "image/jpeg")}, headers=office
    )
    assert (await client.get(second.json()["urls"]["webp"]["thumb"])).status_code == 200
    assert (await client.get(first.json()["urls"]["webp"]["thumb"])).status_code == 404
    assert (await client.delete(url, headers=office)).status_code == 204
