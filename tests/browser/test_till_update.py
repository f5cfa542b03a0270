"""An app update never loses a sale: a new service worker version arrives while sales made
offline still wait; the till takes it between sales, restarts on the new version, still has
the sales, and sends them. And the receipt goes straight to the print dialog, on 80 mm
paper, and fits a 58 mm roll."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, Route, expect

from tests.browser.conftest import LiveServer, ledger_ok
from tests.browser.till_support import TEA_PRICE, books, complete, log_in, shot, tablet, tap_tea, till_ready

pytestmark = pytest.mark.browser
NEW_VERSION = "fedcba9876"  # a release that is not the running one
# Every frame records its print() instead of opening a dialog the test cannot close.
PRINT_SPY = (
    "window.print = () => { (window.top.__printed ||= []).push(location.pathname + location.search); };"
)


async def _sell_for_cash(page: Page) -> None:
    await tap_tea(page)
    await page.keyboard.press("F2")
    await page.click(f"#quick-tender button[data-tender='{TEA_PRICE}']")
    await complete(page)


async def _close_shift(page: Page, cash: int) -> None:
    await page.click("#open-close")
    await page.fill("#count-cash", str(cash))
    await page.click("#close-submit")
    await expect(page.locator("#last-z[data-state=reconciled]")).to_be_visible(timeout=15_000)


async def test_an_app_update_keeps_the_waiting_sales_and_sends_them(live_server: LiveServer) -> None:
    before = await books(live_server.database_url)
    async with tablet(live_server.base_url) as context:
        page = await context.new_page()
        await log_in(page, "manager", "manager12345")
        await till_ready(page, offline_ready=True)
        old_version = await page.locator("#app-version").text_content()
        await page.fill("#opening_float", "0")
        await page.click("#open-form button[type=submit]")
        await expect(page.locator("#shift-label")).to_contain_text("#")  # opened on the server

        await context.set_offline(True)
        for _ in range(2):
            await _sell_for_cash(page)
        await expect(page.locator("#pending-count")).to_have_text("2")

        async def new_release(route: Route) -> None:
            """The till page as a new release of the app renders it: it asks for its worker."""
            response = await route.fetch()
            body = re.sub(r'data-version="[^"]+"', f'data-version="{NEW_VERSION}"', await response.text())
            await route.fulfill(response=response, body=body)

        async def hold(route: Route) -> None:  # the sales keep waiting while the update lands
            await route.abort("internetdisconnected")

        await context.route("**/api/v1/sales-points/*/sales", hold)
        await context.route("**/pos/SP-BACKAN/till", new_release)
        await context.set_offline(False)
        await page.reload()  # the cashier opens the till again: the new release is out
        await expect(page.locator("#app-version")).to_have_text(NEW_VERSION, timeout=20_000)
        assert old_version != NEW_VERSION
        worker = await page.evaluate("navigator.serviceWorker.controller.scriptURL")
        assert worker.endswith(f"/pos/sw.js?v={NEW_VERSION}")
        await till_ready(page)  # the till restarted on the new version ...
        await expect(page.locator("#pending-count")).to_have_text("2")  # ... and kept the sales
        await shot(page, "till-updated-sales-waiting-1024x600")
        assert (await books(live_server.database_url)).sales == before.sales

        await context.unroute("**/api/v1/sales-points/*/sales", hold)
        await expect(page.locator("#pending")).to_be_hidden(timeout=20_000)
        assert (await books(live_server.database_url)).sales == before.sales + 2
        await _close_shift(page, 2 * TEA_PRICE)
    assert await ledger_ok(live_server.database_url)


async def test_a_receipt_prints_straight_away_on_80_mm_and_fits_58_mm(live_server: LiveServer) -> None:
    async with tablet(live_server.base_url) as context:
        await context.add_init_script(PRINT_SPY)
        page = await context.new_page()
        await log_in(page, "manager", "manager12345")
        await till_ready(page)
        await page.fill("#opening_float", "0")
        await page.click("#open-form button[type=submit]")
        await _sell_for_cash(page)
        await expect(page.locator("#last-sale")).to_contain_text("SP-BACKAN-")
        await page.click("#print-receipt")
        await page.wait_for_function("(window.__printed || []).length === 1")
        printed = (await page.evaluate("window.__printed"))[0]
        assert printed.endswith("layout=80mm")
        frame = page.frame_locator("#receipt-frame")
        await expect(frame.locator("#receipt")).to_contain_text("SP-BACKAN-")
        page_rule = await page.locator("#receipt-frame").evaluate(
            "f => [...f.contentDocument.styleSheets].flatMap(s => [...s.cssRules])"
            ".filter(r => r.constructor.name === 'CSSPageRule').map(r => r.cssText)"
        )
        assert len(page_rule) == 1 and re.search(r"size: 80mm \d+mm", page_rule[0]), page_rule

        # On a 58 mm roll (about 219 CSS pixels), nothing sticks out.
        receipt = await page.locator("#receipt-frame").evaluate("f => f.contentWindow.location.pathname")
        narrow = await context.new_page()
        await narrow.set_viewport_size({"width": 219, "height": 800})
        await narrow.emulate_media(media="print")
        await narrow.goto(f"{receipt}?layout=58mm")
        widths = await narrow.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
        await narrow.screenshot(path="test-artifacts/till-receipt-58mm.png", full_page=True)
        await narrow.close()

        # The same till on a bigger tablet, and on a phone (one column, nothing wider).
        await tap_tea(page)
        await page.set_viewport_size({"width": 1280, "height": 800})
        await shot(page, "till-sale-1280x800")
        box = await page.locator("#complete").bounding_box()
        assert box and box["y"] + box["height"] <= 800
        await page.set_viewport_size({"width": 390, "height": 844})
        await shot(page, "till-sale-390x844")
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await page.click("#clear")
        await page.set_viewport_size({"width": 1024, "height": 600})
        await _close_shift(page, TEA_PRICE)
