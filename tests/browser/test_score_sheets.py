"""The office corrects a score sheet on a phone: opens the tea sheet of 148/2023, makes a
new revision, lowers one option's points, is refused publication because part C no longer
totals 35, raises another option and publishes.

Every page must fit the 390 px screen; each step is kept as a screenshot in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from shop.db import Database
from shop.evaluation.sheets import install_sheets
from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser


async def _step(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"sheets-{name}.png"), full_page=True)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide on a {widths[1]} px screen"


async def _installed(url: str) -> None:
    """The published sheets, as ``ocop db upgrade`` installs them (the SQLite template has none)."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            await install_sheets(session)
            await session.commit()
    finally:
        await db.dispose()


async def _set_points(page: Page, code: str, row: int, points: str) -> None:
    """On the draft's page, edit criterion ``code``: option ``row`` (from 0) gets ``points``."""
    await page.click(f"a:has-text('Sửa {code}')")
    await expect(page.locator("h1")).to_contain_text(code)
    await page.locator("input[name=line-points]").nth(row).fill(points)
    await _step(page, f"edit-{code}")
    await page.click("form.criterion-form button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Đã lưu tiêu chí")


async def test_the_office_corrects_the_tea_sheet_as_a_new_revision_on_a_phone(
    page: Page, live_server: LiveServer, live_database: str
) -> None:
    await _installed(live_database)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/login?next=/office/")
    await page.fill("#username", "admin")
    await page.fill("#password", "admin12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/office/$"))

    await page.click("a[href='/office/evaluation/sheets/']")
    await expect(page.locator("h1")).to_have_text("Phiếu chấm điểm")
    await _step(page, "0-list")
    await page.click("tr.sheet-published a:has-text('Chè tươi, chè chế biến')")
    await expect(page.locator(".sheet-sums")).to_contain_text("35 / 35")
    await expect(page.locator("#add")).to_have_count(0)  # published: no editing in place
    await _step(page, "1-published-sheet")

    await page.click("button:has-text('Tạo phiên bản mới')")
    await expect(page.locator(".flash")).to_contain_text("Đã tạo phiên bản mới")
    await expect(page.locator("h1 small")).to_contain_text("phiên bản 2")
    draft = page.url.split("?")[0]

    # Export capacity: its best option lowered from 5 to 4 points.
    await _set_points(page, "C.8.1", 5, "4")
    await _step(page, "2-option-lowered")
    await page.click("button:has-text('Ban hành')")
    await expect(page.locator(".alert[role=alert]")).to_contain_text("Chưa thể ban hành phiếu này")
    await expect(page.locator(".sheet-problems")).to_contain_text(
        "Phần C đang có tổng 34 điểm; phải đúng 35 điểm."
    )
    await _step(page, "3-publish-refused")

    # Shelf life determined by tests: 2 → 3 points, and part C totals 35 again.
    await page.goto(draft)
    await _set_points(page, "C.7.5", 2, "3")
    await page.click("button:has-text('Ban hành')")
    await expect(page.locator(".flash")).to_contain_text("Đã ban hành phiếu")
    await expect(page.locator(".sheet-status .state")).to_have_text("Đã ban hành")
    await _step(page, "4-published")

    await page.goto("/office/evaluation/sheets/")
    await expect(page.locator("tr.sheet-retired").filter(has_text="Chè tươi, chè chế biến")).to_have_count(1)
    await _step(page, "5-list-after")
