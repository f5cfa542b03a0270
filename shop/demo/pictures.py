"""Demo pictures drawn from the data: a product's package, a producer's banner, a shopfront.

``ocop demo load`` has no photographs (none are copied into the repository and the demo runs
without the internet), so it draws them: a package in the colour of the product's OCOP group
with its name, pack size, producer and stars, a banner of hills for a producer, a shopfront for
a sales point. Each carries a red "ẢNH MINH HOẠ · DEMO" mark so nobody takes it for a photo of
the real product. Pure functions: the same inputs give the same JPEG bytes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from shop.demo import scenes
from shop.demo.packaging import CREAM, DRAWERS, FLOOR, Placement, Shape
from shop.demo.picture_kit import (
    INK,
    RGB,
    Pen,
    clean,
    darker,
    demo_mark,
    fit,
    from_hue,
    lighter,
    soft_shadow,
    stars_row,
    text_block,
    vertical_gradient,
)

View = Literal["front", "label"]

# One colour per OCOP sub-group (shop.catalog.groups), told apart at a glance on a list page.
GROUP_COLOURS: dict[str, RGB] = {
    "food-fresh": (92, 156, 58),
    "food-grain": (176, 132, 70),
    "food-honey": (222, 148, 24),
    "food-processed": (186, 48, 44),
    "food-spice": (204, 86, 32),
    "food-tea": (26, 98, 72),
    "food-coffee": (96, 60, 42),
    "beverage-alcohol": (116, 32, 54),
    "beverage-soft": (32, 146, 168),
    "herbal-food": (112, 122, 46),
    "herbal-cosmetic": (122, 88, 164),
    "herbal-raw": (88, 116, 92),
    "handicraft-textile": (172, 30, 92),
    "handicraft-wood": (142, 98, 54),
    "handicraft-other": (36, 82, 152),
    "ornamental-plant": (54, 138, 104),
    "ornamental-animal": (232, 118, 62),
    "tourism-service": (30, 118, 190),
}
GROUP_SHAPES: dict[str, Shape] = {
    "food-fresh": Shape.crate,
    "food-grain": Shape.sack,
    "food-honey": Shape.jar,
    "food-processed": Shape.pouch,
    "food-spice": Shape.bottle,
    "food-tea": Shape.box,
    "food-coffee": Shape.pouch,
    "beverage-alcohol": Shape.bottle,
    "beverage-soft": Shape.bottle,
    "herbal-food": Shape.box,
    "herbal-cosmetic": Shape.vial,
    "herbal-raw": Shape.sack,
    "handicraft-textile": Shape.cloth,
    "handicraft-wood": Shape.basket,
    "handicraft-other": Shape.vase,
    "ornamental-plant": Shape.plant,
    "ornamental-animal": Shape.plant,
    "tourism-service": Shape.ticket,
}
# The packaging unit names the container when the group's own is a container too
# (cinnamon sold in a box, a supplement in a jar).
UNIT_SHAPES = {"chai": Shape.bottle, "lọ": Shape.jar, "hộp": Shape.box, "gói": Shape.pouch, "túi": Shape.sack}
CONTAINERS = frozenset({Shape.box, Shape.jar, Shape.bottle, Shape.pouch, Shape.sack})
OWN_CONTAINER = frozenset({"food-honey"})  # honey sold "by the bottle" still looks best in a jar
# Fresh meat comes vacuum-packed, not in a crate of fruit; fruit has its own colour.
MEAT_WORDS = frozenset({"gà", "vịt", "lợn", "thịt", "bò", "trâu", "cá", "tôm", "dê"})
PRODUCE_COLOURS: dict[str, RGB] = {
    "cam": (240, 138, 30),
    "quýt": (244, 124, 26),
    "hồng": (232, 96, 40),
    "bưởi": (176, 196, 64),
    "chuối": (240, 200, 56),
    "khoai": (150, 112, 140),
    "bí": (88, 142, 72),
}


@dataclass(frozen=True)
class ProductArt:
    """What a product's demo picture shows (the catalog's words, in Vietnamese)."""

    name: str
    group: str  # an OCOP sub-group code, "food-tea"
    producer: str
    pack_size: str = ""
    unit: str = ""
    stars: int | None = None  # None: not certified now, no stars drawn


def group_colour(group: str) -> RGB:
    """The group's colour; an unknown code gets a steady colour of its own (from a checksum)."""
    return GROUP_COLOURS.get(group) or from_hue(zlib.crc32(group.encode()) / 2**32)


