"""A national list of pickup points on a phone (issue 20): the checkout lists the points that
hold the cart, and the others a province at a time. With script the list follows the
province's select; without, a button posts the form and draws it again, nothing typed lost."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.async_api import Browser, Page, async_playwright, expect

from shop.db import Database
from shop.geo.models import Place
from shop.inventory.models import Location, LocationKind
from shop.storefront.checkout_form import FEW_POINTS
from tests import factories
from tests.browser.conftest import LIVE_BACKEND, _chromium
from tests.browser.test_tourist_phone import PHONE, _add_to_cart, _contact, _shot
from tests.conftest import demo_database
from tests.live import LiveServer, serving

pytestmark = pytest.mark.browser


async def _add_points(url: str) -> tuple[Place, Place]:
    """More points than the form lists at once, alternately in two provinces (by their
    communes): answers the two provinces."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            provinces = await factories.provinces(session, 2)
            for n in range(FEW_POINTS + 2):
                province = provinces[n % 2]
                commune = await session.scalar(
                    sa.select(Place.id).where(Place.province_id == province.id).order_by(Place.id).limit(1)
                )
                session.add(
                    Location(
                        code=f"SP-XA-{n:02d}",
                        name=f"Điểm bán thử {n:02d}",
                        kind=LocationKind.sales_point,
                        place_id=commune,
                        address=f"{n} Đường Thử, {province.name}",
                    )
                )
            await session.commit()
            return provinces[0], provinces[1]
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def national(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[LiveServer, Place]]:
    """``ocop serve`` over the demo data and the extra points, on a database of its own (the
    other journeys keep their short list); answers it and the province holding the odd points."""
    if _chromium() is None:
        pytest.skip("browser tests need chromium (apt-get install chromium)")
    databases = demo_database(LIVE_BACKEND, f"ocop_points_{os.getpid()}", sqlite_template, tmp_path_factory)
    url = next(databases)
    try:
        _, odd = asyncio.run(_add_points(url))
        with serving(url, tmp_path_factory.mktemp("points-var")) as server:
            yield server, odd
    finally:
        next(databases, None)  # drops the database


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        await launched.close()


async def _checkout(browser: Browser, server: LiveServer, *, script: bool) -> Page:
    context = await browser.new_context(
        base_url=server.base_url, viewport=PHONE, locale="en-GB", java_script_enabled=script
    )
    page = await context.new_page()
    await page.goto("/?lang=en")
    await _add_to_cart(page, "honey")
    await page.goto("/checkout")
    await _contact(page)
    await page.locator("input[name=payment][value=cod]").check()
    return page


async def _open_other_points(page: Page) -> None:
    """Unfold the other points (folded when some point holds the whole cart)."""
    if await page.locator("details.more-points").get_attribute("open") is None:
        await page.locator("details.more-points > summary").click()


async def test_a_province_picked_lists_its_points_and_one_is_chosen(
    browser: Browser, national: tuple[LiveServer, Place]
):
    server, odd = national
    page = await _checkout(browser, server, script=True)
    await page.get_by_label("Pick up at a sales point").check()
    await _open_other_points(page)
    await expect(page.locator("#province-hint")).to_be_visible()
    await expect(page.locator("#show-points")).to_have_count(0)  # the script follows the select
    assert not await page.locator("input[value^=SP-XA-]").count()
    await page.locator("#pickup-province").select_option(odd.code)
    await expect(page.locator("#province-points input[value^=SP-XA-]")).to_have_count((FEW_POINTS + 2) // 2)
    await expect(page.locator("#province-hint")).to_be_hidden()
    point = page.locator("label.pickup-point", has=page.locator("input[value=SP-XA-03]"))
    await point.click()
    await _shot(page, "pickup-province-1-chosen")
    await page.locator("#place-order").click()
    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&placed=1"))
    await expect(page.locator("section.pickup")).to_contain_text("Điểm bán thử 03")
    await _shot(page, "pickup-province-2-placed")


async def test_without_script_the_button_shows_a_provinces_points(
    browser: Browser, national: tuple[LiveServer, Place]
):
    server, odd = national
    page = await _checkout(browser, server, script=False)
    # Without script the pickup fields show as soon as the way is chosen (CSS), the address's go.
    await expect(page.locator("#pickup-hint")).to_be_hidden()
    await page.get_by_label("Pick up at a sales point").check()
    await expect(page.locator("#pickup-hint")).to_be_visible()
    await expect(page.locator("#province")).to_be_hidden()
    await _open_other_points(page)
    await page.locator("#pickup-province").select_option(odd.code)
    await page.locator("#show-points").click()
    await expect(page.locator(".alert")).to_have_count(0)
    await expect(page.locator("input[name=name]")).to_have_value("Kim Min-ji")  # nothing typed lost
    await expect(page.locator("#province-points input[value=SP-XA-05]")).to_be_visible()
    await page.locator("label.pickup-point", has=page.locator("input[value=SP-XA-05]")).click()
    await _shot(page, "pickup-province-3-without-script")
    # Enter in a field places the order (not "Show its sales points", the first button shown).
    await page.locator("input[name=name]").press("Enter")
    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&placed=1"))
    await expect(page.locator("section.pickup")).to_contain_text("Điểm bán thử 05")
