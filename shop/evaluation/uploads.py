"""A file uploaded as evidence: a PDF (a test report, a certificate scan) kept as a document,
or a photo kept as the catalog's photos are (upright, without its EXIF, in four sizes). What
the bytes are decides, never the file's name; a refusal is a 422 on the ``file`` field that
says in the person's language what to send instead, and nothing is written then."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import InvalidInput, field_error
from shop.evaluation import evidence
from shop.i18n import N_
from shop.media import documents
from shop.media import services as media
from shop.media.images import ImageRejected
from shop.media.storage import Storage

_REFUSED = {
    "empty": N_("The file is empty."),
    "too_large": N_("The file is too large: send one of at most {limit} MB."),
    "too_many_pixels": N_("The image has too many pixels: at most {limit} megapixels."),
    "damaged": N_("The photo cannot be read: it may be damaged. Try another file."),
}
_NOT_KEPT = N_("Send a PDF or a photo (JPEG, PNG, WebP or HEIC).")


def _refused(reason: str, limit: int) -> InvalidInput:
    message = _REFUSED.get(reason, _NOT_KEPT)
    return InvalidInput(
        message,
        errors=[field_error("file", message, limit=limit)],
        error_code=f"evidence_{reason}",
        limit=limit,
    )


async def store(
    session: AsyncSession,
    storage: Storage,
    data: bytes,
    name: str | None,
    *,
    limits: media.Limits,
) -> dict[str, Any]:
    """The evidence item of a stored upload (PDF or photo), or a 422."""
    megabytes = limits.max_bytes // (1024 * 1024)
    if data.startswith(documents.PDF_MAGIC):
        try:
            document = await documents.store(storage, data, max_bytes=limits.max_bytes)
        except documents.DocumentRejected as rejected:
            raise _refused(rejected.reason, megabytes) from rejected
        return evidence.pdf_item(document, name)
    if not data:
        raise _refused("empty", megabytes)
    try:
        image = await media.store(session, storage, data, limits)
    except ImageRejected as rejected:
        limit = limits.max_pixels // 10**6 if rejected.reason == "too_many_pixels" else megabytes
        raise _refused(rejected.reason, limit) from rejected
    return evidence.photo_item(image, name)