def _first_word(name: str) -> str:
    return (clean(name).lower().split() or [""])[0]


def shape_of(art: ProductArt) -> Shape:
    """The container drawn for the product: by its group, then its packaging unit."""
    shape = GROUP_SHAPES.get(art.group, Shape.box)
    if shape is Shape.crate and _first_word(art.name) in MEAT_WORDS:
        return Shape.pouch
    by_unit = UNIT_SHAPES.get(clean(art.unit).lower())
    if by_unit and shape in CONTAINERS and art.group not in OWN_CONTAINER:
        return by_unit
    return shape


def _seed(text: str) -> int:
    return zlib.crc32(clean(text).encode())


def _backdrop(pen: Pen, c: RGB, seed: int, floor: float = FLOOR) -> None:
    """A pale wall in the group's tint with a few soft discs, and a table to stand on."""
    vertical_gradient(pen, lighter(c, 0.9), lighter(c, 0.74), 0, floor)
    for i in range(5):
        r = 70 + (seed >> (i * 3)) % 140
        x = (seed >> (i * 5)) % 1200
        y = 120 + (seed >> (i * 4)) % 600
        pen.ellipse(x - r, y - r, x + r, y + r, (*lighter(c, 0.95), 90))
    vertical_gradient(pen, (236, 224, 204), (214, 198, 172), floor, 1200)


def _badge(pen: Pen, x: float, y: float, stars: int) -> None:
    """The round OCOP sticker: gold ring, red disc, the word and the count of stars."""
    soft_shadow(pen, (x - 80, y - 64, x + 80, y + 96), strength=70, blur=10)
    pen.ellipse(x - 86, y - 86, x + 86, y + 86, (240, 190, 60))
    pen.ellipse(x - 74, y - 74, x + 74, y + 74, (200, 36, 40))
    pen.text((x, y - 16), "OCOP", weight="Black", size=38, fill=(255, 255, 255))
    stars_row(pen, x, y + 30, stars, 11, of=stars)


def _label_rows(
    p_lines: int, p_size: float, n_lines: int, n_size: float, *, z: float, art: ProductArt
) -> float:
    """The height of the label's text: producer, gap, name, then pack size and stars if any."""
    rows = p_size * 1.2 * p_lines + 24 * z + n_size * 1.2 * n_lines
    rows += (20 + 42) * z if art.pack_size else 0
    return rows + (62 * z if art.stars else 0)


def _name_lines(
    pen: Pen, art: ProductArt, *, width: float, height: float, rows: Callable[[int, float], float], z: float
) -> tuple[list[str], float]:
    """The product's name as large as it fits the label's width and, with the rest, its height."""
    size = 84.0 * z
    while True:
        name, size = fit(pen, clean(art.name), weight="Bold", size=size, width=width, lines=3, smallest=30)
        if rows(len(name), size) <= height or size <= 30:
            return name, size
        size = max(30, size * 0.92)


