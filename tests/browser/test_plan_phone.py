"""The office writes a year's plan on a phone (390 × 844): the plan form and a target's form
with the optional fields left empty, a refusal that keeps what was typed, then the plan's
progress; and the demo's plan (Thái Nguyên's, Bắc Kạn-like) with its progress and its report.
No page is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from shop.catalog.sellability import today
from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# Elements reaching past the screen's right edge, but for a wide table's own scrolling box.
OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.scroll-x') && e.getClientRects().length
    && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`)"""


async def _fits(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"plan-{name}.png"), full_page=True)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, widths)
    assert await page.evaluate(OVERFLOW) == [], name


async def test_the_office_writes_a_plan_on_a_phone_and_sees_its_progress(page: Page, live_server: LiveServer):
    await page.set_viewport_size(PHONE)
    await page.goto("/login?next=/office/")
    await page.fill("#username", "admin")
    await page.fill("#password", "admin12345")
    await page.click("form[action='/login'] button[type=submit]")
    await page.click("a[href='/office/plans/'] >> nth=0")
    await expect(page.locator("h1")).to_have_text("Kế hoạch năm của Chương trình OCOP")
    await _fits(page, "1-plans")

    # The demo's plan: every target with its figures, a province-wide one by former district.
    await page.click(".plan-list a >> nth=0")
    await expect(page.locator(".plan-target")).to_have_count(13)
    await expect(page.locator(".plan-target .badge").first).to_be_visible()
    await expect(page.locator(".plan-target", has_text="Chủ thể tham gia liên kết sản xuất")).to_contain_text(
        "14"
    )
    await page.locator(".plan-target details summary").first.click()
    await expect(page.locator(".plan-target details table").first).to_contain_text("Na Rì")
    await _fits(page, "2-demo-plan")

    # A new plan for Đà Nẵng: the year mistyped first, then saved with the note left empty.
    await page.goto("/office/plans/new")
    da_nang = await page.locator("select[name=province_id] option", has_text="Đà Nẵng").get_attribute("value")
    await page.select_option("select[name=province_id]", value=da_nang)
    await page.fill("input[name=year]", "20x6")
    await page.fill("input[name=title]", "Kế hoạch OCOP Đà Nẵng")
    await page.click("form.office-form button[type=submit]")
    await expect(page.locator(".field-errors")).to_contain_text("Nhập số nguyên từ 2018 đến 2100.")
    await expect(page.locator("input[name=title]")).to_have_value("Kế hoạch OCOP Đà Nẵng")
    await _fits(page, "3-plan-refused")
    await page.fill("input[name=year]", str(today().year))
    await page.click("form.office-form button[type=submit]")
    await expect(page.locator(".flash")).to_have_text("Đã lưu kế hoạch.")

    # A target with every optional field left empty: two fairs this year, province-wide.
    await page.click("a.button[href$='/targets/new']")
    await page.select_option("select[name=measure]", value="fairs_held")
    await page.fill("input[name=target]", "2")
    await _fits(page, "4-target-form")
    await page.click("form.office-form button[type=submit]")
    await expect(page.locator(".flash")).to_have_text("Đã lưu chỉ tiêu.")
    card = page.locator(".plan-target")
    await expect(card).to_have_count(1)
    await expect(card).to_contain_text("Số hội chợ đã tổ chức")
    await expect(card).to_contain_text("Toàn tỉnh")
    await expect(card.locator(".figures")).to_contain_text("0 / 2")
    await expect(card.locator(".badge")).to_be_visible()
    await _fits(page, "5-new-plan")

    # The report: the chosen plan, its rows, the download.
    await page.click("a[href^='/reports/programme']")
    await expect(page.locator("h1")).to_contain_text("Kế hoạch OCOP Đà Nẵng")
    await expect(page.locator("table").first).to_contain_text("Số hội chợ đã tổ chức")
    await _fits(page, "6-report")

    # The dashboard: this year's plan among the office's figures.
    await page.goto("/reports/")
    await expect(page.locator("#programme table tbody tr").first).to_be_visible()
    await page.locator("#programme").scroll_into_view_if_needed()
    await _fits(page, "7-dashboard")
