"""The geometry of a stacked bar chart, drawn as SVG by ``reports/_chart.html``.

Laid out here rather than in the template so that it can be measured: every text is given
the room its estimated width needs (a total at the end of the longest bar, a long legend
entry), and legend entries flow onto a new line instead of running into each other.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from shop.i18n import format_number
from shop.reports.tables import Table

FONT = 12  # px, the chart's font size
ROW = 22  # px per bar
LABEL_ROOM = 180  # px for the bars' names, left of the bars
LABEL_CHARS = 26  # a longer name is cut with "…" (the full one is in the bar's tooltip)
SWATCH = 12
GAP = 6
COLOURS = ("#1b6b3a", "#4e9a5f", "#9cc9a3", "#b5483b", "#bdbdbd")  # greens, then a red and a grey


def text_width(text: str, size: int = FONT) -> float:
    """A generous estimate of a text's width: CJK characters are square, others narrower."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.62 for c in text)


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    colour: str
    title: str


@dataclass(frozen=True)
class Bar:
    y: float
    label: str
    full_label: str
    segments: list[Segment]
    total_x: float
    total: str


@dataclass(frozen=True)
class LegendItem:
    x: float
    y: float  # the text's baseline
    colour: str
    name: str


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    bars: list[Bar]
    legend: list[LegendItem]


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _legend(series: list[str], top: float, width: float) -> tuple[list[LegendItem], float]:
    """Entries left to right, wrapping onto a new line; the height they take."""
    items: list[LegendItem] = []
    x, y = 0.0, top + FONT
    for i, name in enumerate(series):
        room = SWATCH + GAP + text_width(name) + 2 * GAP
        if x > 0 and x + room > width:
            x, y = 0.0, y + ROW
        items.append(LegendItem(x, y, COLOURS[i % len(COLOURS)], name))
        x += room
    return items, (y - top + GAP) if series else 0.0


def layout(table: Table, bar_width: int = 420) -> Chart:
    """Where each bar, total and legend entry goes, and how large the picture must be."""
    top = max([sum(values) for _, values in table.bars] + [1])
    totals = [format_number(sum(values)) for _, values in table.bars]
    bars: list[Bar] = []
    right = float(LABEL_ROOM + bar_width)
    for index, ((label, values), total) in enumerate(zip(table.bars, totals, strict=True)):
        x, segments = float(LABEL_ROOM), []
        for i, value in enumerate(values):
            w = round(value / top * bar_width, 1)
            name = table.series[i] if i < len(table.series) else ""
            title = f"{label} · {name}: {format_number(value)}"
            segments.append(Segment(x, w, COLOURS[i % len(COLOURS)], title))
            x += w
        bars.append(Bar(index * ROW, _cut(label), label, segments, x + 4, total))
        right = max(right, x + 4 + text_width(total))
    width = max([right + GAP] + [SWATCH + GAP + text_width(name) + GAP for name in table.series])
    legend, legend_height = _legend(table.series, len(bars) * ROW + GAP, width)
    height = len(bars) * ROW + GAP + legend_height
    return Chart(width=round(width, 1), height=round(height, 1), bars=bars, legend=legend)
