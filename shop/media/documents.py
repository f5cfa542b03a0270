"""Documents kept beside the photos: PDF only, recognised by what the bytes are (``%PDF-``),
never by the file's name or declared type, and refused over a size limit before anything is
written. Like photos, a document is named after its SHA-256, so a key never changes and an
upload retried writes the same file. The rows that point at a document belong to the domain
that keeps it (shop.media imports no domain)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from shop.media.naming import VERSION
from shop.media.storage import Storage

PDF_MAGIC = b"%PDF-"
PDF_TYPE = "application/pdf"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # a scanned certificate or test report, not a whole archive
Reason = Literal["empty", "too_large", "not_a_pdf"]


class DocumentRejected(ValueError):
    """The upload is not a document we keep; ``reason`` names why for the person's message."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StoredDocument:
    digest: str
    size_bytes: int

    @property
    def key(self) -> str:
        return document_key(self.digest)


def document_key(digest: str) -> str:
    return f"doc/{VERSION}/{digest[:2]}/{digest}.pdf"


def is_digest(text: str) -> bool:
    return len(text) == 64 and all(c in "0123456789abcdef" for c in text)


def check(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raises ``DocumentRejected`` for an empty file, one over the limit, or one not a PDF."""
    if not data:
        raise DocumentRejected("empty", "the file is empty")
    if len(data) > max_bytes:
        raise DocumentRejected("too_large", f"{len(data)} bytes > {max_bytes}")
    if not data.startswith(PDF_MAGIC):
        raise DocumentRejected("not_a_pdf", "the file does not start with %PDF-")


async def store(storage: Storage, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> StoredDocument:
    """Checked, then written under its content hash (nothing is written when refused)."""
    check(data, max_bytes=max_bytes)
    document = StoredDocument(hashlib.sha256(data).hexdigest(), len(data))
    await storage.put(document.key, data, PDF_TYPE)
    return document


async def read(storage: Storage, digest: str) -> bytes | None:
    """The document's bytes, or None when there is none under that digest."""
    if not is_digest(digest):
        return None
    found = await storage.get(document_key(digest))
    return found.data if found else None
