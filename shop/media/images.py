"""Turning an upload into the derived files: check what the bytes really are, refuse what is
too big, turn it upright, drop its metadata (a phone's EXIF says where it was taken) and
resize it once to every size in WebP and JPEG. Pure and synchronous: callers run it in a
worker thread."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal

from shop.media.naming import FORMATS, SIZES, Format, Size, variant_dimensions, variant_key

if TYPE_CHECKING:  # Pillow is imported in the functions below: only uploads need it
    from PIL import Image

# What is accepted, by what Pillow finds in the bytes (never by the file's name or type).
ACCEPTED = ("JPEG", "PNG", "WEBP", "HEIF")
Reason = Literal["empty", "too_large", "not_an_image", "unsupported", "too_many_pixels", "damaged"]
_QUALITY: dict[Format, int] = {"webp": 80, "jpg": 82}


class ImageRejected(ValueError):
    """The upload is not a photo we keep; ``reason`` names why for the person's message."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class DerivedFile:
    key: str
    data: bytes
    content_type: str


@dataclass(frozen=True, slots=True)
class ProcessedImage:
    digest: str
    width: int
    height: int
    source_format: str
    size_bytes: int
    files: tuple[DerivedFile, ...]


def process(data: bytes, *, max_bytes: int, max_pixels: int) -> ProcessedImage:
    if not data:
        raise ImageRejected("empty", "the file is empty")
    if len(data) > max_bytes:
        raise ImageRejected("too_large", f"the file has {len(data)} bytes, more than {max_bytes}")
    digest = hashlib.sha256(data).hexdigest()
    with _open(data, max_pixels) as source:
        source_format = str(source.format)
        upright = _upright(source)
    width, height = upright.size
    files = tuple(_derive(upright, digest))
    return ProcessedImage(digest, width, height, source_format, len(data), files)


@cache
def _read_heic() -> None:
    import pillow_heif  # imported here: Pillow's HEIC reader costs a worker about 10 MiB

    pillow_heif.register_heif_opener()


def _open(data: bytes, max_pixels: int) -> Image.Image:
    from PIL import Image, UnidentifiedImageError  # imported here: only uploads need Pillow

    _read_heic()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)
    except UnidentifiedImageError as error:
        raise ImageRejected("unsupported", "not a JPEG, PNG, WebP or HEIC image") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRejected("too_many_pixels", str(error)) from error
    width, height = image.size
    # Checked on the header, before a single pixel is decoded: a small file can claim a
    # gigapixel image (a decompression bomb) and would take the worker's memory with it.
    if width * height > max_pixels:
        image.close()
        raise ImageRejected("too_many_pixels", f"{width} × {height} pixels, more than {max_pixels}")
    return image


def _upright(source: Image.Image) -> Image.Image:
    """The pixels, turned as the camera meant, at no more than the largest derived size."""
    from PIL import Image, ImageOps  # imported here: only uploads need Pillow

    largest = max(SIZES.values())
    try:
        # A JPEG decodes at 1/2, 1/4 or 1/8 scale for free: a 12-megapixel photo needs
        # only a quarter of its pixels for the largest size (most of the time saved).
        if source.format == "JPEG":
            source.draft("RGB", (largest, largest))
        image = ImageOps.exif_transpose(source)
        image.load()
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageRejected("damaged", f"the image cannot be read: {error}") from error
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    image.thumbnail((largest, largest), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def _derive(image: Image.Image, digest: str) -> list[DerivedFile]:
    """Largest first, each size made from the one before (cheaper than from the source)."""
    from PIL import Image  # imported here: only uploads need Pillow

    files: list[DerivedFile] = []
    current = image
    for size in sorted(SIZES, key=SIZES.__getitem__, reverse=True):
        target = variant_dimensions(image.width, image.height, size)
        if current.size != target:
            current = current.resize(target, Image.Resampling.LANCZOS)
        files.extend(_encode(current, digest, size))
    return files


def _encode(image: Image.Image, digest: str, size: Size) -> list[DerivedFile]:
    out: list[DerivedFile] = []
    for fmt, content_type in FORMATS.items():
        buffer = io.BytesIO()
        if fmt == "webp":
            image.save(buffer, "WEBP", quality=_QUALITY[fmt], method=4)
        else:
            _flatten(image).save(buffer, "JPEG", quality=_QUALITY[fmt], optimize=True, progressive=True)
        out.append(DerivedFile(variant_key(digest, size, fmt), buffer.getvalue(), content_type))
    return out


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: a PNG logo's clear parts become white, not black."""
    from PIL import Image  # imported here: only uploads need Pillow

    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background
