"""A count that cannot wipe out stock by mistake, on a 1024 × 600 tablet: what is typed is
saved as it is typed (a reload loses nothing), the review says what posting will change, and
a large loss is posted only with its reason."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, ledger_ok

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 600}


async def _log_in(page: Page) -> None:
    await page.goto("/login")
    await page.fill("#username", "manager")
    await page.fill("#password", "manager12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/"))


async def _wide(page: Page) -> bool:
    return bool(await page.evaluate("document.documentElement.scrollWidth > window.innerWidth"))


async def test_a_count_survives_a_reload_and_a_large_loss_needs_its_reason(
    page: Page, live_server: LiveServer
):
    await page.set_viewport_size(TABLET)
    await _log_in(page)
    await page.goto("/pos/SP-BACKAN/counts/")
    await page.click("details.panel summary")
    await page.check("input[name=scope][value=partial]")
    await page.fill("#count-products", "Khăn thổ cẩm Tày Ba Bể")  # 42 at 175 000 ₫
    await page.click("form[action$='/counts/'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/counts/\d+"))
    sheet_url = page.url.split("?")[0]
    line = page.locator("#count-sheet tr[data-line]").first
    await line.locator("input[name=line-counted]").fill("0")
    await line.locator("input[name=line-counted]").press("Tab")  # the line is saved on its own
    await expect(page.locator("[data-autosave-status]")).not_to_be_empty()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "count-1-sheet.png"))

    await page.goto(sheet_url)  # a reload, or a tablet that slept: nothing typed is lost
    await expect(page.locator("#count-sheet tr[data-line] input[name=line-counted]").first).to_have_value("0")

    await page.click("#count-sheet button[formaction$='/review']")
    await expect(page).to_have_url(re.compile(r"/review$"))
    await expect(page.locator("h3", has_text="Các dòng cần ghi lý do")).to_be_visible()
    assert not await _wide(page)
    await page.screenshot(path=str(ARTIFACTS / "count-2-review.png"))
    post = page.locator("form[action$='/post'] button[type=submit]")
    await expect(post).to_be_in_viewport()

    reason = page.locator("form[action$='/post'] input[name=line-reason]").first
    await reason.fill("Hàng mẫu cho khách thử")
    await post.click()
    dialog = page.locator("dialog.confirm[open]")
    await expect(dialog).to_be_visible()
    await dialog.locator("button.danger").click()
    await expect(page.locator(".status.posted")).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "count-3-posted.png"))
    assert await ledger_ok(live_server.database_url)
