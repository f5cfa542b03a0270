"""The scenery of the demo pictures: hills and terraces for a producer, a shopfront for a sales point.

Drawn on a landscape canvas whose short side is 1200 units (see ``picture_kit``); ``seed`` (a
checksum of the name) moves the hills and colours so two producers do not get the same view.
"""

from __future__ import annotations

from shop.demo.picture_kit import (
    RGB,
    Pen,
    darker,
    fit,
    from_hue,
    lighter,
    mix,
    ridge,
    soft_shadow,
    text_block,
    vertical_gradient,
)

HILLS: tuple[RGB, ...] = ((170, 198, 204), (128, 172, 150), (92, 146, 104), (70, 126, 72))
PADDY: RGB = (150, 186, 70)
LANTERN: RGB = (214, 40, 36)


def _hill_line(seed: int, layer: int, width: float, base: float) -> list[tuple[float, float]]:
    points = []
    for i in range(8):
        wobble = ((seed >> (i * 2 + layer * 3)) % 150) - 75
        points.append((i * width / 7, base + wobble - (i + layer) % 2 * 110))
    return ridge(points, 14)


def hills(pen: Pen, accent: RGB, seed: int, *, width: float, height: float) -> None:
    """Layered mountains fading into the haze, a stilt house and terraced paddies in front."""
    vertical_gradient(pen, (160, 204, 232), (244, 236, 214), 0, height * 0.62)
    sun_x = width * (0.6 + (seed % 25) / 100)
    pen.ellipse(sun_x, 110, sun_x + 150, 260, (255, 228, 150))
    for layer, colour in enumerate(HILLS):
        line = _hill_line(seed, layer, width, 420 + layer * 100)
        pen.polygon([(0, height), *line, (width, height)], mix(colour, accent, 0.12))
    top = 760.0
    for i in range(7):  # the terraces, each a curved step a little lighter than the one above
        y = top + i * 62
        line = ridge([(-20, y + 30), (width * 0.3, y - 10), (width * 0.7, y + 18), (width + 20, y - 6)], 16)
        pen.polygon([*line, (width + 20, height), (-20, height)], lighter(PADDY, 0.06 * (i % 3)))
        pen.line(line, darker(PADDY, 0.25), 5)
    _stilt_house(pen, width * (0.18 + (seed % 17) / 100), 800)


def _stilt_house(pen: Pen, x: float, ground: float) -> None:
    """A Tày stilt house: posts, a wooden floor and a steep roof."""
    wood = (120, 80, 50)
    for post in range(5):
        pen.rect(x + post * 55, ground - 60, x + post * 55 + 12, ground + 30, darker(wood, 0.2))
    pen.rect(x - 10, ground - 150, x + 240, ground - 60, wood)
    pen.rect(x + 40, ground - 130, x + 90, ground - 80, (246, 214, 140))
    pen.rect(x + 150, ground - 130, x + 200, ground - 80, (246, 214, 140))
    pen.polygon(
        [(x - 50, ground - 140), (x + 40, ground - 240), (x + 190, ground - 240), (x + 280, ground - 140)],
        (92, 62, 44),
    )


def banner_text(pen: Pen, title: str, subtitle: str, *, width: float, height: float) -> None:
    """The name over a dark band at the foot of the banner, the place under it."""
    for i in range(6):  # a band darkening downwards, so the name reads on any landscape
        pen.rect(0, height - 300 + i * 16, width, height, (22, 30, 24, 30))
    lines, size = fit(pen, title, weight="Bold", size=96, width=width - 160, lines=2, smallest=40)
    block = size * 1.2 * len(lines) + (60 if subtitle else 0)
    top = text_block(
        pen, lines, cx=width / 2, top=height - 145 - block / 2, weight="Bold", size=size, fill=(255, 255, 255)
    )
    if subtitle:
        sub, s_size = fit(pen, subtitle, weight="Regular", size=42, width=width - 160, lines=1)
        text_block(pen, sub, cx=width / 2, top=top + 6, weight="Regular", size=s_size, fill=(238, 234, 222))


def shop_colour(seed: int) -> RGB:
    return from_hue(seed / 2**32, 0.6, 0.62)


