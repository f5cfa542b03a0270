"""Where a photo's derived sizes live and how big each is: computed, never stored, so that a
page builds a ``srcset`` from a row's digest and dimensions alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Size = Literal["thumb", "card", "page", "zoom"]
Format = Literal["webp", "jpg"]

# The longest side of each derived size, in pixels: a till or cart thumbnail, a card in a
# grid (two columns on a phone at 3x), the product page, and the zoomed view.
SIZES: dict[Size, int] = {"thumb": 160, "card": 480, "page": 960, "zoom": 1600}
FORMATS: dict[Format, str] = {"webp": "image/webp", "jpg": "image/jpeg"}
URL_PREFIX = "/media/"
# Bumped when the derived files are made differently, so that cached copies are not reused.
VERSION = "v1"


def variant_key(digest: str, size: Size, fmt: Format) -> str:
    return f"{VERSION}/{digest[:2]}/{digest}/{size}.{fmt}"


def variant_dimensions(width: int, height: int, size: Size) -> tuple[int, int]:
    """The derived size's dimensions: fitted in its box, never enlarged."""
    box = SIZES[size]
    longest = max(width, height)
    if longest <= box:
        return width, height
    scale = box / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


@dataclass(frozen=True, slots=True)
class Picture:
    """A stored photo as pages and feeds show it."""

    digest: str
    width: int
    height: int
    alt: str = ""

    def url(self, size: Size = "card", fmt: Format = "jpg") -> str:
        return URL_PREFIX + variant_key(self.digest, size, fmt)

    def dimensions(self, size: Size = "card") -> tuple[int, int]:
        return variant_dimensions(self.width, self.height, size)

    def srcset(self, fmt: Format = "webp", largest: Size = "zoom") -> str:
        """Each distinct derived width once, up to ``largest`` (a small photo has fewer)."""
        parts: list[str] = []
        seen: set[int] = set()
        for size in SIZES:
            width, _ = self.dimensions(size)
            if width not in seen:
                seen.add(width)
                parts.append(f"{self.url(size, fmt)} {width}w")
            if size == largest:
                break
        return ", ".join(parts)
