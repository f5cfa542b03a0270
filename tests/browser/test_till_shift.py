"""Issue 4's "done when", in a real browser on the demo data: a cashier opens a shift,
sells for cash, keeps selling while the API is cut and through a reload, sees the queued
sales sync by themselves, sells by VietQR transfer and by card, takes a return from the
receipt's page, and closes the shift on its page with a Z-report that matches the ledger.
(The whole network off, with the service worker, is test_till_offline.py.)"""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.conftest import LiveServer, ledger_ok
from tests.browser.till_support import books

pytestmark = pytest.mark.browser
SEARCH = "che xanh may"  # typed without diacritics


async def _stock_and_sales(url: str) -> tuple[int, int]:
    now = await books(url)
    return now.tea, now.sales


async def _log_in(page: Page) -> None:
    await page.goto("/login?next=/pos/till")
    await page.fill("#username", "staff")
    await page.fill("#password", "staff12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/SP-BACKAN/till"))


async def _sell_for_cash(page: Page, *, tendered: str = "") -> None:
    await page.fill("#till-search", SEARCH)
    await page.press("#till-search", "Enter")
    await expect(page.locator("#cart-lines tr")).to_have_count(1)
    await page.click("[data-method=cash]")
    if tendered:
        await page.fill("#pay-tendered", tendered)
    await page.click("#pay-add")
    await page.click("#complete")
    await expect(page.locator("#cart-lines tr")).to_have_count(0)
    await expect(page.locator("#complete")).to_be_disabled()


async def _complete_and_wait_for_receipt(page: Page) -> None:
    """Completes the sale on screen and waits for its own receipt: the previous sale's
    (the synced offline one, or the transfer) is still shown until the server answers."""
    last_sale = page.locator("#last-sale")
    before = await last_sale.get_attribute("data-sale")
    await page.click("#complete")
    if before:
        await expect(last_sale).not_to_have_attribute("data-sale", before)
    await expect(last_sale).to_contain_text("SP-BACKAN-")


async def test_a_cashier_runs_a_whole_shift_through_a_network_cut(
    page: Page, live_server: LiveServer
) -> None:
    stock_before, sales_before = await _stock_and_sales(live_server.database_url)
    await _log_in(page)
    await expect(page.locator("#till[data-ready=yes]")).to_be_attached()
    await page.fill("#opening_float", "500.000")
    await page.click("form[action$='/shifts/open'] button[type=submit]")
    await expect(page.locator("#shift-label")).to_contain_text("#")

    for _ in range(3):
        await _sell_for_cash(page, tendered="200000")
        await expect(page.locator("#last-sale")).to_contain_text("SP-BACKAN-")
    await expect(page.locator("#last-sale")).to_contain_text("85.000")  # change from 200 000

    async def cut(route: Route) -> None:
        await route.abort("internetdisconnected")

    await page.context.route("**/api/v1/**", cut)
    for _ in range(2):
        await _sell_for_cash(page)
    await expect(page.locator("#pending-count")).to_have_text("2")
    await page.reload()  # the queue lives in IndexedDB, the products too
    await expect(page.locator("#till[data-ready=yes]")).to_be_attached()
    await expect(page.locator("#pending-count")).to_have_text("2")
    assert (await _stock_and_sales(live_server.database_url))[1] == sales_before + 3

    await page.context.unroute("**/api/v1/**", cut)
    await expect(page.locator("#pending")).to_be_hidden(timeout=15_000)
    stock_after, sales_after = await _stock_and_sales(live_server.database_url)
    assert sales_after == sales_before + 5
    assert stock_after == stock_before - 5

    # A bank transfer by VietQR, confirmed by the cashier; then a card payment.
    await page.fill("#till-search", SEARCH)
    await page.press("#till-search", "Enter")
    await page.click("[data-method=bank_transfer]")
    await expect(page.locator("#vietqr-code svg")).to_be_visible()
    await page.check("#transfer-received")
    await page.click("#pay-add")
    await _complete_and_wait_for_receipt(page)
    await page.fill("#till-search", SEARCH)
    await page.press("#till-search", "Enter")
    await page.click("[data-method=card]")
    await page.fill("#pay-reference", "VISA 0042")
    await page.click("#pay-add")
    await _complete_and_wait_for_receipt(page)

    # The customer brings one back: from its receipt (80 mm), a return to the shelf.
    sale_id = await page.locator("#last-sale").get_attribute("data-sale")
    await page.goto(f"/pos/SP-BACKAN/sales/{sale_id}")
    await expect(page.locator("#receipt")).to_contain_text("VISA 0042")
    assert await page.locator("#receipt .trace-codes svg").count() == 1
    await page.click("p.actions a[href$='/return']")
    await page.locator("input[name^=qty-]").first.fill("1")
    await page.fill("input[name=reason]", "Khách đổi ý")
    await page.click("form[action$='/return'] button[type=submit]")
    await expect(page.locator(".flash[role=status]")).to_be_visible()

    # Close on the shift's page: count the drawer (float + 5 cash sales of 115 000) and the slips.
    shifts = "fetch('/api/v1/sales-points/SP-BACKAN/shifts?page_size=1').then((r) => r.json())"
    shift = (await page.evaluate(shifts))["items"][0]
    await page.goto(f"/pos/SP-BACKAN/shifts/{shift['id']}")
    await page.fill("input[name=cash]", str(500_000 + 5 * 115_000))
    await page.fill("input[name=bank_transfer]", "115000")
    await page.fill("input[name=card]", "0")
    await page.click("#close-submit")
    await expect(page.locator(".status.closed")).to_be_visible()
    await expect(page.locator("#ledger-check.flash")).to_contain_text("7")
    assert await ledger_ok(live_server.database_url)

    # Back at the till, it knows the shift was closed elsewhere: a new one may open, and the
    # server's Z-report names what this till did not see (the return taken on the receipt page).
    await page.goto("/pos/SP-BACKAN/till")
    await expect(page.locator("#open-panel")).to_be_visible()
    await expect(page.locator("#last-z[data-state=differs]")).to_be_visible()
    await expect(page.locator("#last-z li").first).to_contain_text("0")