def _label(pen: Pen, art: ProductArt, c: RGB, where: Placement, z: float = 1.0) -> None:
    """The label: producer, name (as large as fits), pack size, stars; ``z`` zooms the text."""
    x0, y0, x1, y1 = where.label
    if where.card:
        soft_shadow(pen, (x0 + 10, y1 - 30, x1 - 10, y1 + 20), strength=80, blur=14)
    pen.rect(x0, y0, x1, y1, CREAM, radius=22)
    pen.rect(x0 + 12, y0 + 12, x1 - 12, y1 - 12, c, radius=16)
    pen.rect(x0 + 18, y0 + 18, x1 - 18, y1 - 18, CREAM, radius=12)
    inner = x1 - x0 - 70
    narrow = inner < 360  # a bottle's label: the sticker carries the stars, the producer gets a line
    shown = replace(art, stars=None) if narrow else art
    producer, p_size = fit(
        pen, clean(art.producer).upper(), weight="Medium", size=26 * z, width=inner, lines=1 if narrow else 2
    )
    name, n_size = _name_lines(
        pen,
        shown,
        width=inner,
        height=y1 - y0 - 56,
        z=z,
        rows=lambda lines, size: _label_rows(len(producer), p_size, lines, size, z=z, art=shown),
    )
    cx = (x0 + x1) / 2
    top = (y0 + y1 - _label_rows(len(producer), p_size, len(name), n_size, z=z, art=shown)) / 2
    top = text_block(pen, producer, cx=cx, top=top, weight="Medium", size=p_size, fill=darker(c, 0.2))
    pen.rect(cx - 40 * z, top + 8 * z, cx + 40 * z, top + 13 * z, STRIPE)
    top = text_block(pen, name, cx=cx, top=top + 24 * z, weight="Bold", size=n_size, fill=INK)
    if shown.pack_size:
        pack, size = fit(pen, clean(shown.pack_size), weight="Medium", size=38 * z, width=inner, lines=1)
        top = text_block(pen, pack, cx=cx, top=top + 20 * z, weight="Medium", size=size, fill=(96, 88, 78))
    if shown.stars:
        stars_row(pen, cx, top + 36 * z, shown.stars, 22 * z)


STRIPE: RGB = (226, 178, 60)


def _front(pen: Pen, art: ProductArt, c: RGB) -> None:
    _backdrop(pen, c, _seed(art.name))
    shape = shape_of(art)
    tint = PRODUCE_COLOURS.get(_first_word(art.name), c) if shape is Shape.crate else c
    where = DRAWERS[shape](pen, tint)
    _label(pen, art, c, where)
    if art.stars:
        _badge(pen, *where.badge, art.stars)


def _label_closeup(pen: Pen, art: ProductArt, c: RGB) -> None:
    """The second picture: the label seen close, on a pattern of the group's colour."""
    pen.rect(0, 0, 1200, 1200, c)
    for row in range(9):
        for col in range(9):
            x, y = col * 150 + (75 if row % 2 else 0), row * 150
            pen.polygon([(x, y - 40), (x + 40, y), (x, y + 40), (x - 40, y)], lighter(c, 0.12))
    soft_shadow(pen, (150, 1040, 1050, 1100), strength=110)
    _label(pen, art, c, Placement((130, 170, 1070, 1070), (0, 0)), z=1.7)
    if art.stars:
        _badge(pen, 1040, 200, art.stars)


def product_picture(art: ProductArt, *, view: View = "front", size: int = 1200) -> bytes:
    """A drawn demo picture of the product as JPEG bytes, ``size`` pixels square."""
    c = group_colour(art.group)
    pen = Pen.canvas(size, size, lighter(c, 0.85))
    (_front if view == "front" else _label_closeup)(pen, art, c)
    demo_mark(pen)
    return pen.jpeg()


def producer_picture(
    name: str, *, place: str = "", group: str = "", width: int = 1600, height: int = 900
) -> bytes:
    """A drawn landscape banner with the producer's name (and where it is) as JPEG bytes."""
    pen = Pen.canvas(width, height, (200, 220, 230))
    w, h = pen.size
    scenes.hills(pen, group_colour(group) if group else (88, 150, 70), _seed(name), width=w, height=h)
    scenes.banner_text(pen, clean(name), clean(place), width=w, height=h)
    demo_mark(pen)
    return pen.jpeg()


def sales_point_picture(name: str, *, address: str = "", width: int = 1600, height: int = 900) -> bytes:
    """A drawn shopfront with the sales point's name on its sign, as JPEG bytes."""
    pen = Pen.canvas(width, height, (200, 220, 230))
    w, h = pen.size
    c = scenes.shop_colour(_seed(name))
    left = scenes.shopfront(pen, c, width=w, height=h)
    scenes.shop_sign(pen, clean(name).upper(), c, left=left, width=w)
    if address:
        scenes.address_strip(pen, clean(address), width=w, height=h)
    demo_mark(pen)
    return pen.jpeg()
