"""The drawing kit of the demo pictures: a scaled pen, fonts, colours, text fitting, stars.

The pictures are drawn on a canvas twice the asked size and halved at the end (supersampling:
Pillow's shapes have no antialiasing), so every coordinate is written for a picture whose short
side is 1200 units, and the pen scales it. The text is set in Roboto (the ``font-roboto``
package), which covers Vietnamese; text is NFC-normalised first so decomposed diacritics render
as one glyph.
"""

from __future__ import annotations

import colorsys
import io
import itertools
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import font_roboto
from PIL import Image, ImageDraw, ImageFilter, ImageFont

RGB = tuple[int, int, int]
RGBA = tuple[int, int, int, int]
Fill = RGB | RGBA
Point = tuple[float, float]
Weight = Literal["Regular", "Medium", "Bold", "Black", "Light"]
SUPERSAMPLE = 2
JPEG_QUALITY = 86
DEMO_MARK = "ẢNH MINH HOẠ · DEMO"
STAR_GOLD: RGB = (246, 183, 27)
STAR_EMPTY: RGB = (222, 214, 196)
INK: RGB = (38, 34, 30)


@cache
def font(weight: Weight, size: int) -> ImageFont.FreeTypeFont:
    """Roboto at ``size`` pixels (cached: the demo sets the same few sizes hundreds of times)."""
    files = Path(font_roboto.__file__).parent / "files"
    return ImageFont.truetype(str(files / f"Roboto-{weight}.ttf"), size)


