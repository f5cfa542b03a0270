"""Printable labels as PDF: name, price, stars and the trace QR code of each item.

Two layouts: an A4 sheet of 24 labels (3 × 8, 70 × 37 mm, the common self-adhesive sheet)
and 50 × 30 mm thermal labels, one per page as label printers expect. The text is set in
Roboto (from the ``font-roboto`` package), which covers Vietnamese; the stars are drawn.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import font_roboto

from shop.i18n import format_vnd

if TYPE_CHECKING:
    from fpdf import FPDF

Layout = Literal["a4", "thermal"]
MAX_LABELS = 2000  # a request for more is refused: print in parts


@dataclass(frozen=True)
class Label:
    name: str
    price_vnd: int
    stars: int | None  # None: not certified now (no stars are printed)
    trace_code: str
    link: str  # what the QR code holds
    batch: str | None = None


@dataclass(frozen=True)
class _Size:
    width: float
    height: float
    qr: float
    name_pt: float
    lines: int


SIZES = {"a4": _Size(70, 37.125, 24, 9, 3), "thermal": _Size(50, 30, 19, 7, 2)}
A4_COLUMNS, A4_ROWS = 3, 8


@cache
def _font(style: str) -> str:
    files = Path(font_roboto.__file__).parent / "files"
    return str(files / ("Roboto-Bold.ttf" if style == "B" else "Roboto-Regular.ttf"))


@lru_cache(maxsize=512)  # one sheet's codes; a print run of thousands must not stay in memory
def _qr(link: str) -> bytes:
    import segno  # imported here: only label printing draws QR codes as PNG

    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=6, border=1)
    return out.getvalue()


def _lines(pdf: FPDF, text: str, width: float, lines: int) -> list[str]:
    """``text`` broken into at most ``lines`` lines of ``width``, the last one shortened."""
    words, out, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if pdf.get_string_width(candidate) <= width or not current:
            current = candidate
            continue
        out.append(current)
        current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and pdf.get_string_width(last + "…") > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


def _draw(pdf: FPDF, label: Label, x: float, y: float, size: _Size) -> None:
    pad = 2.0
    qr = size.qr
    pdf.image(io.BytesIO(_qr(label.link)), x=x + size.width - qr - pad, y=y + pad, w=qr, h=qr)
    text_width = size.width - qr - 3 * pad
    pdf.set_font("Roboto", "B", size.name_pt)
    line_height = size.name_pt * 0.42
    top = y + pad
    for line in _lines(pdf, label.name, text_width, size.lines):
        pdf.set_xy(x + pad, top)
        pdf.cell(text_width, line_height, line)
        top += line_height
    if label.stars:
        radius = size.name_pt * 0.22
        for i in range(label.stars):
            pdf.star(
                x + pad + radius + i * radius * 2.3, top + radius + 0.8, radius * 0.45, radius, 5, 18, "F"
            )
        pdf.set_font("Roboto", "", size.name_pt - 2)
        pdf.set_xy(x + pad + label.stars * radius * 2.3 + 0.5, top + 0.2)
        pdf.cell(12, radius * 2, "OCOP")
        top += radius * 2 + 1.2
    pdf.set_font("Roboto", "B", size.name_pt + 1)
    pdf.set_xy(x + pad, top)
    pdf.cell(text_width, line_height + 1, format_vnd(label.price_vnd, "vi"))
    pdf.set_font("Roboto", "", size.name_pt - 2.5)
    pdf.set_xy(x + size.width - qr - pad, y + pad + qr)
    pdf.cell(qr, 3, label.trace_code, align="C")
    if label.batch:
        pdf.set_xy(x + pad, y + size.height - pad - 3)
        pdf.cell(text_width, 3, label.batch)


def render(labels: list[Label], layout: Layout) -> bytes:
    from fpdf import FPDF  # imported here: fpdf and its fontTools cost a worker about 50 MiB

    size = SIZES[layout]
    pdf = FPDF(unit="mm", format="A4" if layout == "a4" else (size.width, size.height))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("Roboto", "", _font(""))
    pdf.add_font("Roboto", "B", _font("B"))
    pdf.set_title("OCOP labels")
    per_page = A4_COLUMNS * A4_ROWS if layout == "a4" else 1
    for i, label in enumerate(labels):
        if i % per_page == 0:
            pdf.add_page()
        slot = i % per_page
        if layout == "a4":
            x = (210 - A4_COLUMNS * size.width) / 2 + (slot % A4_COLUMNS) * size.width
            y = (297 - A4_ROWS * size.height) / 2 + (slot // A4_COLUMNS) * size.height
        else:
            x = y = 0.0
        _draw(pdf, label, x, y, size)
    if not labels:
        pdf.add_page()
    return bytes(pdf.output())
