"""The office's photo screens over HTTP, posted as a browser posts them (multipart forms with
their CSRF token): several photos at once, the main one chosen, reordered, described and
deleted; a refused file told in Vietnamese with the others kept; a producer's one photo."""

from __future__ import annotations

import io
import re

import httpx
import sqlalchemy as sa
from PIL import Image

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product, ProductImage
from shop.media.models import StoredImage
from tests import factories as f
from tests.office.support import login_as, token


def photo(colour: str = "orange", size: tuple[int, int] = (900, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


async def send_files(
    client: httpx.AsyncClient, page: str, action: str, files: list[tuple[str, bytes]]
) -> httpx.Response:
    """Open the page, then post its upload form: every file in the one ``file`` field."""
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text
    parts = [("file", (name, data, "application/octet-stream")) for name, data in files]
    return await client.post(action, data={"_csrf_token": token(shown.text)}, files=parts)


async def press(client: httpx.AsyncClient, page: str, action: str, **fields: str) -> httpx.Response:
    """Press a button of the page's forms (a move, a description, a delete)."""
    shown = await client.get(page)
    return await client.post(action, data={"_csrf_token": token(shown.text), **fields})


def shown_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-photo="(\d+)"', html)]


async def main_image(client: httpx.AsyncClient, product_id: int) -> tuple[int | None, int | None]:
    """The product's main image and the image of its photo at position 0, as stored."""
    async with client.app.state.db.read_sessions() as fresh:
        main = await fresh.scalar(sa.select(Product.main_image_id).where(Product.id == product_id))
        first = await fresh.scalar(
            sa.select(ProductImage.image_id).where(
                ProductImage.product_id == product_id, ProductImage.position == 0
            )
        )
    return main, first


async def test_the_office_uploads_several_photos_chooses_the_main_one_and_deletes(client, session):
    product = await f.certified_product(session, 4, name="Mật ong bạc hà")
    await login_as(client, session)
    page = f"/office/products/{product.id}/photos"
    empty = await client.get(page)
    assert 'type="file" name="file" accept="image/*"' in empty.text and " multiple" in empty.text
    assert 'enctype="multipart/form-data"' in empty.text

    sent = await send_files(client, page, page, [("a.jpg", photo("red")), ("b.jpg", photo("blue"))])
    assert sent.status_code == 303, sent.text
    shown = await client.get(sent.headers["location"])
    first, second = shown_ids(shown.text)
    assert sent.headers["location"].endswith(f"?added=2#photo-{second}")
    assert "Đã thêm 2 ảnh." in shown.text
    assert shown.text.index("Ảnh chính") < shown.text.index(f'data-photo="{second}"')  # the first is main
    thumbnail = re.search(r'<img src="(/media/[^"]+)"', shown.text)
    assert thumbnail is not None
    served = await client.get(thumbnail.group(1))
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"

    made_main = await press(client, page, f"{page}/{second}", position="0")
    assert made_main.status_code == 303
    after = await client.get(made_main.headers["location"])
    assert shown_ids(after.text) == [second, first]
    assert "Đã đổi ảnh chính" in after.text
    main, at_front = await main_image(client, product.id)
    assert main is not None and main == at_front

    described = await press(client, page, f"{page}/{first}", alt_vi="Hũ mật ong", alt_en="A jar of honey")
    assert described.status_code == 303
    after = await client.get(described.headers["location"])
    assert 'value="Hũ mật ong"' in after.text and 'value="A jar of honey"' in after.text
    moved = await press(client, page, f"{page}/{first}", position="0")
    assert shown_ids((await client.get(moved.headers["location"])).text) == [first, second]

    gone = await press(client, page, f"{page}/{first}/delete")
    assert gone.status_code == 303
    left = await client.get(gone.headers["location"])
    assert shown_ids(left.text) == [second] and "Đã xoá ảnh." in left.text
    assert (await client.get(thumbnail.group(1))).status_code == 404  # the red photo's files went
    main, at_front = await main_image(client, product.id)
    assert main is not None and main == at_front
    product_page = await client.get(f"/office/products/{product.id}")
    assert f'href="/office/products/{product.id}/photos"' in product_page.text
    assert 'class="photo-strip"' in product_page.text


async def test_a_refused_file_is_told_in_vietnamese_and_the_others_are_kept(client, session):
    product = await f.certified_product(session, 3)
    await login_as(client, session)
    page = f"/office/products/{product.id}/photos"
    answer = await send_files(
        client,
        page,
        page,
        [("first.jpg", photo("green")), ("notes.pdf", b"%PDF-1.4 a letter"), ("last.jpg", photo("navy"))],
    )
    assert answer.status_code == 422
    assert "notes.pdf: Tệp này không phải là ảnh: hãy gửi ảnh JPEG, PNG, WebP hoặc HEIC." in answer.text
    assert "Đã thêm 2 ảnh." in answer.text
    assert len(shown_ids(answer.text)) == 2
    too_long = await press(client, page, f"{page}/{shown_ids(answer.text)[0]}", alt_vi="x" * 301)
    assert too_long.status_code == 422 and "Tối đa 300 ký tự." in too_long.text
    nothing = await send_files(client, page, page, [("", b"")])
    assert nothing.status_code == 422 and "Hãy chọn ảnh để tải lên." in nothing.text
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(StoredImage)) == 2


async def test_the_office_replaces_and_removes_a_producers_photo(client, session):
    maker = await f.producer(session, code="HTX-MAT-ONG", name="HTX Mật ong Bắc Kạn")
    await login_as(client, session)
    page = "/office/producers/HTX-MAT-ONG"
    assert "Chưa có ảnh." in (await client.get(page)).text
    refused = await send_files(client, page, f"{page}/photo", [("logo.txt", b"not an image at all")])
    assert refused.status_code == 422 and "Tệp này không phải là ảnh" in refused.text
    saved = await send_files(client, page, f"{page}/photo", [("front.jpg", photo("teal"))])
    assert saved.status_code == 303
    shown = await client.get(saved.headers["location"])
    assert "Đã lưu ảnh." in shown.text and 'alt="HTX Mật ong Bắc Kạn"' in shown.text
    old = re.search(r'<img src="(/media/[^"]+)"', shown.text)
    assert old is not None
    replaced = await send_files(client, page, f"{page}/photo", [("new.jpg", photo("pink"))])
    assert replaced.status_code == 303
    assert (await client.get(old.group(1))).status_code == 404
    removed = await press(client, page, f"{page}/photo/remove")
    assert "Đã gỡ ảnh." in (await client.get(removed.headers["location"])).text
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(Producer.image_id).where(Producer.id == maker.id)) is None
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(StoredImage)) == 0


async def test_only_the_office_opens_a_products_photos(client, session):
    product = await f.certified_product(session, 3)
    shop = await f.location(session, code="SP-PHOTO")
    await session.commit()
    await login_as(client, session, Role.staff, location_codes=[shop.code])
    assert (await client.get(f"/office/products/{product.id}/photos")).status_code == 403
    refused = await send_files(
        client, "/login", f"/office/products/{product.id}/photos", [("a.jpg", photo())]
    )
    assert refused.status_code == 403
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(StoredImage)) == 0
