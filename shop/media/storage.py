"""Where the derived files are kept: a folder (the default, under ``var/media``) or an
S3-compatible bucket (AWS, MinIO, a Vietnamese cloud), chosen by ``OCOP_MEDIA_URL``.

Keys are content-hashed, so a file is written once and never changes: writes may be
repeated safely (an upload retried, two uploads of one photo) and readers cache forever.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import anyio.to_thread

if TYPE_CHECKING:
    from collections.abc import Sequence

# What a key may hold: the names naming.py makes, nothing that climbs out of the folder.
_KEY = re.compile(r"^[a-z0-9]+(?:/[a-z0-9]+)*\.[a-z]+$")
CACHE_CONTROL = "public, max-age=31536000, immutable"


class BadKey(ValueError):
    pass


def check_key(key: str) -> str:
    if len(key) > 200 or not _KEY.fullmatch(key):
        raise BadKey(key)
    return key


@dataclass(frozen=True, slots=True)
class StoredFile:
    data: bytes
    content_type: str


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def get(self, key: str) -> StoredFile | None: ...

    async def delete(self, keys: Sequence[str]) -> None: ...


_TYPES = {".webp": "image/webp", ".jpg": "image/jpeg"}


class DiskStorage:
    """Files under one folder, written to a temporary name and renamed (never half a file)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await anyio.to_thread.run_sync(self._write, self._path(key), data)

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    async def get(self, key: str) -> StoredFile | None:
        path = self._path(key)
        try:
            data = await anyio.to_thread.run_sync(path.read_bytes)
        except (FileNotFoundError, NotADirectoryError):
            return None
        return StoredFile(data, _TYPES.get(path.suffix, "application/octet-stream"))

    async def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in a bucket under a prefix, through boto3 (the AWS SDK) in worker threads."""

    def __init__(self, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client

    @classmethod
    def connect(cls, bucket: str, prefix: str, endpoint_url: str | None) -> S3Storage:
        import boto3  # imported here: an instance storing photos on disk never loads the SDK
        from botocore.config import Config

        config = Config(retries={"max_attempts": 4, "mode": "standard"}, connect_timeout=5, read_timeout=20)
        return cls(bucket, prefix, boto3.client("s3", endpoint_url=endpoint_url, config=config))

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await anyio.to_thread.run_sync(self._put, self.prefix + check_key(key), data, content_type)

    def _put(self, name: str, data: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=name, Body=data, ContentType=content_type, CacheControl=CACHE_CONTROL
        )

    async def get(self, key: str) -> StoredFile | None:
        return await anyio.to_thread.run_sync(self._get, self.prefix + check_key(key))

    def _get(self, name: str) -> StoredFile | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=name)
        except self.client.exceptions.NoSuchKey:
            return None
        with answer["Body"] as body:
            return StoredFile(body.read(), answer.get("ContentType") or "application/octet-stream")

    async def delete(self, keys: Sequence[str]) -> None:
        names = [{"Key": self.prefix + check_key(key)} for key in keys]
        for start in range(0, len(names), 1000):  # S3 deletes at most 1 000 keys a call
            batch = names[start : start + 1000]
            await anyio.to_thread.run_sync(self._delete, batch)

    def _delete(self, batch: list[dict[str, str]]) -> None:
        self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})


def open_storage(media_url: str, *, var_dir: Path, s3_endpoint_url: str | None = None) -> Storage:
    """``s3://bucket/prefix`` or a folder (``file:///srv/media`` or a plain path)."""
    if media_url.startswith("s3://"):
        parts = urlsplit(media_url)
        if not parts.netloc:
            raise ValueError(f"OCOP_MEDIA_URL names no bucket: {media_url}")
        return S3Storage.connect(parts.netloc, parts.path, s3_endpoint_url)
    if media_url.startswith("file://"):
        return DiskStorage(Path(urlsplit(media_url).path))
    return DiskStorage(Path(media_url) if media_url else var_dir / "media")
