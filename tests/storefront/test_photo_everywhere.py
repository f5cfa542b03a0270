"""Issue 17's whole path: a cooperative photographs its honey on a phone and uploads it; then the
product page, the till's grid, the trace page and the shopping feeds of the sales points that
stock it show that photo. On SQLite the files go to a folder on disk; on PostgreSQL to an
S3-compatible bucket (moto's server) through the real AWS SDK, as a province deploys it.

Google's local inventory feed has no image column: a row names the product by its id, and the
product feed's item with that id carries the photo, which is how Maps finds it."""

from __future__ import annotations

import dataclasses
import io
import uuid

import boto3
import pytest
from PIL import Image

from shop.settings import Settings
from tests import factories
from tests.media.test_s3_storage import AWS_ENV, s3_endpoint  # noqa: F401 - moto's server, a fixture
from tests.storefront.conftest import Shop
from tests.storefront.test_feeds import BASE, G, google_items, local_rows, receive


@pytest.fixture
def settings(settings: Settings, database_url: str, request: pytest.FixtureRequest) -> Settings:
    """PostgreSQL keeps its photos in a bucket; SQLite in the default folder under var/."""
    if not database_url.startswith("postgresql"):
        return settings
    endpoint: str = request.getfixturevalue("s3_endpoint")
    bucket = f"ocop-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": AWS_ENV["AWS_DEFAULT_REGION"]}
    )
    return dataclasses.replace(settings, media_url=f"s3://{bucket}/media", s3_endpoint_url=endpoint)


def phone_photo() -> bytes:
    """A 4:3 JPEG shot sideways, as a phone stores it (EXIF orientation 6)."""
    image = Image.new("RGB", (1600, 1200), "goldenrod")
    exif = image.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


async def test_a_cooperatives_phone_photo_reaches_every_screen_and_feed(
    shop: Shop, settings: Settings
) -> None:
    w, client = shop.world, shop.client
    await receive(shop, "SP-A", w.honey, 5)
    await receive(shop, "SP-B", w.honey, 2)

    coop = await factories.bearer(client, w.coop)
    uploaded = await client.post(
        f"/api/v1/products/{w.honey.id}/images",
        files={"file": ("IMG_2041.jpg", phone_photo(), "image/jpeg")},
        data={"alt_vi": "Hũ mật ong bạc hà", "alt_en": "A jar of mint honey"},
        headers=coop,
    )
    assert uploaded.status_code == 201, uploaded.text
    photo = uploaded.json()
    assert (photo["width"], photo["height"]) == (1200, 1600)  # turned upright
    urls = photo["urls"]
    assert settings.media_url.startswith("s3://") == settings.database_url.startswith("postgresql")

    page = await client.get(f"/products/{w.honey.slug}", params={"lang": "en"})
    assert page.status_code == 200
    assert urls["webp"]["page"] in page.text and 'alt="A jar of mint honey"' in page.text

    staff = await factories.bearer(client, w.staff)
    grid = await client.get("/api/v1/sales-points/SP-A/till/products", headers=staff)
    assert grid.status_code == 200, grid.text
    honey = next(p for p in grid.json()["items"] if p["id"] == w.honey.id)
    assert honey["thumb_url"] == urls["webp"]["thumb"]

    trace = await client.get(f"/t/{w.honey.trace_code}", params={"lang": "vi"})
    assert trace.status_code == 200 and urls["webp"]["page"] in trace.text

    stocked = {row["store code"] for row in await local_rows(client) if row["id"] == str(w.honey.id)}
    assert stocked == {"SP-A", "SP-B"}
    item = (await google_items(client))[str(w.honey.id)]
    assert item.findtext(f"{G}image_link") == BASE + urls["jpg"]["zoom"]

    for path in (urls["webp"]["thumb"], urls["jpg"]["zoom"]):  # served from wherever they are kept
        served = await client.get(path)
        assert served.status_code == 200 and "immutable" in served.headers["cache-control"]
