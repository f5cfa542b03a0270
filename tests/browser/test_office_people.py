"""The office on /office/people/, on a phone: it creates a cooperative's account by picking
the producer by name, creates a staff member at a sales point and makes them a manager;
then each of them logs in and lands where they work (the office at /office/, managers and
staff at /pos/, a cooperative at /coop/)."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


async def _fits(page: Page) -> None:
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is wider than the phone: {widths}"


async def _log_in(page: Page, username: str, password: str) -> None:
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("form[action='/login'] button[type=submit]")


async def _fresh_page(page: Page, live_server: LiveServer) -> Page:
    """Another person on another phone (no shared cookies)."""
    browser: Browser | None = page.context.browser
    assert browser is not None
    context = await browser.new_context(base_url=live_server.base_url, viewport=PHONE, locale="vi-VN")
    return await context.new_page()


async def test_the_office_creates_accounts_and_changes_a_role(page: Page, live_server: LiveServer):
    await page.set_viewport_size(PHONE)
    await _log_in(page, "admin", "admin12345")
    await expect(page).to_have_url(re.compile(r"/office/$"))  # the office lands on its own home

    await page.goto("/office/people/")
    await expect(page.locator("tr[data-person=taihoan]")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "people-1-list.png"), full_page=True)
    await _fits(page)

    # A cooperative's account: the producer is picked by its name from the suggestions.
    await page.click("a[href='/office/people/new']")
    await page.fill("input[name=full_name]", "Hoàng Văn Tài")
    await page.fill("input[name=username]", "tai.htx")
    await page.fill("input[name=email]", "")
    await page.fill("input[name=password]", "htx-pass-2026")
    await page.check("input[name=role][value=cooperative]")
    await expect(page.locator("fieldset[data-for-roles='manager staff']")).to_be_hidden()
    choice = await page.eval_on_selector(
        "#people-producers", "l => [...l.options].map(o => o.value).find(v => v.includes('HTX-TAIHOAN'))"
    )
    await page.fill("input[name=producer]", choice or "")
    await page.screenshot(path=str(ARTIFACTS / "people-2-new-cooperative.png"), full_page=True)
    await _fits(page)
    await page.click("#new-person button[type=submit]")
    await expect(page.locator("[data-role]")).to_have_attribute("data-role", "cooperative")
    await expect(page.locator("dl.facts")).to_contain_text("Tài Hoan")

    # A staff member at a sales point, then made its manager.
    await page.goto("/office/people/new")
    await page.fill("input[name=full_name]", "Lý Thị Hoa")
    await page.fill("input[name=username]", "hoa.sp")
    await page.fill("input[name=password]", "staff-pass-2026")
    await page.check("input[name=role][value=staff]")
    await page.check("input[name=sales_point][value=SP-BACKAN]")
    await page.click("#new-person button[type=submit]")
    await expect(page.locator("[data-role]")).to_have_attribute("data-role", "staff")
    await page.check("#person-role input[name=role][value=manager]")
    await expect(page.locator("#person-role input[name=sales_point][value=SP-BACKAN]")).to_be_checked()
    await page.click("#person-role button[type=submit]")
    await expect(page.locator("[data-role]")).to_have_attribute("data-role", "manager")
    await expect(page.locator(".flash[role=status]")).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "people-3-made-manager.png"), full_page=True)
    await _fits(page)

    coop = await _fresh_page(page, live_server)
    await _log_in(coop, "tai.htx", "htx-pass-2026")
    await expect(coop).to_have_url(re.compile(r"/coop/$"))
    manager = await _fresh_page(page, live_server)
    await _log_in(manager, "hoa.sp", "staff-pass-2026")
    await expect(manager).to_have_url(re.compile(r"/pos/"))
    await expect(manager.locator("a[href$='/counts/']").first).to_be_visible()  # a manager's screens
    await manager.screenshot(path=str(ARTIFACTS / "people-4-manager-lands-on-pos.png"))
