"""A whole evaluation round in a real browser, each person on their own device, nothing
written to the database behind their backs but what the office has before the round (a
published score sheet, an open round, two office accounts for the council, the product).

A cooperative registers its new product and submits the dossier from a phone (390 × 844);
the office, on a tablet lying flat (1024 × 600), accepts it, records the commune's check and
the advisory group's review, forms the council, seats a chair and a member and gives it the
product; the two members score on their tablets (one flat, one upright), the office records
the result and issues the decision; the product's page, on a phone, shows its four stars,
and so does the trace page. Screenshots go to test-artifacts/round-*.png; no page is wider
than its screen."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from playwright.async_api import Page, expect

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product
from shop.catalog.schemas import ProductIn
from shop.catalog.sellability import today
from shop.catalog.services import create_product
from shop.db import Database
from shop.evaluation.models.registrations import EvaluationRound, RoundStatus
from tests import factories as f
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.browser.test_council_tablet import CHOICES, _choose, _sign, _tablet
from tests.evaluation import factories as ef

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
FLAT = {"width": 1024, "height": 600}
UPRIGHT = {"width": 768, "height": 1024}
MEMBERS = ("hd2.chutich", "hd2.uyvien")
PRODUCT = "Miến dong Tài Hoan sợi nhỏ"


async def _prepare(url: str) -> tuple[int, str, list[int]]:
    """The office's groundwork: Tài Hoan's new product (never evaluated), a published sheet,
    an open round of its province, two office accounts. Answers the round, the sheet's
    product set and the accounts' ids."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            maker = await session.scalar(sa.select(Producer).where(Producer.code == "HTX-TAIHOAN"))
            assert maker is not None
            item = await create_product(
                session,
                ProductIn(
                    producer_code=maker.code,
                    group_code="food-processed",
                    name=PRODUCT,
                    unit="gói 500 g",
                    price_vnd=65_000,
                ),
            )
            assert item.origin_province_id is not None
            criteria = await ef.sheet(session)
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
                number=min(set(range(1, 9)) - taken),
                registration_until=on + dt.timedelta(days=20),
                dossier_until=on + dt.timedelta(days=40),
                scoring_until=on + dt.timedelta(days=60),
                status=RoundStatus.open,
            )
            session.add(found)
            ids = []
            for name, last in zip(MEMBERS, ("Chủ tịch", "Ủy viên"), strict=True):
                await f.user(session, Role.admin, username=name, last_name=last)
                ids.append(await ef.user_id(session, name))
            await session.commit()
            return found.id, criteria.product_set, ids
    finally:
        await db.dispose()


async def _slug(url: str) -> tuple[str, str]:
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            row = (
                await session.execute(
                    sa.select(Product.slug, Product.trace_code).where(Product.name == PRODUCT)
                )
            ).one()
            return row[0], row[1]
    finally:
        await db.dispose()


async def _shot(page: Page, name: str, *, full: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"round-{name}.png"), full_page=full)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide on a {widths[1]} px screen"


async def _log_in(page: Page, username: str, password: str, then: str) -> None:
    await page.goto(f"/login?next={then}")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(re.escape(then)))


async def _device(page: Page, live_server: LiveServer, size: dict[str, int]) -> Page:
    return await _tablet(page, live_server, size)


