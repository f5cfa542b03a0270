"""A cooperative's photos of its own products in its portal, posted as a phone's browser
posts the form: the photo shows at once, becomes the main one, is deleted; a refused file is
told in Vietnamese with the others kept; another producer's product answers 404."""

from __future__ import annotations

import re

import sqlalchemy as sa

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product
from shop.media.models import StoredImage
from tests import factories as f
from tests.office.support import login_as, token
from tests.office.test_photo_pages import photo, press, send_files, shown_ids


async def _cooperative(client, session) -> tuple[Product, Product]:
    """A cooperative logged in with its product; another producer's product beside it."""
    mine = await f.certified_product(session, 4, name="Miến dong Tài Hoan")
    theirs = await f.certified_product(session, 3, name="Chè Shan tuyết")
    maker = await session.get(Producer, mine.producer_id)
    await login_as(client, session, Role.cooperative, producer_code=maker.code)
    return mine, theirs


async def test_a_cooperative_photographs_its_product_and_sees_it_at_once(client, session):
    mine, _ = await _cooperative(client, session)
    listed = await client.get("/coop/products")
    assert f'href="/coop/products/{mine.id}/photos"' in listed.text and "Thêm ảnh" in listed.text
    page = f"/coop/products/{mine.id}/photos"
    empty = await client.get(page)
    assert "Chụp hoặc chọn ảnh" in empty.text and 'accept="image/*"' in empty.text

    sent = await send_files(client, page, page, [("IMG_0001.JPG", photo("orange"))])
    assert sent.status_code == 303
    shown = await client.get(sent.headers["location"])
    (first,) = shown_ids(shown.text)
    assert sent.headers["location"].endswith(f"#photo-{first}") and "Đã thêm 1 ảnh." in shown.text
    image = re.search(r'<img src="(/media/[^"]+)"', shown.text)
    assert image is not None and (await client.get(image.group(1))).status_code == 200
    listed = await client.get("/coop/products")
    assert "1 ảnh" in listed.text and 'class="photo-thumb"' in listed.text

    second = await send_files(client, page, page, [("IMG_0002.JPG", photo("purple"))])
    (_, added) = shown_ids((await client.get(second.headers["location"])).text)
    made_main = await press(client, page, f"{page}/{added}", position="0")
    assert shown_ids((await client.get(made_main.headers["location"])).text) == [added, first]
    gone = await press(client, page, f"{page}/{added}/delete")
    assert shown_ids((await client.get(gone.headers["location"])).text) == [first]


async def test_a_refused_file_is_told_and_the_cooperatives_other_photos_stay(client, session):
    mine, _ = await _cooperative(client, session)
    page = f"/coop/products/{mine.id}/photos"
    await send_files(client, page, page, [("kept.jpg", photo("red"))])
    refused = await send_files(client, page, page, [("video.mov", b"\x00\x00\x00\x18ftypqt  not a photo")])
    assert refused.status_code == 422
    assert "video.mov: Tệp này không phải là ảnh" in refused.text
    assert len(shown_ids(refused.text)) == 1


async def test_a_cooperative_cannot_touch_another_producers_product(client, session):
    mine, theirs = await _cooperative(client, session)
    page = f"/coop/products/{theirs.id}/photos"
    assert (await client.get(page)).status_code == 404
    own = f"/coop/products/{mine.id}/photos"
    upload = await send_files(client, own, page, [("a.jpg", photo())])
    assert upload.status_code == 404
    assert (await press(client, own, f"{page}/1", position="0")).status_code == 404
    assert (await press(client, own, f"{page}/1/delete")).status_code == 404
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(StoredImage)) == 0

    # Its own photo cannot be reached through the other product either.
    sent = await send_files(client, own, own, [("b.jpg", photo("lime"))])
    (photo_id,) = shown_ids((await client.get(sent.headers["location"])).text)
    assert (await press(client, own, f"{page}/{photo_id}/delete")).status_code == 404
    html = (await client.get(own)).text
    assert shown_ids(html) == [photo_id] and token(html)
