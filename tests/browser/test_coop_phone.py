"""A cooperative on a phone: a new order in its queue, accepted, its packing slip printed,
shipped with a carrier and tracking number, delivered with the cash collected; then the
month's statement the office prepares shows the sale and the cash."""

from __future__ import annotations

import datetime as dt
import re

import httpx
import pytest
from playwright.async_api import Page, expect

from shop.catalog.sellability import VIETNAM
from tests.browser.conftest import ARTIFACTS, LiveServer, ledger_ok, tai_hoan_order

pytestmark = pytest.mark.browser


def _order_for_tai_hoan(base: str) -> str:
    """A cash-on-delivery order of Tài Hoan's noodles, placed through the API."""
    with httpx.Client(base_url=base) as client:
        return str(tai_hoan_order(client, "cod")["number"])


async def test_a_cooperative_accepts_prints_and_ships_on_a_phone(page: Page, live_server: LiveServer):
    number = _order_for_tai_hoan(live_server.base_url)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/login?next=/coop/")
    await page.fill("#username", "taihoan")
    await page.fill("#password", "coop12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/coop/"))
    card = page.locator(".queue .card", has_text=number)
    await expect(card).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "coop-1-queue.png"), full_page=True)
    await card.locator("a").first.click()
    await page.screenshot(path=str(ARTIFACTS / "coop-1b-order.png"))
    await expect(page.locator("#accept")).to_be_in_viewport()  # on the first screen, no scrolling
    # A line ticked in the fold, then the fold closed: the big button still accepts every line.
    fold = page.locator("details.cannot-supply")
    await fold.locator("summary").click()
    await fold.locator("input[type=checkbox]").first.check()
    await fold.locator("summary").click()
    await page.click("#accept")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "accepted")
    await expect(page.locator(".order-lines del")).to_have_count(0)  # no line struck out

    slip_url = await page.locator("a", has_text=re.compile("Phiếu đóng gói|Packing slip")).get_attribute(
        "href"
    )
    detail_url = page.url
    await page.goto(slip_url or "")
    await expect(page.locator("h1")).to_contain_text(number)
    await page.emulate_media(media="print")
    await page.screenshot(path=str(ARTIFACTS / "coop-2-slip.png"), full_page=True)
    await page.emulate_media(media="screen")

    await page.goto(detail_url)
    await page.fill("input[name=carrier]", "VNPost")
    await page.fill("input[name=tracking_number]", "EE123456789VN")
    await page.click("#ship")
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "shipped")
    await expect(page.locator("dl.facts")).to_contain_text("EE123456789VN")
    await page.screenshot(path=str(ARTIFACTS / "coop-3-shipped.png"), full_page=True)
    await page.click("#deliver")  # the amount to collect is filled in
    await page.locator("dialog.confirm[open] button.danger").click()  # "delivered" is asked first
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "delivered")
    assert await ledger_ok(live_server.database_url)

    month = _prepare_statements(live_server.base_url)
    await page.goto("/coop/statements/")
    await page.click(f"a[href$='/{month}']")
    row = page.locator("tr[data-kind=online_sale]", has_text=number)
    await expect(row).to_be_visible()
    await expect(page.locator("tr[data-kind=cash_collected]", has_text=number)).to_be_visible()
    await page.screenshot(path=str(ARTIFACTS / "coop-4-statement.png"), full_page=True)


def _prepare_statements(base: str) -> str:
    """The office prepares this month's drafts through the API; answers the month."""
    with httpx.Client(base_url=base) as client:
        token = client.post("/api/v1/auth/tokens", json={"username": "admin", "password": "admin12345"})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        month = dt.datetime.now(VIETNAM).strftime("%Y-%m")
        made = client.post("/api/v1/statements/prepare", json={"month": month}, headers=headers)
        assert made.status_code == 200, made.text
        assert "HTX-TAIHOAN" in [s["producer"] for s in made.json()]
        return month
