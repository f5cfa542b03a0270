"""What an upload becomes (shop.media.images.process), with no database and no storage: upright,
without the camera's metadata, in every size and both formats under content-hashed names, and
what is refused before a pixel is decoded."""

from __future__ import annotations

import hashlib
import io
import struct
import zlib

import pillow_heif
import pytest
from PIL import ExifTags, Image, ImageFile

from shop.media.images import ImageRejected, ProcessedImage, process
from shop.media.naming import FORMATS, SIZES, variant_dimensions, variant_key

MAX_BYTES = 25 * 1024 * 1024
MAX_PIXELS = 60_000_000
RED, BLUE = (255, 0, 0), (0, 0, 255)


def run(data: bytes, *, max_bytes: int = MAX_BYTES, max_pixels: int = MAX_PIXELS) -> ProcessedImage:
    return process(data, max_bytes=max_bytes, max_pixels=max_pixels)


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def camera_jpeg(orientation: int | None = None, *, gps: bool = True) -> bytes:
    """A landscape shot, red on the left and blue on the right, with a phone's EXIF: where it
    was taken (GPS), the camera, and how the phone was held."""
    image = Image.new("RGB", (400, 200), RED)
    image.paste(BLUE, (200, 0, 400, 200))
    exif = image.getexif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 15"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        where = exif.get_ifd(ExifTags.IFD.GPSInfo)
        where[ExifTags.GPS.GPSLatitudeRef] = "N"
        where[ExifTags.GPS.GPSLatitude] = (22.0, 8.0, 30.0)  # Bắc Kạn
        where[ExifTags.GPS.GPSLongitudeRef] = "E"
        where[ExifTags.GPS.GPSLongitude] = (105.0, 50.0, 0.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def near(pixel: tuple[int, ...], colour: tuple[int, int, int], slack: int = 12) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel[:3], colour, strict=True))


