"""The dashboard's charts: nothing is cut off at the right edge, legend entries never run
into each other, and the online channel reads as online orders in every language."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.i18n import language
from shop.reports import chart
from shop.reports.tables import Table
from shop.templating import build_environment
from tests import factories
from tests.inventory.test_pos_pages import login

SVG = "{http://www.w3.org/2000/svg}"


def _long_table() -> Table:
    return Table(
        key="sales-by-month",
        title="Doanh số",
        columns=[],
        rows=[],
        series=["Quầy tại điểm bán", "Hội chợ triển lãm thương mại", "Đơn hàng trực tuyến"],
        bars=[("2026-11", [1_234_567_890, 0, 0]), ("2026-12", [3, 4, 5])],
    )


def _svg(table: Table) -> ET.Element:
    macro = build_environment().get_template("reports/_chart.html").module.bars  # type: ignore[attr-defined]
    with language("vi"):
        html = str(macro(chart.layout(table), table.title))
    # Our own markup, parsed to measure it: nothing untrusted.
    return ET.fromstring(re.search(r"<svg.*</svg>", html, re.S).group(0))  # noqa: S314


def _texts(svg: ET.Element) -> list[tuple[float, float, str]]:
    """(x, y, text) of every visible text (tooltips aside)."""
    return [
        (
            float(t.get("x", 0)),
            float(t.get("y", 0)),
            "".join(t.itertext()) if t.find(f"{SVG}title") is None else t.text or "",
        )
        for t in svg.iter(f"{SVG}text")
    ]


def test_the_largest_total_fits_inside_the_picture():
    svg = _svg(_long_table())
    width = float(svg.get("viewBox").split()[2])
    for x, _, text in _texts(svg):
        assert x + chart.text_width(text) <= width, (text, x, width)
    total = next(t for x, _, t in _texts(svg) if t.startswith("1.234.567.890"))
    assert total == "1.234.567.890"


def test_legend_entries_do_not_overlap():
    svg = _svg(_long_table())
    entries = []
    for g in svg.iter(f"{SVG}g"):
        text = g.find(f"{SVG}text")
        box = g.find(f"{SVG}rect")
        entries.append(
            (float(box.get("x")), float(text.get("y")), float(text.get("x")) + chart.text_width(text.text))
        )
    assert len(entries) == 3
    for i, (_, y1, end1) in enumerate(entries):
        for x2, y2, _ in entries[i + 1 :]:
            assert y1 != y2 or x2 >= end1, "legend entries overlap"
    height = float(svg.get("viewBox").split()[3])
    assert max(y for _, y, _ in entries) <= height


async def test_the_online_channel_is_named_in_words(client: httpx.AsyncClient, session: AsyncSession):
    name = await factories.user(session, Role.admin)
    await session.commit()
    await login(client, name, lang="vi")
    page = await client.get("/reports/sales?by=channel")
    assert page.status_code == 200
    assert "Đơn hàng trực tuyến" in page.text and "Đang trực tuyến" not in page.text
    dashboard = await client.get("/reports/")
    assert "<title>" in dashboard.text and "all-reports" not in dashboard.text.split("</title>")[0]


async def test_a_reversed_period_is_shown_as_typed_with_why(client: httpx.AsyncClient, session: AsyncSession):
    name = await factories.user(session, Role.admin)
    await session.commit()
    await login(client, name, lang="en")
    reversed_period = {"from": "2026-12-05", "to": "2026-11-01", "by": "month"}
    page = await client.get("/reports/sales", params=reversed_period)
    assert page.status_code == 422 and "The period starts after it ends." in page.text
    assert 'value="2026-12-05"' in page.text and 'value="2026-11-01"' in page.text  # to correct
    assert '<option value="month" selected>' in page.text and "<table" not in page.text
