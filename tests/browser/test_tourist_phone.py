"""A tourist on a phone (390 × 844), in a real browser: the folded menu and filters, a search
alone, checkout with each delivery and each way to pay, and the Korean journey of issue 13 —
honey found by searching in Korean, filtered by province and stars, collected at a sales
point and followed to collection. No page is ever wider than the screen."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import time
from collections.abc import AsyncIterator
from contextlib import closing
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from tests.browser.conftest import ARTIFACTS, LiveServer, _chromium, ledger_ok
from tests.live import deliver_mail

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def browser(live_server: LiveServer) -> AsyncIterator[Browser]:
    """A chromium of the test's own (its contexts keep their cookies and cart apart)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        yield launched
        await launched.close()


async def _phone(browser: Browser, live_server: LiveServer, locale: str) -> Page:
    context = await browser.new_context(base_url=live_server.base_url, viewport=PHONE, locale=locale)
    return await context.new_page()


async def _shot(page: Page, name: str) -> None:
    """A screenshot of the whole page, after checking it is no wider than the phone."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"tourist-phone-{name}.png"), full_page=True)


def _admin(base: str) -> httpx.Client:
    return _api(base, "admin", "admin12345")


def _api(base: str, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=20)
    token = client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
    assert token.status_code in (200, 201), token.text
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


async def _add_to_cart(page: Page, search: str) -> str:
    """Open the products a search lists until one can be bought online; answers its name."""
    await page.goto(f"/products?q={search}")
    links = await page.locator(".card h3 a").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    for href in links:
        await page.goto(href)
        if await page.locator("form.buy button").count():
            name = await page.locator("h1").inner_text()
            await page.locator("form.buy button").click()
            await expect(page).to_have_url(re.compile(r"/cart$"))
            return name
    raise AssertionError(f"nothing found by {search!r} can be bought online")


async def _contact(page: Page) -> None:
    await page.locator("input[name=name]").fill("Kim Min-ji")
    await page.locator("input[name=email]").fill("minji@example.kr")
    await page.locator("input[name=phone]").fill("+82 10 1234 5678")


async def _mail_containing(live_server: LiveServer, text: str) -> str:
    """The email (sent by the server's outbox in the background) holding ``text``."""
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        await deliver_mail(live_server)
        for path in live_server.mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            content = body.get_content() if body else ""
            if text in content:
                return str(content)
        await asyncio.sleep(0.3)
    raise AssertionError(f"no email contains {text!r}")


async def test_the_menu_and_filters_fold_and_a_search_alone_filters(
    browser: Browser, live_server: LiveServer
):
    page = await _phone(browser, live_server, "en-GB")
    await page.goto("/products?lang=en")
    await expect(page.locator("#site-nav")).to_be_hidden()
    await expect(page.locator(".filter-fields")).to_be_hidden()
    await page.locator("label.menu-button").click()
    await expect(page.locator("#site-nav")).to_be_visible()
    await _shot(page, "1-menu")

    await page.locator("#q").fill("honey")
    await page.get_by_role("button", name="Filter", exact=True).click()
    await expect(page).to_have_url(re.compile(r"/products\?q=honey&"))  # the folded fields go too, empty
    await expect(page.locator(".card").first).to_be_visible()
    for name in await page.locator(".card h3").all_inner_texts():
        assert "honey" in name.lower() or "mật ong" in name.lower()
    await _shot(page, "2-search")

    await page.locator("#q").fill("zzqx")
    await page.get_by_role("button", name="Filter", exact=True).click()
    await expect(page.locator(".no-results")).to_contain_text("No results for “zzqx”")
    await expect(page.locator(".card")).to_have_count(0)
    await page.get_by_text("Filters and sort").click()
    await expect(page.locator(".filter-fields")).to_be_visible()
    await _shot(page, "3-no-results")


async def test_checkout_by_card_shipped_on_a_phone(browser: Browser, live_server: LiveServer):
    page = await _phone(browser, live_server, "en-GB")
    await page.goto("/?lang=en")
    await _add_to_cart(page, "honey")
    await page.goto("/checkout")
    await _contact(page)
    await page.locator("#province").select_option(index=1)
    await expect(page.locator("#commune option")).not_to_have_count(1)
    await page.locator("#commune").select_option(index=1)
    await page.locator("input[name=street]").fill("12 Lê Lợi")
    await expect(page.locator("#shipping-fee")).to_contain_text("₫")
    await expect(page.locator("#total-note")).to_be_hidden()  # the total includes the delivery now
    await page.get_by_label(re.compile("Card")).check()
    await _shot(page, "card-1-checkout")
    await page.get_by_role("button", name="Place order").click()
    await expect(page).to_have_url(re.compile(re.escape(live_server.stripe.base_url) + "/pay/"))
    await page.locator("#pay").click()
    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&paid=1"))
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "paid")
    await expect(page.locator("[data-progress]")).to_have_attribute("data-progress", "waiting")
    await _shot(page, "card-2-paid")


