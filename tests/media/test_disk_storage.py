"""Photos kept in a folder (the default, ``var/media``): written whole or not at all, never
outside the folder, and served under /media/ with a year's cache (and a 404 for any name that
tries to climb out)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from pathlib import Path

import pytest

from shop.media.storage import CACHE_CONTROL, BadKey, DiskStorage
from shop.settings import Settings

KEY = "v1/ab/" + "ab" * 32 + "/card.webp"
BAD_KEYS = [
    "../x.jpg",
    "v1/../../x.jpg",
    "v1/ab/../../../etc/passwd.jpg",
    "/etc/hosts.jpg",
    "v1\\..\\x.jpg",
    "v1/ab/X.jpg",  # the names made are lower case
    "v1/ab/x",  # and have a type
    "v1//x.jpg",
    ".upload-123.jpg",  # nor a half-written file
    "",
    "a/" * 120 + "x.jpg",  # too long
]


@pytest.fixture
def storage(tmp_path: Path) -> DiskStorage:
    return DiskStorage(tmp_path / "media")


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(".upload-*")]


async def test_a_file_is_written_and_read_back_with_its_type(storage: DiskStorage) -> None:
    await storage.put(KEY, b"RIFF webp bytes", "image/webp")
    found = await storage.get(KEY)
    assert found is not None and (found.data, found.content_type) == (b"RIFF webp bytes", "image/webp")
    await storage.put("v1/ab/cd/thumb.jpg", b"\xff\xd8 jpeg", "image/jpeg")
    jpg = await storage.get("v1/ab/cd/thumb.jpg")
    assert jpg is not None and jpg.content_type == "image/jpeg"
    assert (storage.root / KEY).read_bytes() == b"RIFF webp bytes"
    assert leftovers(storage.root) == []


async def test_a_failed_write_leaves_neither_a_half_file_nor_a_temporary_one(
    storage: DiskStorage, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(_source: object, _target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        await storage.put(KEY, b"x" * 100_000, "image/webp")
    assert not (storage.root / KEY).exists()
    assert await storage.get(KEY) is None
    assert leftovers(storage.root) == []


async def test_a_rewrite_replaces_the_file_whole_and_readers_never_see_part_of_it(
    storage: DiskStorage,
) -> None:
    """Content-hashed names mean a retried upload rewrites the same key: a reader at that
    moment gets one whole version or the other (rename is atomic), never a mix."""
    versions = {b"a" * 400_000, b"b" * 400_000}
    await storage.put(KEY, b"a" * 400_000, "image/webp")

    async def read_many() -> set[bytes]:
        seen = set()
        for _ in range(60):
            found = await storage.get(KEY)
            assert found is not None
            seen.add(found.data)
        return seen

    writes = [storage.put(KEY, data, "image/webp") for data in sorted(versions) * 15]
    *_, seen = await asyncio.gather(*writes, read_many())
    assert seen <= versions
    assert (storage.root / KEY).read_bytes() in versions
    assert leftovers(storage.root) == []


@pytest.mark.parametrize("key", BAD_KEYS)
async def test_a_key_that_is_not_one_of_ours_is_refused(storage: DiskStorage, key: str) -> None:
    with pytest.raises(BadKey):
        await storage.put(key, b"x", "image/jpeg")
    with pytest.raises(BadKey):
        await storage.get(key)
    with pytest.raises(BadKey):
        await storage.delete([key])
    assert not storage.root.exists() or not any(storage.root.parent.rglob("x.jpg"))


async def test_a_missing_file_is_none_and_deleting_it_is_no_error(storage: DiskStorage) -> None:
    assert await storage.get(KEY) is None
    await storage.delete([KEY, "v1/zz/none.webp"])
    await storage.delete([])
    storage.root.mkdir(parents=True)
    (storage.root / "v1").write_bytes(b"a file where a folder would be")
    assert await storage.get("v1/ab/cd.jpg") is None


async def test_delete_removes_every_key_given(storage: DiskStorage) -> None:
    keys = [f"v1/ab/cd/{size}.{fmt}" for size in ("thumb", "card") for fmt in ("webp", "jpg")]
    for key in keys:
        await storage.put(key, b"x", "image/webp")
    await storage.delete(keys[:3])
    assert [await storage.get(k) is not None for k in keys] == [False, False, False, True]


# --- served under /media/ ------------------------------------------------------------------


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The app's settings with the photos in a folder named by ``file://`` (as a deployment
    might), and a file beside that folder that must never be served."""
    (tmp_path / "secret.jpg").write_bytes(b"not for the public")
    return dataclasses.replace(settings, media_url=f"file://{tmp_path}/media")


async def test_a_file_is_served_with_a_year_of_cache_and_revalidates(client, tmp_path: Path) -> None:
    await DiskStorage(tmp_path / "media").put(KEY, b"RIFF webp", "image/webp")
    response = await client.get(f"/media/{KEY}")
    assert response.status_code == 200 and response.content == b"RIFF webp"
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == CACHE_CONTROL
    assert response.headers["x-content-type-options"] == "nosniff"
    again = await client.get(f"/media/{KEY}", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/media/../secret.jpg",
        "/media/%2e%2e/secret.jpg",
        "/media/..%2Fsecret.jpg",
        "/media/%2e%2e%2fsecret.jpg",
        "/media/v1/../../secret.jpg",
        "/media//secret.jpg",
        "/media/" + "%2e%2e/" * 3 + "etc/passwd",
        "/media/v1/ab/cd/card.webp",  # well formed, not there
        "/media/",
    ],
)
async def test_a_name_that_climbs_out_or_is_not_there_is_a_404(client, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 404, (path, response.status_code, response.text[:200])
    assert b"not for the public" not in response.content