def top_and_bottom(data: bytes) -> tuple[tuple[int, ...], tuple[int, ...]]:
    image = opened(data).convert("RGB")
    return image.getpixel((image.width // 2, 2)), image.getpixel((image.width // 2, image.height - 3))  # type: ignore[return-value]


# --- upright -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("orientation", "top", "bottom"),
    [
        (6, RED, BLUE),  # held turned right: the left of the sensor is the top of the scene
        (8, BLUE, RED),  # held turned left: the right of the sensor is the top
    ],
)
def test_a_phone_photo_is_turned_upright_in_every_derived_file(
    orientation: int, top: tuple[int, int, int], bottom: tuple[int, int, int]
) -> None:
    result = run(camera_jpeg(orientation))
    assert (result.width, result.height) == (200, 400)  # portrait, as it was taken
    assert len(result.files) == len(SIZES) * len(FORMATS)
    for derived in result.files:
        image = opened(derived.data)
        assert image.height > image.width, derived.key
        assert "Orientation" not in str(image.getexif()), derived.key  # nothing turns it twice
        seen_top, seen_bottom = top_and_bottom(derived.data)
        assert near(seen_top, top) and near(seen_bottom, bottom), (derived.key, seen_top, seen_bottom)


def test_a_photo_without_orientation_stays_as_it_is() -> None:
    result = run(camera_jpeg(None))
    assert (result.width, result.height) == (400, 200)


# --- metadata ----------------------------------------------------------------------------


def test_where_the_photo_was_taken_is_in_no_derived_file() -> None:
    upload = camera_jpeg(6)
    assert opened(upload).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload does say where
    for derived in run(upload).files:
        image = opened(derived.data)
        assert not image.getexif(), derived.key
        assert "exif" not in image.info and "xmp" not in image.info, derived.key
        # Nor hidden anywhere in the bytes: no EXIF block (JPEG APP1 "Exif", WebP "EXIF" chunk).
        assert b"Exif\x00\x00" not in derived.data and b"EXIF" not in derived.data, derived.key
        assert b"PhoneMaker" not in derived.data, derived.key


# --- transparency --------------------------------------------------------------------------


def _transparent_png(mode: str) -> bytes:
    """A logo: an opaque red square on the left, nothing at all on the right (transparent
    black in RGBA, a palette entry marked transparent in P: neither may show as black)."""
    buffer = io.BytesIO()
    if mode == "RGBA":
        image = Image.new("RGBA", (300, 150), (0, 0, 0, 0))
        image.paste((255, 0, 0, 255), (0, 0, 150, 150))
        image.save(buffer, "PNG")
    else:
        image = Image.new("P", (300, 150), 0)
        image.putpalette([0, 0, 0, 255, 0, 0])
        image.paste(1, (0, 0, 150, 150))
        image.save(buffer, "PNG", transparency=0)
    return buffer.getvalue()


@pytest.mark.parametrize("mode", ["RGBA", "P"])
def test_a_transparent_png_is_white_behind_in_jpeg_and_stays_clear_in_webp(mode: str) -> None:
    result = run(_transparent_png(mode))
    assert result.source_format == "PNG"
    for derived in result.files:
        image = opened(derived.data)
        clear = (image.width - 3, image.height // 2)
        solid = (3, image.height // 2)
        if derived.key.endswith(".jpg"):
            assert image.mode == "RGB"
            assert near(image.getpixel(clear), (255, 255, 255)), (derived.key, image.getpixel(clear))  # type: ignore[arg-type]
        else:
            assert image.mode == "RGBA", derived.key
            assert image.getpixel(clear)[3] == 0, derived.key  # type: ignore[index]
        assert near(image.convert("RGB").getpixel(solid), RED), derived.key  # type: ignore[arg-type]


# --- formats -----------------------------------------------------------------------------


def test_an_iphone_heic_photo_is_accepted() -> None:
    image = Image.new("RGB", (640, 480), (30, 120, 60))
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=70)
    result = run(buffer.getvalue())
    assert result.source_format == "HEIF"
    assert (result.width, result.height) == (640, 480)
    kinds = {d.key.rsplit(".", 1)[1]: opened(d.data).format for d in result.files}
    assert kinds == {"webp": "WEBP", "jpg": "JPEG"}


def test_every_size_is_written_in_webp_and_jpeg_as_named() -> None:
    result = run(camera_jpeg(None))
    names = {d.key for d in result.files}
    assert names == {variant_key(result.digest, size, fmt) for size in SIZES for fmt in FORMATS}
    for derived in result.files:
        fmt = derived.key.rsplit(".", 1)[1]
        assert derived.content_type == FORMATS[fmt]  # type: ignore[index]
        assert opened(derived.data).format == {"webp": "WEBP", "jpg": "JPEG"}[fmt]


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(buffer, "GIF")
    return buffer.getvalue()


def _bmp() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "green").save(buffer, "BMP")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_gif(), id="gif"),  # Pillow reads it, we do not keep it
        pytest.param(_bmp(), id="bmp"),
        pytest.param(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n", id="pdf"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", id="svg"),
        pytest.param(b"MZ\x90\x00" + bytes(200), id="exe"),
    ],
)
def test_a_file_named_jpg_that_is_something_else_is_refused(data: bytes) -> None:
    # process() is never told a name or a declared type: only the bytes decide.
    with pytest.raises(ImageRejected) as refused:
        run(data)
    assert refused.value.reason == "unsupported"


