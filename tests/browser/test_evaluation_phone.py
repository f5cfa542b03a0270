"""A cooperative registers its product for the OCOP evaluation and submits the dossier from a
phone (390 × 844), filling the real forms criterion by criterion with the optional fields left
empty; then the office finds the dossier in its pipeline on the same phone. No page is wider
than the screen."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import Page, expect

from shop.catalog.models import Producer, Product
from shop.catalog.sellability import today
from shop.db import Database
from shop.evaluation.models.registrations import EvaluationRound, RoundStatus
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.evaluation import dossier_support as ev

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# Anything drawn past the right edge of the screen, as "tag.class (right edge)".
# Beyond the phone's right edge, outside a region that scrolls sideways (.scroll-x: the
# cooperative's tabs, one row on a phone).
OVERFLOW = """() => [...document.querySelectorAll('body *')]
  .filter(e => !e.closest('.scroll-x') && e.getClientRects().length
    && e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)})`)"""


async def _round_and_sheet(url: str) -> tuple[int, str, str]:
    """An open round of Tài Hoan's province and a published sheet, written as the office would."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            item = await session.scalar(
                sa.select(Product)
                .join(Producer, Producer.id == Product.producer_id)
                .where(Producer.code == "HTX-TAIHOAN")
                .order_by(Product.id)
                .limit(1)
            )
            assert item is not None and item.origin_province_id is not None
            sheet = await ev.sheet(session, name="Thực phẩm chế biến (phiếu thử)")
            on = today()
            taken = set(
                await session.scalars(
                    sa.select(EvaluationRound.number).where(
                        EvaluationRound.province_id == item.origin_province_id,
                        EvaluationRound.year == on.year,
                    )
                )
            )
            found = EvaluationRound(
                province_id=item.origin_province_id,
                year=on.year,
                number=min({1, 2, 3, 4} - taken),
                registration_until=on + dt.timedelta(days=20),
                dossier_until=on + dt.timedelta(days=40),
                scoring_until=on + dt.timedelta(days=60),
                status=RoundStatus.open,
            )
            session.add(found)
            await session.commit()
            return found.id, sheet.product_set, item.name
    finally:
        await db.dispose()


async def _fits(page: Page, name: str) -> None:
    """The page is no wider than the phone; its screenshot is kept for people to look at."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"evaluation-{name}.png"), full_page=True)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (name, widths, await page.evaluate(OVERFLOW))
    assert await page.evaluate(OVERFLOW) == [], name


async def _log_in(page: Page, username: str, password: str, then: str) -> None:
    await page.goto(f"/login?next={then}")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(re.escape(then)))


async def test_a_cooperative_registers_and_submits_its_dossier_on_a_phone(
    page: Page, live_server: LiveServer
) -> None:
    round_id, product_set, product_name = await _round_and_sheet(live_server.database_url)
    await page.set_viewport_size(PHONE)
    await _log_in(page, "taihoan", "coop12345", "/coop/evaluation/")
    await _fits(page, "1-coop-home")

    await page.click(f"a[href='/coop/evaluation/register?round={round_id}']")
    await page.select_option("select[name=product_id]", label=product_name)
    await page.select_option("select[name=product_set]", value=product_set)
    await _fits(page, "2-coop-register")
    await page.click("form.dossier-form button[type=submit]")
    await expect(page.locator("h1")).to_have_text(product_name)
    await _fits(page, "3-coop-dossier")

    await page.locator("#checklist a").first.click()
    for step in range(4):
        await page.locator("input[name=option]").last.check()
        if step == 0:
            await _fits(page, "4-coop-criterion")
        await page.click("button[name=go][value=next]")
    await expect(page.locator("#checklist")).to_be_visible()
    await _fits(page, "5-coop-ready")
    await page.click("form.submit-form button[type=submit]")
    await expect(page.locator(".dossier-status.s-submitted")).to_be_visible()
    await _fits(page, "6-coop-submitted")

    await page.context.clear_cookies()
    await _log_in(page, "admin", "admin12345", "/office/evaluation/")
    await page.goto(f"/office/evaluation/?round={round_id}")
    card = page.locator(".registration-list .card", has_text=product_name)
    await expect(card).to_be_visible()
    await _fits(page, "7-office-pipeline")
    await card.locator("a").first.click()
    await expect(page.locator(".dossier-status.s-submitted")).to_be_visible()
    await _fits(page, "8-office-dossier")
    await page.click("form[action$='/accept'] button[type=submit]")
    await expect(page.locator(".dossier-status.s-accepted")).to_be_visible()
    await _fits(page, "9-office-accepted")
    await page.goto("/office/evaluation/rounds/new")
    await _fits(page, "10-office-round-form")
    await page.goto(f"/office/evaluation/registrations/new?round={round_id}&q=mien")
    await expect(page.locator("input[name=product_id]").first).to_be_visible()
    await _fits(page, "11-office-register")