async def test_a_whole_round_in_the_browser_from_the_phone_to_the_stars(
    page: Page, live_server: LiveServer
) -> None:
    round_id, product_set, member_ids = await _prepare(live_server.database_url)

    # -- the cooperative, on its phone: registers and submits --
    phone = await _device(page, live_server, PHONE)
    await _log_in(phone, "taihoan", "coop12345", "/coop/evaluation/")
    await phone.click(f"a[href='/coop/evaluation/register?round={round_id}']")
    await phone.select_option("select[name=product_id]", label=PRODUCT)
    await phone.select_option("select[name=product_set]", value=product_set)
    await phone.click("form.dossier-form button[type=submit]")
    await expect(phone.locator("h1")).to_have_text(PRODUCT)
    await _shot(phone, "01-coop-dossier", full=True)
    await phone.locator("#checklist a").first.click()
    for step in range(5):  # one criterion a screen: the best option claimed
        await phone.locator("input[name=option]").last.check()
        if step == 0:
            await _shot(phone, "02-coop-criterion")
        await phone.click("button[name=go][value=next]")
    await expect(phone.locator("#checklist")).to_be_visible()
    await phone.click("form.submit-form button[type=submit]")
    await expect(phone.locator(".dossier-status.s-submitted")).to_be_visible()
    await _shot(phone, "03-coop-submitted", full=True)

    # -- the office, on a tablet: the dossier's checks, then the council --
    office = await _device(page, live_server, FLAT)
    await _log_in(office, "admin", "admin12345", "/office/evaluation/")
    await office.goto(f"/office/evaluation/?round={round_id}")
    await office.locator(".registration-list .card", has_text=PRODUCT).locator("a").first.click()
    await expect(office.locator(".dossier-status.s-submitted")).to_be_visible()
    await _shot(office, "04-office-dossier")
    await office.click("form[action$='/accept'] button[type=submit]")
    await expect(office.locator(".dossier-status.s-accepted")).to_be_visible()
    check = office.locator("form[action$='/commune-check']")
    for box in await check.locator("input[type=checkbox]").all():
        await box.check()
    await check.locator("button[type=submit]").click()
    await office.fill("#review-form textarea[name=note]", "Hồ sơ đầy đủ; mẫu sản phẩm đạt yêu cầu.")
    await office.click("#review-form button[type=submit]")
    await expect(office.locator(".dossier-status.s-reviewed")).to_be_visible()
    await _shot(office, "05-office-reviewed")

    await office.goto("/office/evaluation/councils/")
    await office.select_option("select[name=round_id]", value=str(round_id))
    await office.fill("input[name=name]", "Hội đồng OCOP tỉnh, đợt trọn vẹn")
    await office.click("form[action='/office/evaluation/councils/'] button[type=submit]")
    await expect(office).to_have_url(re.compile(r"/office/evaluation/councils/\d+"))
    for user_id, role in zip(member_ids, ("chair", "member"), strict=True):
        await office.select_option("select[name=user_id]", value=str(user_id))
        await office.select_option("select[name=role]", value=role)
        await office.click("form[action$='/members'] button[type=submit]")
        await expect(office.locator(f"select[name=user_id] option[value='{user_id}']")).to_have_count(0)
    given = office.locator("form[action$='/assignments']")
    await given.locator("label.check", has_text=PRODUCT).locator("input").check()
    await given.locator("button[type=submit]").click()
    await expect(office.locator("#given-title")).to_be_visible()
    await expect(office.locator("main")).to_contain_text(PRODUCT)
    await _shot(office, "06-office-council", full=True)

    # -- the two members, each on a tablet --
    chair, member = await _device(page, live_server, FLAT), await _device(page, live_server, UPRIGHT)
    await asyncio.gather(
        _log_in(chair, MEMBERS[0], "password123", "/office/"),
        _log_in(member, MEMBERS[1], "password123", "/office/"),
    )
    for tablet, choices, name in ((chair, CHOICES[0], "07-chair"), (member, CHOICES[1], "08-member")):
        await tablet.goto("/office/evaluation/score/")
        await _shot(tablet, f"{name}-list")
        await tablet.locator("a[href$='#sheet']", has_text=PRODUCT).first.click()
        await expect(tablet.locator("form[data-sheet]")).to_be_visible()
        await _choose(tablet, choices)
        await _shot(tablet, f"{name}-filled")
        await _sign(tablet, sum(choices.values()))
        await _shot(tablet, f"{name}-signed")

    # -- the office: the result, the decision --
    # The office finds the result from the council's page: the product links to it.
    await office.goto("/office/evaluation/councils/")
    await office.click("a:text('Hội đồng OCOP tỉnh, đợt trọn vẹn')")
    await expect(office.locator("main")).to_contain_text("2 / 2")
    await office.locator("a", has_text=PRODUCT).first.click()
    await expect(office).to_have_url(re.compile(r"/office/evaluation/results/\d+"))
    registration_id = int(office.url.rsplit("/", 1)[1].split("?")[0])
    await expect(office.locator(".state-ready")).to_be_visible()
    await office.click(f"form[action='/office/evaluation/results/{registration_id}'] button")
    await expect(office).to_have_url(re.compile(r"done=ranked"))
    await expect(office.locator(".result-figures")).to_contain_text("75,00")
    await _shot(office, "09-office-result")
    await office.click(f"a[href='/office/evaluation/decisions/new?round_id={round_id}']")
    await office.fill("input[name=number]", "2025/QĐ-UBND")
    await office.fill("input[name=signer]", "Nguyễn Văn An, Phó Chủ tịch")
    await office.locator(f"input[name=registration][value='{registration_id}']").check()
    await office.click("button[name=action][value=preview]")
    await expect(office.locator("#preview-title")).to_be_visible()
    await office.click("button[name=action][value=issue]")
    await office.click("dialog.confirm button.danger")
    await expect(office).to_have_url(re.compile(r"/office/evaluation/decisions/\d+\?done=issued"))
    await _shot(office, "10-office-decision", full=True)

    # -- the storefront and the trace page, on a phone, at once --
    slug, trace_code = await _slug(live_server.database_url)
    shop_link = office.locator("table a[href^='/products/']")
    await expect(shop_link).to_have_attribute("href", f"/products/{slug}")  # the office checks it there
    visitor = await _device(page, live_server, PHONE)
    await visitor.goto(await shop_link.get_attribute("href") or "")
    await expect(visitor.locator("p.stars").first).to_contain_text("★★★★")
    await _shot(visitor, "11-product-stars")
    await visitor.goto(f"/t/{trace_code}")
    await expect(visitor.locator("p.stars").first).to_contain_text("★★★★")
    await _shot(visitor, "12-trace-stars")