def test_a_truncated_jpeg_is_refused_as_damaged() -> None:
    whole = camera_jpeg(None)
    with pytest.raises(ImageRejected) as refused:
        run(whole[: len(whole) // 3])
    assert refused.value.reason == "damaged"


# --- limits ------------------------------------------------------------------------------


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width`` × ``height`` pixels in a few dozen bytes (its pixels would
    take gigabytes): the shape of a decompression bomb."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def no_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to decode pixels fails the test."""

    def refuse(self: ImageFile.ImageFile) -> None:
        raise AssertionError(f"{self.format} pixels decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


@pytest.mark.parametrize(
    ("data", "max_pixels"),
    [
        pytest.param(_png_header_only(100_000, 100_000), MAX_PIXELS, id="10-gigapixel header"),
        pytest.param(_png_header_only(8_000, 8_000), MAX_PIXELS, id="64-megapixel header"),
        pytest.param(_png_header_only(2_000, 1_000), 1_000_000, id="over a low limit"),
    ],
)
@pytest.mark.usefixtures("no_decoding")
def test_a_decompression_bomb_is_refused_before_any_pixel_is_decoded(data: bytes, max_pixels: int) -> None:
    assert len(data) < 200
    with pytest.raises(ImageRejected) as refused:
        run(data, max_pixels=max_pixels)
    assert refused.value.reason == "too_many_pixels"


def test_a_real_bomb_of_a_few_kilobytes_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")  # 144 megapixels
    assert len(buffer.getvalue()) < 100_000
    with pytest.raises(ImageRejected) as refused:
        run(buffer.getvalue())
    assert refused.value.reason == "too_many_pixels"


@pytest.mark.usefixtures("no_decoding")
def test_a_file_over_the_size_limit_is_refused_before_it_is_opened() -> None:
    data = camera_jpeg(None)
    with pytest.raises(ImageRejected) as refused:
        run(data, max_bytes=len(data) - 1)
    assert refused.value.reason == "too_large"
    assert str(len(data)) in str(refused.value)
    with pytest.raises(ImageRejected) as junk:  # the size is checked first, whatever the bytes
        run(b"\x00" * 2_000, max_bytes=1_000)
    assert junk.value.reason == "too_large"


def test_a_file_exactly_at_the_limit_is_kept() -> None:
    data = camera_jpeg(None)
    assert run(data, max_bytes=len(data)).size_bytes == len(data)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(ImageRejected) as refused:
        run(b"")
    assert refused.value.reason == "empty"


# --- sizes -------------------------------------------------------------------------------


def _plain_jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 150, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(("width", "height"), [(100, 60), (60, 100), (1, 1), (300, 200), (5000, 1000)])
def test_derived_files_fit_their_box_and_are_never_enlarged(width: int, height: int) -> None:
    result = run(_plain_jpeg(width, height))
    for derived in result.files:
        size = derived.key.rsplit("/", 1)[1].split(".")[0]
        got = opened(derived.data).size
        assert got == variant_dimensions(width, height, size), derived.key  # type: ignore[arg-type]
        assert got[0] <= width and got[1] <= height, derived.key
        assert max(got) <= SIZES[size], derived.key  # type: ignore[index]


def test_a_small_image_keeps_its_size_in_every_file() -> None:
    result = run(_plain_jpeg(120, 90))
    assert {opened(d.data).size for d in result.files} == {(120, 90)}


def test_the_box_keeps_the_proportions() -> None:
    assert variant_dimensions(4032, 3024, "thumb") == (160, 120)
    assert variant_dimensions(3024, 4032, "card") == (360, 480)
    assert variant_dimensions(4032, 3024, "zoom") == (1600, 1200)
    assert variant_dimensions(10_000, 10, "thumb") == (160, 1)  # never a zero-pixel side


# --- names -------------------------------------------------------------------------------


def test_names_come_from_the_uploaded_bytes_and_are_the_same_every_time() -> None:
    upload = camera_jpeg(6)
    first, again = run(upload), run(upload)
    assert first.digest == again.digest == hashlib.sha256(upload).hexdigest()
    assert [d.key for d in first.files] == [d.key for d in again.files]
    assert [d.data for d in first.files] == [d.data for d in again.files]  # a retry rewrites the same bytes
    for derived in first.files:
        assert first.digest in derived.key
        assert derived.key.startswith(f"v1/{first.digest[:2]}/{first.digest}/")


def test_a_different_photo_gets_different_names() -> None:
    one, other = run(camera_jpeg(6)), run(camera_jpeg(8))
    assert one.digest != other.digest
    assert not {d.key for d in one.files} & {d.key for d in other.files}
