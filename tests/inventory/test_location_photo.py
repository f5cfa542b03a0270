"""A sales point's one photo: replaced and removed through the API and through its /pos/
screen by the office or a manager of that sales point; its staff are refused (403) and a
manager of another sales point does not learn it exists (404)."""

from __future__ import annotations

import re

import sqlalchemy as sa

from shop.accounts.models import Role
from shop.inventory.models import Location
from shop.media.models import StoredImage
from tests import factories as f
from tests.office.support import login_as
from tests.office.test_photo_pages import photo, press, send_files


async def _put(client, code, headers, data, name="front.jpg"):
    return await client.put(
        f"/api/v1/sales-points/{code}/image", files={"file": (name, data, "image/jpeg")}, headers=headers
    )


async def _image_id(client, code):
    async with client.app.state.db.read_sessions() as fresh:
        return await fresh.scalar(sa.select(Location.image_id).where(Location.code == code))


async def test_a_manager_replaces_and_removes_the_photo_of_their_sales_point(client, session):
    await f.location(session, code="SP-NARI", name="Điểm bán OCOP Na Rì")
    await f.location(session, code="SP-OTHER")
    manager = await f.user(session, Role.manager, location_codes=["SP-NARI"])
    staff = await f.user(session, Role.staff, location_codes=["SP-NARI"])
    elsewhere = await f.user(session, Role.manager, location_codes=["SP-OTHER"])
    await session.commit()
    headers = await f.bearer(client, manager)

    first = await _put(client, "SP-NARI", headers, photo("green"))
    assert first.status_code == 200, first.text
    assert (await client.get(first.json()["urls"]["webp"]["card"])).status_code == 200
    second = await _put(client, "SP-NARI", headers, photo("brown"))
    assert (await client.get(first.json()["urls"]["webp"]["card"])).status_code == 404  # replaced
    assert (await _put(client, "SP-NARI", await f.bearer(client, staff), photo())).status_code == 403
    assert (await _put(client, "SP-NARI", await f.bearer(client, elsewhere), photo())).status_code == 404
    assert (await _put(client, "SP-NARI", {}, photo())).status_code == 401
    refused = await _put(client, "SP-NARI", headers, b"GIF89a not really", name="a.gif")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "file"

    gone = await client.delete("/api/v1/sales-points/SP-NARI/image", headers=headers)
    assert gone.status_code == 204
    assert (await client.get(second.json()["urls"]["jpg"]["thumb"])).status_code == 404
    assert await _image_id(client, "SP-NARI") is None
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(StoredImage)) == 0


async def test_the_sales_point_photo_screen(client, session):
    await f.location(session, code="SP-BA-BE", name="Điểm bán Ba Bể")
    await session.commit()
    await login_as(client, session, Role.manager, location_codes=["SP-BA-BE"])
    page = "/pos/SP-BA-BE/photo"
    stock = await client.get("/pos/SP-BA-BE/")
    assert f'href="{page}"' in stock.text
    shown = await client.get(page)
    assert shown.status_code == 200 and "Chưa có ảnh." in shown.text
    refused = await send_files(client, page, page, [("shop.txt", b"hello")])
    assert refused.status_code == 422 and "Tệp này không phải là ảnh" in refused.text
    saved = await send_files(client, page, page, [("shop.jpg", photo("olive"))])
    assert saved.status_code == 303
    after = await client.get(saved.headers["location"])
    assert "Đã lưu ảnh." in after.text and re.search(r'<img src="/media/[^"]+"', after.text)
    assert await _image_id(client, "SP-BA-BE") is not None
    removed = await press(client, page, f"{page}/remove")
    assert "Đã gỡ ảnh." in (await client.get(removed.headers["location"])).text
    assert await _image_id(client, "SP-BA-BE") is None


async def test_staff_do_not_get_the_photo_screen(client, session):
    await f.location(session, code="SP-STAFF")
    await session.commit()
    await login_as(client, session, Role.staff, location_codes=["SP-STAFF"])
    assert 'href="/pos/SP-STAFF/photo"' not in (await client.get("/pos/SP-STAFF/")).text
    assert (await client.get("/pos/SP-STAFF/photo")).status_code == 403