def shopfront(pen: Pen, c: RGB, *, width: float, height: float) -> float:
    """The building, awning, windows, door, lanterns and plants; returns where the sign goes."""
    ground = height * 0.8
    vertical_gradient(pen, (176, 214, 238), (236, 240, 236), 0, ground)
    vertical_gradient(pen, (206, 200, 188), (168, 162, 150), ground, height)
    left, right = width * 0.1, width * 0.9
    soft_shadow(pen, (left - 40, ground - 40, right + 40, ground + 40), strength=80, blur=24)
    pen.rect(left, 110, right, ground, (246, 236, 216))
    pen.rect(left - 24, 90, right + 24, 140, darker(c, 0.35))
    _awning(pen, c, left, right)
    door = (left + (right - left) * 0.42, left + (right - left) * 0.58)
    for x0, x1 in ((left + 60, door[0] - 60), (door[1] + 60, right - 60)):
        _window(pen, x0, x1, 470, ground - 90)
    pen.rect(door[0], 460, door[1], ground, darker(c, 0.5))
    pen.rect(door[0] + 18, 480, door[1] - 18, ground, (150, 190, 204))
    pen.rect(door[0] + 18, 480, (door[0] + door[1]) / 2 - 4, ground, (255, 255, 255, 40))
    for x in (door[0] - 40, door[1] + 40):
        _lantern(pen, x, 440)
        _pot_plant(pen, x, ground)
    return left + 30


def _awning(pen: Pen, c: RGB, left: float, right: float) -> None:
    stripes = 16
    step = (right - left + 80) / stripes
    for i in range(stripes):
        x = left - 40 + i * step
        colour = c if i % 2 else (252, 250, 244)
        pen.polygon([(x, 370), (x + step, 370), (x + step + 8, 440), (x + 8, 440)], colour)
        pen.ellipse(x + 8, 420, x + step + 8, 460, colour)


def _window(pen: Pen, x0: float, x1: float, y0: float, y1: float) -> None:
    """A shop window of shelved jars and boxes in many colours."""
    pen.rect(x0 - 12, y0 - 12, x1 + 12, y1 + 12, (110, 84, 60))
    pen.rect(x0, y0, x1, y1, (250, 242, 226))
    for shelf in range(3):
        y = y0 + 90 + shelf * ((y1 - y0 - 60) / 3)
        pen.rect(x0, y, x1, y + 10, (150, 112, 80))
        count = int((x1 - x0 - 30) // 52)
        for i in range(count):
            colour = from_hue(((i * 7 + shelf * 5) % 18) / 18, 0.6, 0.78)
            tall = 40 + (i * 13 + shelf * 5) % 26
            x = x0 + 20 + i * 52
            pen.rect(x, y - tall, x + 38, y, colour, radius=6)
            pen.rect(x + 4, y - tall - 8, x + 34, y - tall + 4, darker(colour, 0.3), radius=3)
    pen.rect(x0, y0, x0 + (x1 - x0) * 0.3, y1, (255, 255, 255, 45))


def _lantern(pen: Pen, x: float, y: float) -> None:
    pen.line([(x, y - 60), (x, y)], (80, 60, 40), 3)
    pen.ellipse(x - 34, y, x + 34, y + 80, LANTERN)
    pen.rect(x - 20, y - 6, x + 20, y + 6, (230, 180, 60))
    pen.rect(x - 20, y + 74, x + 20, y + 86, (230, 180, 60))
    pen.line([(x, y + 86), (x, y + 120)], (230, 180, 60), 4)


def _pot_plant(pen: Pen, x: float, ground: float) -> None:
    for dx, dy, r in ((-36, -150, 50), (30, -160, 54), (0, -200, 56), (-10, -120, 44), (24, -112, 40)):
        pen.ellipse(x + dx - r, ground + dy - r, x + dx + r, ground + dy + r, (70, 136, 74))
    pen.polygon(
        [(x - 56, ground - 90), (x + 56, ground - 90), (x + 42, ground), (x - 42, ground)], (184, 96, 60)
    )


def shop_sign(pen: Pen, name: str, c: RGB, *, left: float, width: float) -> None:
    """The sign board over the awning with the sales point's name."""
    pen.rect(left, 150, width - left, 350, (250, 240, 210), radius=14)
    pen.rect(left + 10, 160, width - left - 10, 340, darker(c, 0.25), radius=10)
    lines, size = fit(pen, name, weight="Bold", size=64, width=width - 2 * left - 100, lines=2, smallest=28)
    top = 250 - size * 1.2 * len(lines) / 2
    text_block(pen, lines, cx=width / 2, top=top, weight="Bold", size=size, fill=(255, 244, 206))


def address_strip(pen: Pen, address: str, *, width: float, height: float) -> None:
    sub, size = fit(pen, address, weight="Medium", size=40, width=width - 120, lines=1)
    pen.rect(0, height - 100, width, height, (22, 28, 24, 150))
    text_block(
        pen, sub, cx=width / 2, top=height - 50 - size * 0.6, weight="Medium", size=size, fill=(255, 255, 255)
    )
