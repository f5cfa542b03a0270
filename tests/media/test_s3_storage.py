"""Photos kept in S3-compatible object storage, reached over HTTP through the real AWS SDK
(boto3): moto's standalone server plays the bucket, started by this module on a free loopback
port. The app runs with ``OCOP_MEDIA_URL=s3://bucket/prefix`` and ``OCOP_S3_ENDPOINT_URL``, on
SQLite and on PostgreSQL (the database fixtures are parametrized on both)."""

from __future__ import annotations

import dataclasses
import io
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from shop.media.naming import FORMATS, SIZES
from shop.media.storage import CACHE_CONTROL, BadKey, DiskStorage, S3Storage, open_storage
from shop.settings import Settings
from tests import factories as f

PREFIX = "ocop/media"
# The SDK's credentials and region, as a deployment sets them; moto accepts any.
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "ap-southeast-1",
    "AWS_EC2_METADATA_DISABLED": "true",  # never ask a cloud's metadata address for a role
    "AWS_CONFIG_FILE": "/nonexistent",  # and never read this machine's own profiles
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """moto's S3-compatible server on a free loopback port, for this module's tests."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in AWS_ENV.items():
            env.setenv(name, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture
def s3(s3_endpoint: str) -> Any:
    """A boto3 client of our own, to see what the app put in the bucket."""
    return boto3.client("s3", endpoint_url=s3_endpoint)


@pytest.fixture
def bucket(s3: Any) -> str:
    """A bucket of the test's own, so tests never see each other's objects."""
    name = f"ocop-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-southeast-1"})
    return name


@pytest.fixture
def settings(settings: Settings, s3_endpoint: str, bucket: str) -> Settings:
    """The app's settings (conftest's), with photos in the bucket under ``PREFIX``."""
    return dataclasses.replace(settings, media_url=f"s3://{bucket}/{PREFIX}", s3_endpoint_url=s3_endpoint)


def objects(s3: Any, bucket: str, prefix: str = "") -> dict[str, Any]:
    listing = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return {item["Key"]: item for item in listing.get("Contents", [])}


def jpeg(colour: str = "orange", width: int = 1200, height: int = 900) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
async def office(session, client) -> dict[str, str]:
    return await f.admin_headers(session, client)


async def _upload(client, headers: dict[str, str], product_id: int, data: bytes):
    return await client.post(
        f"/api/v1/products/{product_id}/images",
        files={"file": ("honey.jpg", data, "image/jpeg")},
        headers=headers,
    )


def _paths(body: dict[str, Any]) -> list[str]:
    return [path for fmt in ("webp", "jpg") for path in body["urls"][fmt].values()]


# --- through the app -----------------------------------------------------------------------


async def test_an_uploaded_photo_is_kept_in_the_bucket_served_and_deleted(
    client, session, office, s3, bucket
) -> None:
    product = await f.certified_product(session, 4)
    await session.commit()
    response = await _upload(client, office, product.id, jpeg())
    assert response.status_code == 201, response.text
    body = response.json()

    stored = objects(s3, bucket)
    assert len(stored) == len(SIZES) * len(FORMATS)
    assert all(key.startswith(PREFIX + "/v1/") for key in stored)  # nothing outside the prefix
    for path in _paths(body):
        key = PREFIX + "/" + path.removeprefix("/media/")
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["CacheControl"] == CACHE_CONTROL
        assert head["ContentType"] == FORMATS[path.rsplit(".", 1)[1]]  # type: ignore[index]
        served = await client.get(path)
        assert served.status_code == 200, path
        assert served.headers["content-type"] == head["ContentType"]
        assert "immutable" in served.headers["cache-control"]
        assert served.content == s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    card = await client.get(body["urls"]["webp"]["card"])
    assert Image.open(io.BytesIO(card.content)).size == (480, 360)

    gone = await client.delete(f"/api/v1/products/{product.id}/images/{body['id']}", headers=office)
    assert gone.status_code == 204
    assert objects(s3, bucket) == {}
    for path in _paths(body):
        assert (await client.get(path)).status_code == 404, path


async def test_a_refused_upload_puts_nothing_in_the_bucket(client, session, office, s3, bucket) -> None:
    product = await f.certified_product(session, 3)
    await session.commit()
    response = await _upload(client, office, product.id, b"%PDF-1.7 a brochure, not a photo")
    assert response.status_code == 422
    assert response.json()["code"] == "photo_unsupported"
    assert objects(s3, bucket) == {}


async def test_one_photo_on_two_products_keeps_its_files_until_both_let_go(
    client, session, office, s3, bucket
) -> None:
    honey, tea = await f.certified_product(session, 3), await f.certified_product(session, 3)
    await session.commit()
    photo = jpeg("gold")
    first = (await _upload(client, office, honey.id, photo)).json()
    second = (await _upload(client, office, tea.id, photo)).json()
    assert first["urls"] == second["urls"]  # same bytes, same names: stored once
    assert len(objects(s3, bucket)) == len(SIZES) * len(FORMATS)

    await client.delete(f"/api/v1/products/{honey.id}/images/{first['id']}", headers=office)
    assert len(objects(s3, bucket)) == len(SIZES) * len(FORMATS)  # the tea still shows it
    assert (await client.get(second["urls"]["jpg"]["thumb"])).status_code == 200
    await client.delete(f"/api/v1/products/{tea.id}/images/{second['id']}", headers=office)
    assert objects(s3, bucket) == {}


async def test_a_replaced_producer_photo_leaves_the_bucket(client, session, office, s3, bucket) -> None:
    product = await f.certified_product(session, 3)
    await session.commit()
    url = f"/api/v1/producers/{product.producer_id}/image"
    old = await client.put(url, files={"file": ("a.jpg", jpeg("green"), "image/jpeg")}, headers=office)
    new = await client.put(url, files={"file": ("b.jpg", jpeg("navy"), "image/jpeg")}, headers=office)
    assert old.status_code == new.status_code == 200
    digest = new.json()["urls"]["jpg"]["card"].split("/")[4]
    assert {key.split("/")[4] for key in objects(s3, bucket)} == {digest}
    assert (await client.get(old.json()["urls"]["jpg"]["card"])).status_code == 404


async def test_a_missing_or_wrongly_named_file_is_a_404(client, s3, bucket) -> None:
    missing = "/media/v1/ab/" + "ab" * 32 + "/card.webp"
    assert (await client.get(missing)).status_code == 404  # NoSuchKey from the real SDK
    s3.put_object(Bucket=bucket, Key="secret.txt", Body=b"outside the prefix")
    for path in ("/media/../secret.txt", "/media/..%2Fsecret.txt", "/media/v1/AB/x.webp", "/media/x"):
        assert (await client.get(path)).status_code == 404, path


# --- the storage alone ---------------------------------------------------------------------


@pytest.fixture
def storage(s3_endpoint: str, bucket: str) -> S3Storage:
    return S3Storage.connect(bucket, "/shop/", s3_endpoint)


async def test_put_get_and_delete_in_batches_of_a_thousand(storage: S3Storage, s3, bucket) -> None:
    assert storage.prefix == "shop/"
    keys = [f"v1/aa/{n:04d}/thumb.webp" for n in range(1001)]
    for key in (keys[0], keys[999], keys[1000]):
        await storage.put(key, b"RIFF....WEBP", "image/webp")
    found = await storage.get(keys[1000])
    assert found is not None and (found.data, found.content_type) == (b"RIFF....WEBP", "image/webp")
    assert s3.head_object(Bucket=bucket, Key="shop/" + keys[0])["CacheControl"] == CACHE_CONTROL
    await storage.delete(keys)  # S3 takes 1 000 a call: the last one is in a second call
    assert objects(s3, bucket) == {}
    assert await storage.get(keys[0]) is None


async def test_the_storage_refuses_keys_that_climb_out_of_its_prefix(storage: S3Storage, s3, bucket) -> None:
    for key in ("../x.jpg", "v1/../../x.jpg", "/x.jpg", "v1/x", "V1/x.jpg", ""):
        with pytest.raises(BadKey):
            await storage.put(key, b"x", "image/jpeg")
        with pytest.raises(BadKey):
            await storage.get(key)
    assert objects(s3, bucket) == {}


async def test_no_prefix_keeps_the_files_at_the_bucket_root(tmp_path, s3_endpoint: str, s3, bucket) -> None:
    storage = open_storage(f"s3://{bucket}", var_dir=tmp_path, s3_endpoint_url=s3_endpoint)
    assert isinstance(storage, S3Storage) and storage.prefix == ""
    await storage.put("v1/ab/cd/card.jpg", b"\xff\xd8", "image/jpeg")
    assert list(objects(s3, bucket)) == ["v1/ab/cd/card.jpg"]


def test_the_media_url_chooses_the_storage(tmp_path, s3_endpoint: str) -> None:
    s3_storage = open_storage("s3://photos/ocop/media/", var_dir=tmp_path, s3_endpoint_url=s3_endpoint)
    assert isinstance(s3_storage, S3Storage)
    assert (s3_storage.bucket, s3_storage.prefix) == ("photos", "ocop/media/")
    assert s3_storage.client.meta.endpoint_url == s3_endpoint
    with pytest.raises(ValueError, match="no bucket"):
        open_storage("s3:///media", var_dir=tmp_path)
    folder = open_storage(f"file://{tmp_path}/files", var_dir=tmp_path)
    assert isinstance(folder, DiskStorage) and folder.root == tmp_path / "files"
    plain = open_storage(str(tmp_path / "plain"), var_dir=tmp_path)
    assert isinstance(plain, DiskStorage) and plain.root == tmp_path / "plain"
    default = open_storage("", var_dir=tmp_path)
    assert isinstance(default, DiskStorage) and default.root == tmp_path / "media"
