"""Issue 3's "done when", in a real browser on the demo data: the manager of a sales point
receives consigned goods with a lot, transfers some to the trade fair (and receives them
there), counts, writes off a damaged unit, and finds every step in the movement history."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.async_api import Page, expect

from shop.catalog.sellability import today
from tests.browser.conftest import ARTIFACTS, LiveServer, ledger_ok

pytestmark = pytest.mark.browser
NOODLES_GTIN = "8936045200018"  # Miến dong Tài Hoan
LOT = "TH-TEST-01"


async def _log_in(page: Page) -> None:
    await page.goto("/login?next=/pos/")
    await page.fill("#username", "manager")
    await page.fill("#password", "manager12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page.locator("a[href='/pos/SP-BACKAN/']")).to_be_visible()


async def _receive(page: Page) -> None:
    await page.goto("/pos/SP-BACKAN/receive")
    await page.select_option("select[name=kind]", "consignment")
    await page.select_option("select[name=producer]", "HTX-TAIHOAN")
    await page.fill("#scan", NOODLES_GTIN)
    await page.press("#scan", "Enter")  # a scanner types the digits, then Enter
    row = page.locator("tr[data-line]").first
    await expect(row.locator("input[name=line-product]")).to_have_value(NOODLES_GTIN)
    await row.locator("input[name=line-quantity]").fill("24")
    await row.locator("input[name=line-batch]").fill(LOT)
    await row.locator("input[name=line-produced_on]").fill((today() - dt.timedelta(days=5)).isoformat())
    await row.locator("input[name=line-expires_on]").fill((today() + dt.timedelta(days=365)).isoformat())
    await row.locator("input[name=line-unit_cost]").fill("52000")
    await page.click("form[action$='/receive'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/receipts/\d+"))
    await expect(page.locator("main")).to_contain_text(LOT)


async def _transfer_to_the_fair(page: Page) -> None:
    await page.goto("/pos/SP-BACKAN/transfers/new")
    await page.select_option("select[name=to_location]", "FAIR-OCOP-TN")
    row = page.locator("tr[data-line]").first
    await row.locator("input[name=line-product]").fill(NOODLES_GTIN)
    await row.locator("input[name=line-quantity]").fill("10")
    await row.locator("input[name=line-batch]").fill(LOT)
    await page.click("form[action$='/transfers/new'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/transfers/\d+"))
    transfer_path = re.search(r"/transfers/\d+", page.url)
    assert transfer_path is not None
    # The manager also runs the fair booth: receive it there, as sent.
    await page.goto(f"/pos/FAIR-OCOP-TN{transfer_path[0]}")
    await page.click("form[action$='/receive'] button[type=submit]")
    await expect(page.locator(".status.received")).to_be_visible()


async def _confirm(page: Page, screenshot: str) -> None:
    """A destructive step asks first: the dialog says what happens; the manager confirms."""
    dialog = page.locator("dialog.confirm[open]")
    await expect(dialog).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / screenshot))
    await dialog.locator("button.danger").click()


async def _count(page: Page) -> None:
    await page.goto("/pos/SP-BACKAN/counts/")
    await page.click("details.panel summary")  # "Start a stock count"
    await page.check("input[name=scope][value=partial]")
    await page.fill("#count-products", NOODLES_GTIN)
    await page.click("form[action$='/counts/'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/counts/\d+"))
    line = page.locator("#count-sheet tr", has_text=LOT)
    await line.locator("input[name=line-counted]").fill("13")
    await line.locator("input[name=line-reason]").fill("Thiếu một gói")
    await page.click("#count-sheet button[formaction$='/review']")
    await expect(page).to_have_url(re.compile(r"/counts/\d+/review$"))  # what posting will change
    await expect(page.locator("[data-review=lost]")).to_contain_text("1")
    await page.click("form[action$='/post'] button[type=submit]")
    await _confirm(page, "manager-count-confirm.png")  # posting cannot be undone: asked first
    await expect(page.locator(".status.posted")).to_be_visible()


async def _write_off(page: Page) -> None:
    await page.goto("/pos/SP-BACKAN/write-off")
    await page.select_option("select[name=reason]", "damaged")
    row = page.locator("tr[data-line]").first
    await row.locator("input[name=line-product]").fill(NOODLES_GTIN)
    await row.locator("input[name=line-quantity]").fill("1")
    await row.locator("input[name=line-batch]").fill(LOT)
    await page.click("form[action$='/write-off'] button[type=submit]")
    await _confirm(page, "manager-write-off-confirm.png")
    await expect(page.locator(".flash[role=status]")).to_be_visible()


async def test_a_manager_receives_transfers_counts_writes_off_and_reads_the_history(
    page: Page, live_server: LiveServer
) -> None:
    await _log_in(page)
    await _receive(page)
    await _transfer_to_the_fair(page)
    await _count(page)
    await _write_off(page)

    await page.goto(f"/pos/SP-BACKAN/?q={NOODLES_GTIN}")  # a scan in the stock search
    await page.click("main table a[href*='/products/'][href$='/movements']")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/products/\d+/movements"))
    history = page.locator("main table.movements tbody tr", has_text=LOT)
    assert await history.count() == 4  # receipt, transfer out, count adjustment, write-off
    newest = await history.first.inner_text()
    assert "12" in newest  # 24 received − 10 sent − 1 short at the count − 1 damaged

    assert await ledger_ok(live_server.database_url)
