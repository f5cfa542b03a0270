"""A tourist in a real browser: English, a search for honey, two products of two producers,
a card payment on the (local) Stripe page, then the paid order and its tracking page."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, ledger_ok
from tests.live import deliver_mail

pytestmark = pytest.mark.browser


async def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"tourist-{name}.png"), full_page=True)


async def _add_two_from_two_producers(page: Page) -> list[str]:
    """Open the listed products until two of two producers could go into the cart."""
    links = await page.locator(".card h3 a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    producers: dict[str, str] = {}
    for href in links:
        await page.goto(href)
        producer = await page.locator("dl.facts a[href^='/producers/']").first.get_attribute("href")
        if producer in producers or not await page.get_by_role("button", name="Add to cart").count():
            continue
        producers[producer] = await page.locator("h1").inner_text()
        await page.get_by_role("button", name="Add to cart").click()
        await expect(page).to_have_url(re.compile(r"/cart$"))
        if len(producers) == 2:
            return list(producers.values())
    raise AssertionError("the search found no two producers with stock online")


async def test_a_tourist_pays_by_card_and_follows_the_order(page: Page, live_server: LiveServer):
    await page.goto("/")
    await page.locator("#lang-select").select_option("en")
    await expect(page.locator("html")).to_have_attribute("lang", "en")
    await page.get_by_role("searchbox").first.fill("honey")
    await page.get_by_role("button", name="Search").first.click()
    await expect(page).to_have_url(re.compile(r"/products\?q=honey"))
    await expect(page.locator(".card").first).to_be_visible()
    await _shot(page, "1-search")

    names = await _add_two_from_two_producers(page)
    for name in names:
        await expect(page.locator("table.cart")).to_contain_text(name)
    await _shot(page, "2-cart")

    await page.get_by_role("link", name="Checkout").click()
    await page.get_by_label("Name").fill("Jane Tourist")
    await page.get_by_label("Email").fill("jane@example.com")
    await page.get_by_label("Phone").fill("+84 912 345 678")
    await page.locator("#province").select_option(index=1)
    await expect(page.locator("#commune option")).not_to_have_count(1)  # filled from the places API
    await page.locator("#commune").select_option(index=1)
    await page.get_by_label("Street address").fill("12 Lê Lợi")
    await expect(page.locator("#shipping-fee")).to_contain_text("₫")
    await page.get_by_label(re.compile("Card")).check()
    await _shot(page, "3-checkout")
    await page.get_by_role("button", name="Place order").click()

    await expect(page).to_have_url(re.compile(re.escape(live_server.stripe.base_url) + "/pay/"))
    await _shot(page, "4-stripe")
    await page.locator("#pay").click()  # the local Stripe signs and sends its webhook, then returns

    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&paid=1"))
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "paid")
    await expect(page.locator(".fulfilment")).to_have_count(2)
    await expect(page.locator(".history")).to_contain_text("Payment received")
    await _shot(page, "5-paid")
    tracking = page.url.replace("&paid=1", "")
    await page.goto(tracking)
    await expect(page.locator(".fulfilment").first).to_contain_text("Waiting for the producer")
    await _shot(page, "6-tracking")
    assert await ledger_ok(live_server.database_url)
    await deliver_mail(live_server)
    assert any("Payment received" in p.read_text() for p in live_server.mail_dir.glob("*.eml"))
