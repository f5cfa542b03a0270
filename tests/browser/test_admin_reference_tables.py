"""Piccolo Admin as the office reads it: a reference table's list shows no "NULL", its
fields explain themselves in Vietnamese, and the certificate form opens."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser


async def test_the_admin_reads_in_vietnamese_and_its_form_opens(page: Page, live_server: LiveServer):
    await page.goto("/admin/")
    await page.fill("input[name=username]", "admin")
    await page.fill("input[name=password]", "admin12345")
    await page.press("input[name=password]", "Enter")
    await expect(page.locator("input[name=password]")).to_have_count(0)  # logged in
    await page.goto("/admin/#/producer")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await expect(page.get_by_text("HTX-TAIHOAN", exact=True)).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "admin-1-producers.png"), full_page=True)
    cells = await page.locator("table tbody td:visible").all_inner_texts()
    assert cells and "NULL" not in cells

    await page.goto("/admin/#/forms")
    link = page.locator("a", has_text=re.compile("công nhận lại", re.I)).first
    await expect(link).to_be_visible()
    # Click once the admin's page has settled: a click made earlier can land back on its home
    # page (seen once under CI load).
    await page.wait_for_load_state("networkidle")
    await link.click()
    await expect(page.locator("input[name=product]")).to_be_visible(timeout=15_000)
    await expect(page.locator("form")).to_contain_text("Cấp hội đồng công nhận")
    await page.screenshot(path=str(ARTIFACTS / "admin-2-certificate-form.png"), full_page=True)
    await page.goto("/admin/#/")
    office = page.locator("a", has_text=re.compile("thu hồi chứng nhận", re.I)).first
    await expect(office).to_be_visible()  # revoking is done on the office's own screen
    assert await office.get_attribute("href") == "/office/products/"
