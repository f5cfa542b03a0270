"""The packages of the demo pictures: one drawn container per kind of OCOP product.

Each ``draw_*`` function draws its container around the middle of a 1200-unit square, floor at
``FLOOR``, in the product group's colour, and answers where the label goes (the printed label
of a box, jar or bottle, or a card in front of goods that have none: cloth, baskets, plants).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from shop.demo.picture_kit import RGB, Pen, Point, darker, lighter, mix, ridge, soft_shadow

FLOOR = 1010
CREAM: RGB = (253, 248, 236)
GLASS_SHINE = (255, 255, 255, 70)


class Shape(StrEnum):
    box = "box"  # a carton: tea, dried herbs, supplements
    jar = "jar"  # a glass jar with a lid: honey, pastes
    bottle = "bottle"  # wine, syrups, sauces
    vial = "vial"  # a dropper bottle: essential oils
    pouch = "pouch"  # a stand-up pouch: noodles, dried meat, coffee
    sack = "sack"  # a gathered bag: rice, flour, dried roots
    crate = "crate"  # fresh produce in a wooden crate
    cloth = "cloth"  # folded brocade
    basket = "basket"  # rattan and bamboo
    vase = "vase"  # ceramics and other crafts
    plant = "plant"  # a potted plant
    ticket = "ticket"  # a tour or a stay


@dataclass(frozen=True)
class Placement:
    """Where the label goes and where the round OCOP sticker sits."""

    label: tuple[float, float, float, float]
    badge: Point
    card: bool = False  # a separate card (goods with no printed label of their own)


def profile(cx: float, rows: Sequence[tuple[float, float]], steps: int = 10) -> list[Point]:
    """A symmetric outline from (y, half width) rows, eased between rows (bottles, vases, jars)."""
    right: list[Point] = []
    for (y0, w0), (y1, w1) in itertools.pairwise(rows):
        for i in range(steps):
            t = (1 - math.cos(math.pi * i / steps)) / 2
            right.append((cx + w0 + (w1 - w0) * t, y0 + (y1 - y0) * i / steps))
    right.append((cx + rows[-1][1], rows[-1][0]))
    return right + [(2 * cx - x, y) for x, y in reversed(right)]


def leaf(cx: float, cy: float, length: float, width: float, angle: float) -> list[Point]:
    """A pointed leaf (two arcs) centred on (cx, cy), turned ``angle`` degrees."""
    a = math.radians(angle)
    points = []
    for i in range(17):
        t = i / 16
        points.append((length * (t - 0.5), width * math.sin(math.pi * t) / 2))
    points += [(x, -y) for x, y in reversed(points)]
    return [
        (cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)) for x, y in points
    ]


def _shine(pen: Pen, x: float, y0: float, y1: float, width: float = 26) -> None:
    pen.rect(x, y0, x + width, y1, GLASS_SHINE, radius=width / 2)


def draw_box(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (300, FLOOR - 40, 960, FLOOR + 24))
    pen.polygon([(340, 250), (860, 250), (940, 190), (420, 190)], lighter(c, 0.25))
    pen.polygon([(860, 250), (940, 190), (940, 950), (860, FLOOR)], darker(c, 0.3))
    pen.rect(340, 250, 860, FLOOR, c)
    for i in range(9):  # a band of small diamonds, printed on the carton
        x = 372 + i * 57
        pen.polygon([(x, 300), (x + 18, 282), (x + 36, 300), (x + 18, 318)], lighter(c, 0.35))
    for i, angle in enumerate((-35, -5, 25)):
        pen.polygon(leaf(520 + i * 80, 935, 110, 44, angle - 60), lighter(c, 0.2))
    return Placement((378, 350, 822, 880), (812, 300))


def draw_jar(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (330, FLOOR - 36, 870, FLOOR + 22))
    pen.rect(365, 370, 835, FLOOR, darker(c, 0.15), radius=80)
    pen.rect(380, 390, 820, FLOOR - 12, c, radius=70)
    for i in range(4):  # the lid and its ridges
        pen.rect(390, 250 + i * 4, 810, 390, darker(c, 0.55 - i * 0.05), radius=26)
    for x in range(410, 800, 28):
        pen.rect(x, 262, x + 10, 380, darker(c, 0.42))
    pen.rect(400, 236, 800, 272, darker(c, 0.35), radius=18)
    _shine(pen, 400, 420, 960, 30)
    _shine(pen, 785, 470, 700, 14)
    return Placement((402, 460, 798, 930), (800, 410))


def draw_bottle(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (350, FLOOR - 34, 850, FLOOR + 20))
    glass = darker(c, 0.35)
    rows = [(250, 62), (400, 66), (520, 214), (540, 220), (FLOOR - 40, 220), (FLOOR, 190)]
    pen.polygon(profile(600, rows), glass)
    pen.polygon(profile(600, [(r[0] + 6, r[1] - 10) for r in rows[1:-1]]), darker(c, 0.15))
    pen.rect(528, 150, 672, 262, mix(c, (40, 30, 20), 0.6), radius=16)
    pen.rect(528, 228, 672, 248, lighter(c, 0.4))
    _shine(pen, 418, 570, 960, 26)
    _shine(pen, 560, 260, 400, 14)
    return Placement((402, 585, 798, 955), (790, 540))


def draw_vial(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (380, FLOOR - 30, 820, FLOOR + 18))
    amber = (122, 62, 22)
    pen.polygon(profile(600, [(470, 70), (530, 200), (560, 204), (FLOOR - 30, 204), (FLOOR, 180)]), amber)
    pen.rect(508, 380, 692, 490, (28, 26, 26), radius=18)
    for y in range(395, 480, 18):
        pen.rect(508, y, 692, y + 6, (58, 54, 54))
    pen.ellipse(548, 200, 652, 330, (36, 34, 34))
    pen.rect(548, 270, 652, 390, (36, 34, 34), radius=14)
    _shine(pen, 420, 570, 960, 22)
    pen.rect(396, 580, 804, 970, c, radius=12)
    return Placement((412, 596, 788, 954), (790, 540))


def draw_pouch(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (320, FLOOR - 36, 880, FLOOR + 22))
    outline = [(330, 230), (870, 230), (884, 960), (840, FLOOR), (360, FLOOR), (316, 960)]
    pen.polygon(outline, darker(c, 0.2))
    pen.polygon([(346, 246), (854, 246), (866, 950), (830, 994), (370, 994), (334, 950)], c)
    pen.rect(330, 230, 870, 300, darker(c, 0.3))
    pen.rect(346, 318, 854, 326, darker(c, 0.35))  # the zip
    pen.polygon([(870, 250), (850, 262), (870, 274)], lighter(c, 0.7))  # the tear notch
    _shine(pen, 360, 340, 940, 22)
    return Placement((380, 360, 820, 900), (818, 330))


def draw_sack(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (290, FLOOR - 40, 910, FLOOR + 24))
    body = [
        (450, 340),
        (750, 340),
        (860, 520),
        (890, 900),
        (860, FLOOR),
        (340, FLOOR),
        (310, 900),
        (340, 520),
    ]
    pen.polygon(body, darker(c, 0.12))
    rim = ridge([(400, 230), (480, 205), (560, 232), (640, 204), (720, 230), (800, 210)], 8)
    pen.polygon([(460, 345), *rim, (740, 345)], darker(c, 0.25))  # the gathered top above the tie
    for x in (470, 540, 610, 680, 745):  # its folds
        pen.line([(600 + (x - 600) * 0.55, 340), (x, 236)], darker(c, 0.4), 6)
    for y in range(380, FLOOR, 22):  # the weave
        pen.line([(330 if y > 520 else 420, y), (870 if y > 520 else 780, y)], (255, 255, 255, 26), 4)
    pen.rect(440, 320, 760, 356, (120, 82, 44), radius=12)  # the twine
    pen.line([(700, 340), (760, 430)], (120, 82, 44), 10)
    return Placement((360, 470, 840, 930), (850, 390))


def draw_crate(pen: Pen, c: RGB) -> Placement:
    """A crate of round fruit in ``c`` (the caller passes the fruit's colour when it knows it)."""
    soft_shadow(pen, (230, 660, 970, 720))
    wood = (196, 150, 98)
    fruits = [
        (330, 330),
        (460, 300),
        (600, 290),
        (740, 305),
        (870, 330),
        (400, 240),
        (540, 215),
        (680, 225),
        (810, 250),
    ]
    for i, (x, y) in enumerate(fruits):
        r = 80 - (i % 3) * 6
        pen.ellipse(x - r, y - r, x + r, y + r, darker(c, 0.1 * (i % 2)))
        pen.ellipse(x - r * 0.55, y - r * 0.7, x - r * 0.1, y - r * 0.3, (255, 255, 255, 70))
        pen.polygon(leaf(x + 14, y - r - 10, 60, 24, -30), (70, 130, 50))
    pen.rect(240, 340, 960, 700, darker(wood, 0.25))
    for y in (360, 470, 580):
        pen.rect(252, y, 948, y + 96, wood, radius=8)
    return Placement((300, 590, 900, 985), (880, 330), card=True)


def draw_cloth(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (220, 640, 980, 720))
    gold, black, white = (232, 178, 48), (34, 28, 30), (250, 244, 232)
    for layer, (y, shade) in enumerate(((520, 0.35), (400, 0.18), (280, 0.0))):
        base = darker(c, shade)
        pen.rect(250, y, 950, y + 130, base, radius=18)
        pen.rect(250, y + 20, 950, y + 34, gold)
        pen.rect(250, y + 96, 950, y + 110, black)
        for i in range(14):  # diamonds of the brocade
            x = 270 + i * 50
            colour = white if (i + layer) % 2 else gold
            pen.polygon([(x, y + 65), (x + 22, y + 42), (x + 44, y + 65), (x + 22, y + 88)], colour)
        for x in range(955, 990, 9):
            pen.line([(x - 5, y + 16), (x + 6, y + 118)], base, 5)
    return Placement((300, 590, 900, 985), (880, 300), card=True)


def draw_basket(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (240, 640, 960, 720))
    rattan = mix(c, (214, 170, 110), 0.5)
    pen.arc((380, 150, 820, 560), 185, 355, darker(rattan, 0.3), 26)
    pen.polygon([(260, 360), (940, 360), (860, 700), (340, 700)], darker(rattan, 0.2))
    for row, y in enumerate(range(372, 690, 40)):
        inset = (y - 360) * 80 / 340
        for i in range(16):
            x = 262 + inset + i * (676 - 2 * inset) / 16
            pen.rect(
                x + 2,
                y,
                x + (676 - 2 * inset) / 16 - 4,
                y + 32,
                lighter(rattan, 0.15 * ((i + row) % 2)),
                radius=10,
            )
    pen.rect(250, 340, 950, 380, darker(rattan, 0.35), radius=20)
    return Placement((300, 590, 900, 985), (880, 380), card=True)


def draw_vase(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (400, 660, 800, 720))
    rows = [(120, 88), (170, 70), (260, 80), (420, 210), (560, 190), (700, 120)]
    pen.polygon(profile(600, rows), darker(c, 0.1))
    pen.rect(506, 108, 694, 140, darker(c, 0.35), radius=14)
    for y, w in ((330, 150), (470, 205), (600, 160)):
        pen.line([(600 - w, y), (600 + w, y)], (250, 246, 238), 10)
    for i in range(5):
        pen.polygon(leaf(470 + i * 65, 400, 90, 30, -60 + i * 30), (250, 246, 238))
    _shine(pen, 450, 330, 560, 24)
    return Placement((300, 590, 900, 985), (860, 240), card=True)


def draw_plant(pen: Pen, c: RGB) -> Placement:
    soft_shadow(pen, (400, 660, 800, 720))
    green = (62, 128, 70)
    for i, angle in enumerate((-160, -130, -100, -80, -50, -20)):
        a = math.radians(angle)
        pen.polygon(
            leaf(600 + 150 * math.cos(a), 500 + 150 * math.sin(a), 300, 90, angle),
            darker(green, 0.15 * (i % 2)),
        )
    pen.line([(600, 480), (640, 250), (700, 180)], (70, 110, 60), 10)
    for x, y in ((700, 180), (610, 230), (760, 260)):
        for k in range(5):
            pen.polygon(
                leaf(
                    x + 40 * math.cos(k * 1.257),
                    y + 40 * math.sin(k * 1.257),
                    80,
                    50,
                    math.degrees(k * 1.257),
                ),
                lighter(c, 0.25),
            )
        pen.ellipse(x - 16, y - 16, x + 16, y + 16, (248, 210, 70))
    pen.polygon([(440, 470), (760, 470), (720, 700), (480, 700)], (184, 96, 60))
    pen.rect(425, 450, 775, 500, (164, 82, 50), radius=10)
    return Placement((300, 590, 900, 985), (860, 300), card=True)


def draw_ticket(pen: Pen, c: RGB) -> Placement:
    """A ticket with a view of hills and water over its stub."""
    soft_shadow(pen, (180, 940, 1020, 1010))
    pen.rect(150, 190, 1050, 990, CREAM, radius=30)
    pen.rect(190, 230, 1010, 500, lighter(c, 0.55), radius=16)
    pen.ellipse(800, 260, 890, 350, (255, 214, 102))
    pen.polygon(ridge([(190, 470), (370, 320), (560, 470)], 10), darker(c, 0.2))
    pen.polygon(ridge([(400, 470), (640, 290), (880, 470)], 10), darker(c, 0.35))
    pen.polygon([*ridge([(700, 470), (860, 370), (1010, 450)], 10), (1010, 470)], darker(c, 0.1))
    pen.rect(190, 460, 1010, 500, lighter(c, 0.2))
    for i in range(18):  # the perforation of the stub
        pen.ellipse(150 + i * 50 + 18, 512, 150 + i * 50 + 32, 526, (214, 204, 186))
    return Placement((190, 540, 1010, 960), (960, 250))


DRAWERS: dict[Shape, Callable[[Pen, RGB], Placement]] = {
    Shape.box: draw_box,
    Shape.jar: draw_jar,
    Shape.bottle: draw_bottle,
    Shape.vial: draw_vial,
    Shape.pouch: draw_pouch,
    Shape.sack: draw_sack,
    Shape.crate: draw_crate,
    Shape.cloth: draw_cloth,
    Shape.basket: draw_basket,
    Shape.vase: draw_vase,
    Shape.plant: draw_plant,
    Shape.ticket: draw_ticket,
}