async def test_checkout_shows_every_error_at_once_then_ships_cash_on_delivery(
    browser: Browser, live_server: LiveServer
):
    page = await _phone(browser, live_server, "vi-VN")
    await page.goto("/?lang=vi")
    await _add_to_cart(page, "mat ong")
    await page.goto("/checkout")
    await page.locator("input[name=name]").fill("Lan")
    await page.locator("input[name=email]").fill("lan@")
    await page.locator("input[name=payment][value=cod]").check()
    await page.locator("#place-order").click()
    # One answer names every field still wrong, each beside its field, and keeps what was typed.
    for field in ("email", "phone", "province_code", "street"):
        await expect(page.locator(f"#error-{field}")).to_be_visible()
    await expect(page.locator("input[name=name]")).to_have_value("Lan")
    await expect(page.locator("#error-name")).to_have_count(0)
    await _shot(page, "cod-1-errors")

    await page.locator("input[name=email]").fill("lan@example.vn")
    await page.locator("input[name=phone]").fill("0912 345 678")
    await page.locator("#province").select_option(index=2)
    await expect(page.locator("#commune option")).not_to_have_count(1)
    await page.locator("#commune").select_option(index=1)
    await page.locator("input[name=street]").fill("5 Trần Phú")
    await page.locator("#place-order").click()
    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&placed=1"))
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "placed")
    await expect(page.locator(".payment-state")).to_contain_text("tiền mặt")
    await _shot(page, "cod-2-placed")


async def test_checkout_picked_up_and_paid_by_bank_transfer(browser: Browser, live_server: LiveServer):
    page = await _phone(browser, live_server, "en-GB")
    await page.goto("/?lang=en")
    await _add_to_cart(page, "honey")
    await page.goto("/checkout")
    await _contact(page)
    await page.get_by_label("Pick up at a sales point").check()
    points = page.locator("label.pickup-point")
    await expect(points.first).to_be_visible()
    # What the point holds: on its card, or (none of it) said once by its list's summary.
    if await points.first.locator(".holds").count():
        await expect(points.first.locator(".holds")).to_be_visible()
    else:
        await expect(page.locator("details.more-points > summary")).to_contain_text("producers send")
    await points.first.click()
    await expect(page.locator("#shipping-fee")).to_contain_text("0")
    await page.get_by_label("Bank transfer (VietQR)").check()
    await _shot(page, "transfer-1-checkout")
    await page.get_by_role("button", name="Place order").click()

    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&placed=1"))
    number = re.search(r"/orders/(OC\d+)", page.url)[1]  # type: ignore[index]
    transfer = page.locator("section.transfer")
    await expect(transfer).to_contain_text("Agribank")  # BIN 970405, by name
    await expect(transfer).to_contain_text("1234567890123")
    await expect(transfer).to_contain_text("SO CONG THUONG")
    await expect(transfer).to_contain_text(number)
    await expect(transfer.locator(".qr svg")).to_be_visible()
    await expect(page.locator("section.pickup")).to_contain_text("Open in a map")
    image = await page.request.get(
        await transfer.get_by_role("link", name="Save the QR code").get_attribute("href")
    )
    assert image.ok and image.headers["content-type"] == "image/png"
    await _shot(page, "transfer-2-order")

    mail = await _mail_containing(live_server, f"Thank you for your order {number}")
    assert "Agribank" in mail and "1234567890123" in mail and "SO CONG THUONG" in mail
    assert f"/orders/{number}/vietqr.png?token=" in mail


def _honey_held(admin: httpx.Client) -> tuple[dict[str, Any], str]:
    """The best-starred honey some sales point holds, and that point's code; the office names
    it in Korean (the demo has English translations only)."""
    points = admin.get("/api/v1/sales-points").json()
    held = [
        (item, point["code"])
        for point in (points if isinstance(points, list) else points["items"])
        for item in admin.get(
            "/api/v1/products", params={"q": "mat ong", "sales_point": point["code"]}
        ).json()["items"]
        if item["name"].startswith("Mật ong")
    ]
    assert held, "no sales point holds honey in the demo"
    honey, point = max(held, key=lambda found: found[0]["stars"])
    english = admin.get(f"/api/v1/products/{honey['id']}", params={"lang": "en"}).json()
    translations = [
        {"language": "ko", "name": "동반 박하 꿀", "description": "돌 고원의 야생 박하꽃에서 얻은 꿀."}
    ]
    if english["language"] == "en":
        translations.append(
            {"language": "en", "name": english["name"], "description": english["description"]}
        )
    patched = admin.patch(f"/api/v1/products/{honey['id']}", json={"translations": translations})
    assert patched.status_code == 200, patched.text
    return honey, point