def clean(text: str) -> str:
    """One line of NFC text: decomposed accents composed, runs of spaces and newlines folded."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def lighter(c: RGB, t: float) -> RGB:
    return mix(c, (255, 255, 255), t)


def darker(c: RGB, t: float) -> RGB:
    return mix(c, (0, 0, 0), t)


def from_hue(hue: float, saturation: float = 0.55, value: float = 0.62) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return (round(r * 255), round(g * 255), round(b * 255))


def on(c: RGB) -> RGB:
    """Ink that reads on ``c``: near-black on light colours, white on dark ones."""
    luma = 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]
    return INK if luma > 150 else (255, 255, 255)


@dataclass
class Pen:
    """Draws on a supersampled canvas in 1200-unit coordinates (``k`` converts to pixels)."""

    image: Image.Image
    k: float

    @classmethod
    def canvas(cls, width: int, height: int, colour: RGB) -> Pen:
        image = Image.new("RGB", (width * SUPERSAMPLE, height * SUPERSAMPLE), colour)
        return cls(image, min(image.width, image.height) / 1200)  # the short side is 1200 units

    def __post_init__(self) -> None:
        self.solid = ImageDraw.Draw(self.image)
        # An RGBA drawer on an RGB image blends translucent fills (shadows, highlights); it is
        # slower, so opaque colours (three numbers) go through the plain one.
        self.blend = ImageDraw.Draw(self.image, "RGBA")

    def drawer(self, fill: Fill) -> ImageDraw.ImageDraw:
        return self.blend if len(fill) == 4 else self.solid

    @property
    def size(self) -> tuple[float, float]:
        """The canvas in units (1200 on the short side)."""
        return self.image.width / self.k, self.image.height / self.k

    def px(self, v: float) -> int:
        return round(v * self.k)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (self.px(x0), self.px(y0), self.px(x1), self.px(y1))

    def pts(self, points: Sequence[Point]) -> list[tuple[int, int]]:
        return [(self.px(x), self.px(y)) for x, y in points]

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill: Fill, radius: float = 0) -> None:
        if radius:
            self.drawer(fill).rounded_rectangle(self.box(x0, y0, x1, y1), self.px(radius), fill=fill)
        else:
            self.drawer(fill).rectangle(self.box(x0, y0, x1, y1), fill=fill)

    def ellipse(self, x0: float, y0: float, x1: float, y1: float, fill: Fill) -> None:
        self.drawer(fill).ellipse(self.box(x0, y0, x1, y1), fill=fill)

    def polygon(self, points: Sequence[Point], fill: Fill) -> None:
        self.drawer(fill).polygon(self.pts(points), fill=fill)

    def line(self, points: Sequence[Point], fill: Fill, width: float) -> None:
        self.drawer(fill).line(self.pts(points), fill=fill, width=max(1, self.px(width)), joint="curve")

    def arc(
        self, box: tuple[float, float, float, float], start: float, end: float, fill: Fill, width: float
    ) -> None:
        self.drawer(fill).arc(self.box(*box), start, end, fill=fill, width=max(1, self.px(width)))

    def text(
        self, xy: Point, text: str, *, weight: Weight, size: float, fill: Fill, anchor: str = "mm"
    ) -> None:
        self.drawer(fill).text(
            self.pts([xy])[0], text, font=font(weight, self.px(size)), fill=fill, anchor=anchor
        )

    def width_of(self, text: str, weight: Weight, size: float) -> float:
        return font(weight, self.px(size)).getlength(text) / self.k

    def jpeg(self) -> bytes:
        """The picture at its asked size as a baseline JPEG (no EXIF, no timestamp: reproducible)."""
        small = self.image.reduce(SUPERSAMPLE)
        out = io.BytesIO()
        small.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        return out.getvalue()


def vertical_gradient(pen: Pen, top: RGB, bottom: RGB, y0: float = 0, y1: float | None = None) -> None:
    """Fill the band ``y0``–``y1`` with a gradient (a 1-pixel column stretched: fast)."""
    height = pen.px((y1 if y1 is not None else pen.image.height / pen.k) - y0)
    column = Image.new("RGB", (1, 256))
    column.putdata([mix(top, bottom, i / 255) for i in range(256)])
    column = column.resize((1, max(1, height)), Image.Resampling.BILINEAR)
    pen.image.paste(
        column.resize((pen.image.width, column.height), Image.Resampling.NEAREST), (0, pen.px(y0))
    )


def soft_shadow(
    pen: Pen, box: tuple[float, float, float, float], strength: int = 90, blur: float = 18
) -> None:
    """A blurred elliptical shadow, blurred on a small mask and scaled up (a big blur is slow)."""
    x0, y0, x1, y1 = box
    pad = blur * 2
    w, h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    small = Image.new("L", (max(1, round(w / 4)), max(1, round(h / 4))), 0)
    ImageDraw.Draw(small).ellipse((pad / 4, pad / 4, (w - pad) / 4, (h - pad) / 4), fill=strength)
    small = small.filter(ImageFilter.GaussianBlur(blur / 4))
    mask = small.resize((pen.px(w), pen.px(h)), Image.Resampling.BILINEAR)
    pen.image.paste((40, 30, 20), (pen.px(x0 - pad), pen.px(y0 - pad)), mask)


def ridge(points: Sequence[Point], steps: int = 12) -> list[Point]:
    """A smooth line through ``points`` (eased between each pair): hills, terraces, waves."""
    out: list[Point] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        for i in range(steps):
            t = (1 - math.cos(math.pi * i / steps)) / 2
            out.append((x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * t))
    return [*out, points[-1]]


def star_points(cx: float, cy: float, outer: float, inner_ratio: float = 0.45) -> list[Point]:
    """The ten corners of a five-pointed star, point up."""
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else outer * inner_ratio
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def stars_row(pen: Pen, cx: float, cy: float, stars: int, size: float, *, of: int = 5) -> None:
    """``of`` stars centred on (cx, cy), the first ``stars`` gold and the rest pale."""
    gap = size * 2.25
    left = cx - gap * (of - 1) / 2
    for i in range(of):
        colour = STAR_GOLD if i < stars else STAR_EMPTY
        pen.polygon(star_points(left + i * gap, cy + size * 0.08, size), darker(colour, 0.25))
        pen.polygon(star_points(left + i * gap, cy, size), colour)


def wrap(pen: Pen, text: str, *, weight: Weight, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` (a long word keeps its own line)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if not current or pen.width_of(candidate, weight, size) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    return [*lines, current] if current else lines


def balanced(pen: Pen, text: str, *, weight: Weight, size: float, width: float) -> list[str]:
    """``text`` in as few lines as fit ``width``, the lines made even ("Bắc Kạn" not left alone)."""
    lines = wrap(pen, text, weight=weight, size=size, width=width)
    if len(lines) < 2:
        return lines
    low, high = width / len(lines), width
    for _ in range(7):  # the narrowest width that still needs no more lines
        mid = (low + high) / 2
        if len(wrap(pen, text, weight=weight, size=size, width=mid)) > len(lines):
            low = mid
        else:
            high = mid
    return wrap(pen, text, weight=weight, size=size, width=high)


def fit(
    pen: Pen, text: str, *, weight: Weight, size: float, width: float, lines: int, smallest: float = 18
) -> tuple[list[str], float]:
    """The largest size up to ``size`` at which ``text`` fits ``lines`` even lines of ``width``.

    At the smallest size the text is cut to ``lines`` lines with an ellipsis, never overflows.
    """
    while size > smallest:
        out = wrap(pen, text, weight=weight, size=size, width=width)
        if len(out) <= lines and all(pen.width_of(x, weight, size) <= width for x in out):
            return balanced(pen, text, weight=weight, size=size, width=width), size
        size *= 0.92
    out = wrap(pen, text, weight=weight, size=smallest, width=width)[:lines]
    last = out[-1] if out else ""
    while last and pen.width_of(last + "…", weight, smallest) > width:
        last = last[:-1]
    if out and last != out[-1]:
        out[-1] = last.rstrip() + "…"
    return out, smallest


def text_block(
    pen: Pen, lines: Sequence[str], *, cx: float, top: float, weight: Weight, size: float, fill: Fill
) -> float:
    """Centred lines from ``top``; returns the y under the last line."""
    step = size * 1.2
    for i, line in enumerate(lines):
        pen.text((cx, top + step * i + step / 2), line, weight=weight, size=size, fill=fill)
    return top + step * len(lines)


def demo_mark(pen: Pen, x: float = 32, y: float = 32, *, size: float = 40) -> None:
    """The pill that says this is a drawn demo picture, not a photograph of the product."""
    width = pen.width_of(DEMO_MARK, "Bold", size) + size * 1.6
    pen.rect(x, y, x + width, y + size * 1.9, (255, 255, 255, 225), radius=size * 0.95)
    pen.rect(x + 3, y + 3, x + width - 3, y + size * 1.9 - 3, (196, 48, 43, 255), radius=size * 0.85)
    pen.text((x + width / 2, y + size * 0.95), DEMO_MARK, weight="Bold", size=size, fill=(255, 255, 255))
