"""A cooperative on a phone sees only what it can fulfil: a bank-transfer order waiting for
its money is not in its queue; once the office confirms the transfer (with the bank's
reference) it is, marked paid, and the cooperative accepts it, prints the packing slip,
ships it and marks it delivered after confirming in a dialog."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, ledger_ok, tai_hoan_order

pytestmark = pytest.mark.browser


def _orders(base: str) -> tuple[dict[str, object], str]:
    """Two transfer orders waiting for their money: (the one the office will confirm, the other)."""
    with httpx.Client(base_url=base) as client:
        paid, unpaid = tai_hoan_order(client, "bank_transfer"), tai_hoan_order(client, "bank_transfer")
        return paid, str(unpaid["number"])


async def _office_confirms(page: Page, live_server: LiveServer, order: dict[str, object]) -> None:
    """The office, on its own computer, confirms the transfer with the bank's reference."""
    browser = page.context.browser
    assert browser is not None
    context = await browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1024, "height": 768}
    )
    office = await context.new_page()
    await office.goto("/login")
    await office.fill("#username", "admin")
    await office.fill("#password", "admin12345")
    await office.click("form[action='/login'] button[type=submit]")
    await expect(office).to_have_url(re.compile(r"/office/$"))
    await office.goto("/office/orders/")
    form = office.locator(f"form[action='/office/orders/{order['number']}/transfer-received']")
    await form.locator("input[name=bank_reference]").fill("FT26337123456")
    await form.locator("button[type=submit]").click()
    dialog = office.locator("dialog.confirm[open]")
    await expect(dialog).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await office.screenshot(path=str(ARTIFACTS / "office-transfer-1-confirm.png"))
    await dialog.locator("button.danger").click()
    await expect(office.locator(".flash[role=status]")).to_contain_text(str(order["number"]))
    await office.goto("/office/orders/?view=recent")
    row = office.locator("tr", has_text=str(order["number"]))
    await expect(row.locator("[data-bank-reference]")).to_contain_text("FT26337123456")
    await office.screenshot(path=str(ARTIFACTS / "office-transfer-2-recorded.png"), full_page=True)
    await context.close()


async def _fits(page: Page) -> None:
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is wider than the phone: {widths}"


async def test_a_cooperative_fulfils_a_paid_transfer_order_and_never_sees_an_unpaid_one(
    page: Page, live_server: LiveServer
):
    order, unpaid = _orders(live_server.base_url)
    await _office_confirms(page, live_server, order)
    paid = str(order["number"])
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/login")
    await page.fill("#username", "taihoan")
    await page.fill("#password", "coop12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/coop/$"))  # a cooperative lands on its queue
    card = page.locator(".queue .card", has_text=paid)
    await expect(card).to_be_visible()
    await expect(card.locator("[data-payment=paid]")).to_be_visible()
    await expect(page.locator(".queue .card", has_text=unpaid)).to_have_count(0)
    await expect(page.locator("main")).not_to_contain_text("awaiting_payment")
    await _fits(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "coop-paid-1-queue.png"), full_page=True)

    await card.locator("a").first.click()
    await page.click("#accept")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "accepted")
    await expect(page.locator("dl.facts [data-payment=paid]")).to_be_visible()
    await _fits(page)
    await page.screenshot(path=str(ARTIFACTS / "coop-paid-2-accepted.png"), full_page=True)

    detail = page.url
    slip = await page.locator("a", has_text=re.compile("Phiếu đóng gói|Packing slip")).get_attribute("href")
    await page.goto(slip or "")
    await expect(page.locator("h1")).to_contain_text(paid)
    await page.screenshot(path=str(ARTIFACTS / "coop-paid-3-slip.png"), full_page=True)

    await page.goto(detail)
    await page.fill("input[name=carrier]", "Viettel Post")
    await page.fill("input[name=tracking_number]", "VTP998877")
    await page.click("#ship")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "shipped")
    await expect(page.locator("input[name=cash_collected_vnd]")).to_have_count(0)  # paid: nothing to collect

    await page.click("#deliver")
    dialog = page.locator("dialog.confirm[open]")
    await expect(dialog).to_be_visible()
    await _fits(page)
    await page.screenshot(path=str(ARTIFACTS / "coop-paid-4-confirm-delivered.png"))
    await dialog.locator("button.secondary").click()  # "go back": nothing happens
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "shipped")
    await page.click("#deliver")
    await page.locator("dialog.confirm[open] button.danger").click()
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "delivered")
    await page.screenshot(path=str(ARTIFACTS / "coop-paid-5-delivered.png"), full_page=True)
    assert await ledger_ok(live_server.database_url)
