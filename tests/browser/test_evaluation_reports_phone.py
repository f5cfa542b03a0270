"""The office reads the evaluation reports on a phone (390 × 844) and moves between the
evaluation screens through one tab bar: from the office home to the pipeline, councils and
score sheets, then to the reports and back. Nothing is wider than the screen (a report's wide
table scrolls inside its own box), the charts' texts fit, and each page is kept as a screenshot
in test-artifacts/ for people to look at."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import Page, expect

from shop.db import Database
from shop.evaluation.models.registrations import EvaluationKind, EvaluationRound, RoundStatus
from shop.evaluation.models.registrations import RegistrationStatus as S
from shop.evaluation.models.results import EvaluationDecision
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.browser.test_reports_charts import MEASURE
from tests.evaluation import factories as ef
from tests.reports import test_evaluation_reports as data

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
YEAR = 2019  # a year no other journey opens rounds in
K = EvaluationKind
# Elements reaching past the screen's right edge, but for a wide table's own scrolling box.
OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.scroll-x') && e.getClientRects().length
    && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`)"""
SPECS = [
    ("r1", "c1", K.first, S.decided, dt.date(YEAR, 2, 1), (5, dt.date(YEAR, 6, 1)), True),
    ("r1", "c1", K.upgrade, S.decided, dt.date(YEAR, 2, 11), (4, dt.date(YEAR, 6, 1)), False),
    ("r1", "c2", K.first, S.decided, dt.date(YEAR, 3, 3), (2, dt.date(YEAR, 6, 1)), False),
    ("r1", "c2", K.re_evaluation, S.submitted, dt.date(YEAR, 3, 1), None, None),
    ("r2", "c1", K.first, S.decided, dt.date(YEAR, 7, 1), (3, dt.date(YEAR, 10, 10)), False),
    ("r2", None, K.first, S.draft, dt.date(YEAR, 7, 2), None, None),
]


async def _year_of_rounds(url: str) -> None:
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            places = await data._places(session)
            sheet = await ef.sheet(session)
            province = await ef.province_id(session)
            taken = await session.scalar(
                sa.select(sa.func.count())
                .select_from(EvaluationRound)
                .where(EvaluationRound.year == YEAR, EvaluationRound.province_id == province)
            )
            assert taken == 0
            rounds = {
                key: await ef.round_(
                    session, province_id=province, year=YEAR, number=n, status=RoundStatus.decided
                )
                for key, n in (("r1", 1), ("r2", 2))
            }
            decisions: dict[tuple[str, dt.date], EvaluationDecision] = {}
            for spec in SPECS:
                item = await data._product(session, places, spec[1])
                await data._register(session, rounds, sheet, item, spec, decisions)
            await session.commit()
    finally:
        await db.dispose()


async def _fits(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"evaluation-reports-{name}.png"), full_page=True)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, widths, await page.evaluate(OVERFLOW))
    assert await page.evaluate(OVERFLOW) == [], name
    for chart in await page.evaluate(MEASURE):
        assert chart["clipped"] == [] and chart["overlapping"] == [], (name, chart)


async def test_the_office_reads_the_evaluation_reports_on_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    await _year_of_rounds(live_server.database_url)
    await page.set_viewport_size(PHONE)
    await page.goto("/login?next=/office/")
    await page.fill("#username", "admin")
    await page.fill("#password", "admin12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/office/$"))
    await _fits(page, "0-office-home")

    # The office home and its menu lead to the evaluation; its tab bar holds every screen.
    await page.click("ul.office-home a[href='/office/evaluation/']")
    tabs = page.locator("nav.evaluation-nav")
    await expect(tabs.locator("a[aria-current=page]")).to_have_text("Đợt và hồ sơ")
    await expect(tabs.locator("a")).to_have_count(6)
    await _fits(page, "1-pipeline")
    await tabs.locator("a[href='/office/evaluation/councils/']").click()
    await expect(page.locator("nav.evaluation-nav a[aria-current=page]")).to_have_text("Hội đồng")
    await _fits(page, "2-councils")
    await page.locator("nav.evaluation-nav a[href='/office/evaluation/sheets/']").click()
    await expect(page.locator("nav.evaluation-nav a[aria-current=page]")).to_have_text("Phiếu chấm điểm")
    await _fits(page, "3-sheets")
    await page.locator("nav.evaluation-nav a", has_text="Báo cáo đánh giá").click()
    await expect(page).to_have_url(re.compile(r"/reports/evaluation-rounds$"))

    # The year's figures, round by round and commune by commune.
    await page.select_option("select#year", str(YEAR))
    await page.click("form.report-filters button[type=submit]")
    await expect(page.locator("table.report tbody tr")).to_have_count(7)  # 3 + 3 areas, 2 totals, 1
    await expect(page.locator("p.lead")).to_contain_text("6 sản phẩm đăng ký: 4 đã có quyết định")
    await _fits(page, "4-rounds")
    await page.click("nav.tabs a:has-text('Theo huyện cũ')")
    await expect(page.locator("table.report thead")).to_contain_text("Huyện cũ")
    await _fits(page, "5-rounds-by-district")
    await page.click("nav.tabs a:has-text('Tỷ lệ đạt 3★')")
    await expect(page.locator("p.lead")).to_contain_text("3/6 sản phẩm đăng ký đạt từ 3★ trở lên (50\u00a0%)")
    await _fits(page, "6-share")
    await page.click("nav.tabs a:has-text('Cần đánh giá lại')")
    await expect(page.locator("h1")).to_contain_text(str(YEAR))
    await _fits(page, "7-re-evaluations")
    await page.click("nav.tabs a:has-text('Thời gian đến quyết định')")
    await expect(page.locator("table.report tbody tr")).to_have_count(3)
    await _fits(page, "8-duration")
    await page.click("nav.tabs a[href='/office/evaluation/']")
    await expect(page).to_have_url(re.compile(r"/office/evaluation/$"))