def _move(office: httpx.Client, number: str) -> None:
    """The sales point's fulfilment of ``number``, moved one step (accept, pack, hand over,
    collected with the cash it is owed) by the office, who acts for any sales point."""
    queue = office.get("/api/v1/fulfilments").json()
    items = queue["items"] if isinstance(queue, dict) else queue
    fulfilment = next(f for f in items if f["order"] == number)
    step = {
        "new": ("accept", {}),
        "accepted": ("pack", None),
        "packed": ("ship", {"carrier": "Tại quầy", "tracking_number": number}),
        "shipped": ("deliver", {"cash_collected_vnd": fulfilment["amount_to_collect_vnd"]}),
    }[fulfilment["status"]]
    moved = office.post(f"/api/v1/fulfilments/{fulfilment['id']}/{step[0]}", json=step[1])
    assert moved.status_code in (200, 201), moved.text


async def test_a_korean_tourist_finds_honey_collects_it_and_follows_the_order(
    browser: Browser, live_server: LiveServer
):
    with closing(_admin(live_server.base_url)) as admin:
        honey, held_at = _honey_held(admin)
    page = await _phone(browser, live_server, "ko-KR")
    await page.goto("/?lang=ko")
    await page.locator("#home-q").fill("꿀")
    await page.locator("form.search button").click()
    await expect(page).to_have_url(re.compile(r"/products\?q="))
    card = page.locator(".card", has_text="동반 박하 꿀")
    await expect(card).to_be_visible()
    await _shot(page, "ko-1-search")

    await page.locator("label[for=more-filters]").click()
    await page.locator("input[name=province]").fill(honey["origin"]["province"])
    await page.locator("select[name=min_stars]").select_option(
        str(honey["stars"]) if honey["stars"] >= 4 else ""
    )
    await page.locator(".filter-fields button").click()
    await expect(page).to_have_url(re.compile(r"province=.+&"))
    await expect(page.locator(".card", has_text="동반 박하 꿀")).to_be_visible()
    await _shot(page, "ko-2-filtered")

    await page.locator(".card", has_text="동반 박하 꿀").locator("h3 a").click()
    await expect(page.locator("h1")).to_have_text("동반 박하 꿀")
    await page.locator("form.buy button").click()
    await expect(page).to_have_url(re.compile(r"/cart$"))
    await page.goto("/checkout")
    await _contact(page)
    await page.locator("input[name=delivery][value=pickup]").check()
    point = page.locator("label.pickup-point", has=page.locator(f"input[value={held_at}]"))
    await expect(point.locator(".holds.all")).to_be_visible()  # "모든 상품 보유"
    point_name = await point.locator("strong").inner_text()
    await point.click()
    await page.locator("input[name=payment][value=cod]").check()
    await _shot(page, "ko-3-checkout")
    await page.locator("#place-order").click()
    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&placed=1"))
    number = re.search(r"/orders/(OC\d+)", page.url)[1]  # type: ignore[index]
    await expect(page.locator("[data-progress]")).to_have_attribute("data-progress", "waiting")
    await expect(page.locator("section.pickup")).to_contain_text(point_name)
    await _shot(page, "ko-4-placed")

    tracking = page.url.replace("&placed=1", "")
    with closing(_admin(live_server.base_url)) as office:
        _move(office, number)  # accepted
        await page.goto(tracking)
        await expect(page.locator("[data-progress]")).to_have_attribute("data-progress", "preparing")
        _move(office, number)  # packed at the sales point: ready to collect
        await page.goto(tracking)
        await expect(page.locator("[data-progress]")).to_have_attribute("data-progress", "ready")
        await _shot(page, "ko-5-ready")
        _move(office, number)  # handed over at the counter
        _move(office, number)  # collected, the cash taken
    await page.goto(tracking)
    await expect(page.locator("[data-progress]")).to_have_attribute("data-progress", "done")
    await expect(page.locator("li[data-step=delivered]")).to_have_class(re.compile("done"))
    await _shot(page, "ko-6-collected")
    assert await ledger_ok(live_server.database_url)
