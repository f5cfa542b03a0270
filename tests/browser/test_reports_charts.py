"""The office's charts as a browser draws them: every text inside its picture, legend entries
apart, and the online channel named in words."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser

# For each chart: texts reaching past the right edge, and pairs of legend entries that overlap,
# measured with the browser's own text metrics.
MEASURE = """() => [...document.querySelectorAll("figure.chart svg")].map(svg => {
  const width = svg.viewBox.baseVal.width;
  const clipped = [...svg.querySelectorAll("text")].filter(t => {
    const box = t.getBBox();
    return box.x + box.width > width + 0.5;
  }).map(t => t.textContent);
  const boxes = [...svg.querySelectorAll("g[data-legend]")].map(g => g.getBBox());
  const overlapping = [];
  boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
    if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
      overlapping.push([i, boxes.indexOf(b)]);
    }
  }));
  return {clipped, overlapping, legend: boxes.length};
})"""


async def test_charts_fit_and_name_the_online_channel(page: Page, live_server: LiveServer):
    await page.goto("/login")
    await page.fill("#username", "admin")
    await page.fill("#password", "admin12345")
    await page.click("form[action='/login'] button[type=submit]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.goto("/reports/")
    await page.screenshot(path=str(ARTIFACTS / "reports-1-dashboard.png"), full_page=True)
    charts = await page.evaluate(MEASURE)
    assert len(charts) == 4
    for chart in charts:
        assert chart["clipped"] == [] and chart["overlapping"] == [], chart
    await expect(page.locator("figure.chart g[data-legend]", has_text="Đơn hàng trực tuyến")).to_be_visible()
    # On a phone a chart scrolls in its box; its words stay readable (12 px drawn at 10 or more).
    await page.set_viewport_size({"width": 390, "height": 844})
    scales = await page.evaluate(
        "[...document.querySelectorAll('figure.chart svg')]"
        ".map(svg => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width)"
    )
    assert scales and min(scales) * 12 >= 10, scales
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=str(ARTIFACTS / "reports-1-dashboard-phone.png"))
    await page.set_viewport_size({"width": 1280, "height": 800})
    await page.goto("/reports/sales?by=channel")
    await page.screenshot(path=str(ARTIFACTS / "reports-2-sales.png"), full_page=True)
    await expect(page.locator("table.report thead")).to_contain_text("Đơn hàng trực tuyến")
    await expect(page.locator("main")).not_to_contain_text("Đang trực tuyến")
    await expect(page.locator("main")).not_to_contain_text("online")
