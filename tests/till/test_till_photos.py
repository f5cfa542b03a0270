"""The till's product list carries each product's main photo as a small thumbnail (WebP, and
JPEG for a browser without WebP), read with the list in one query whatever the number of
photos; a product without one has none, and the till shows its initial instead."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import event

from tests import factories as f
from tests.till.support import Till

PRODUCTS = "/api/v1/sales-points/SP-A/till/products"


def jpeg(colour: str, width: int = 1200, height: int = 800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


async def _upload(till: Till, office: dict[str, str], product_id: int, colour: str) -> dict[str, object]:
    response = await till.client.post(
        f"/api/v1/products/{product_id}/images",
        files={"file": ("photo.jpg", jpeg(colour), "image/jpeg")},
        headers=office,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _listed(till: Till) -> dict[int, dict[str, object]]:
    response = await till.client.get(PRODUCTS, headers=till.staff)
    assert response.status_code == 200, response.text
    return {p["id"]: p for p in response.json()["items"]}


async def _statements(till: Till) -> int:
    count = 0

    def counted(*_args: object) -> None:
        nonlocal count
        count += 1

    engine = till.client.app.state.db.engine.sync_engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", counted)
    try:
        await _listed(till)
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


async def test_the_till_list_carries_the_main_photo_as_a_thumbnail(till: Till) -> None:
    office = await f.bearer(till.client, till.world.admin)
    honey, tea = till.world.honey.id, till.world.tea.id
    first = await _upload(till, office, honey, "gold")
    await _upload(till, office, honey, "brown")  # a second photo: not the main one

    products = await _listed(till)
    urls = first["urls"]
    assert isinstance(urls, dict)
    assert products[honey]["thumb_url"] == urls["webp"]["thumb"]
    assert products[honey]["thumb_jpg_url"] == urls["jpg"]["thumb"]
    assert products[tea]["thumb_url"] is None and products[tea]["thumb_jpg_url"] is None

    webp = await till.client.get(str(products[honey]["thumb_url"]))
    assert webp.status_code == 200 and webp.headers["content-type"] == "image/webp"
    assert "immutable" in webp.headers["cache-control"]  # the till's worker may keep it for good
    assert Image.open(io.BytesIO(webp.content)).size == (160, 107)
    jpg = await till.client.get(str(products[honey]["thumb_jpg_url"]))
    assert jpg.headers["content-type"] == "image/jpeg"


async def test_moving_another_photo_first_changes_the_thumbnail(till: Till) -> None:
    office = await f.bearer(till.client, till.world.admin)
    honey = till.world.honey.id
    await _upload(till, office, honey, "gold")
    second = await _upload(till, office, honey, "navy")
    moved = await till.client.patch(
        f"/api/v1/products/{honey}/images/{second['id']}", json={"position": 0}, headers=office
    )
    assert moved.status_code == 200, moved.text
    urls = second["urls"]
    assert isinstance(urls, dict)
    assert (await _listed(till))[honey]["thumb_url"] == urls["webp"]["thumb"]
    await till.client.delete(f"/api/v1/products/{honey}/images/{second['id']}", headers=office)
    assert (await _listed(till))[honey]["thumb_url"] != urls["webp"]["thumb"]


async def test_photos_cost_the_till_list_no_extra_statement(till: Till) -> None:
    without = await _statements(till)
    office = await f.bearer(till.client, till.world.admin)
    for product, colour in (
        (till.world.honey, "gold"),
        (till.world.tea, "green"),
        (till.world.noodles, "grey"),
    ):
        await _upload(till, office, product.id, colour)
    listed = await _listed(till)
    assert all(listed[p.id]["thumb_url"] for p in (till.world.honey, till.world.tea, till.world.noodles))
    assert await _statements(till) == without
