"""Issue 19, a buyer who asks for an e-invoice in their name at the till, on a 1024 × 600
tablet and a 390 × 844 phone: the cashier opens "Xuất hóa đơn theo tên người mua" on the
payment step and types a company's details; a wrong tax code and email are said beside their
fields and nothing typed is lost; corrected, the sale completes and the form is empty and
closed for the next customer. Then, with the whole network off (the page reloaded from the
service worker), a person gives only their name; the sale waits on the device with its buyer
and, back online, both e-invoices are queued on the server in the buyers' names, and the
receipt names the buyer."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa
from playwright.async_api import Page, expect

from shop.accounts.models import Role
from shop.db import Database
from shop.invoices.models import Invoice, SourceKind
from shop.office import people
from shop.till.models import Sale
from tests.browser.conftest import LiveServer
from tests.browser.till_support import TABLET, TEA_PRICE, shot, tablet, tap_tea, till_ready

pytestmark = pytest.mark.browser
CASHIER, PASSWORD = "thu-ngan-hd", "cashier12345"
PHONE = {"width": 390, "height": 844}
COMPANY = {
    "name": "Công ty TNHH Du lịch Ba Bể",
    "tax_code": "4700123456-001",
    "address": "Thị trấn Chợ Rã, Ba Bể, Bắc Kạn",
    "email": "ketoan@dulichbabe.vn",
}
PERSON = "Nguyễn Thị Lan"


async def _cashier(url: str) -> int:
    """A cashier of SP-BACKAN of this test's own: its shift and sales are nobody else's."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            user = await people.create_user(
                session, username=CASHIER, password=PASSWORD, role=Role.staff, location_codes=["SP-BACKAN"]
            )
            await session.commit()
            return int(user.id)
    finally:
        await db.dispose()


async def _invoiced(url: str, user_id: int) -> list[tuple[str, tuple[str | None, ...]]]:
    """The cashier's sales, oldest first: each one's client id and its queued invoice's buyer."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            rows = await s.execute(
                sa.select(
                    Sale.client_id,
                    Invoice.buyer_name,
                    Invoice.buyer_tax_code,
                    Invoice.buyer_address,
                    Invoice.buyer_email,
                )
                .join(Invoice, Invoice.source_id == Sale.id)
                .where(Invoice.source_kind == SourceKind.till_sale)
                .where(Sale.user_id == user_id)
                .order_by(Sale.id)
            )
            return [(str(row[0]), tuple(row[1:])) for row in rows]
    finally:
        await db.dispose()


async def _on_screen(page: Page, selector: str) -> bool:
    """Wholly inside the viewport, the page not scrolled (so seen without scrolling)."""
    box = await page.locator(selector).bounding_box()
    size = page.viewport_size
    assert box is not None and size is not None
    scrolled = await page.evaluate("document.scrollingElement.scrollTop")
    return scrolled == 0 and box["y"] >= 0 and box["y"] + box["height"] <= size["height"]


async def _narrow(page: Page) -> None:
    width = (page.viewport_size or TABLET)["width"]
    assert await page.evaluate("document.documentElement.scrollWidth") <= width


async def _pay_cash(page: Page) -> None:
    await tap_tea(page)
    await page.keyboard.press("F2")
    await page.click(f"#quick-tender button[data-tender='{TEA_PRICE}']")
    await expect(page.locator("#complete")).to_be_enabled()


async def _company_with_mistakes(page: Page) -> None:
    """Typed with two mistakes: said beside the fields, the sale waits, nothing is lost."""
    await _pay_cash(page)
    assert await _on_screen(page, "#complete") and await _on_screen(page, "#buyer-toggle")
    await page.click("#buyer-toggle")
    await expect(page.locator("#buyer-fields")).to_be_visible()
    await expect(page.locator("#buyer-name")).to_be_focused()
    await page.fill("#buyer-name", COMPANY["name"])
    await page.fill("#buyer-tax-code", "4700123456-01")
    await page.fill("#buyer-address", COMPANY["address"])
    await page.fill("#buyer-email", "ketoan@dulichbabe")
    await page.click("#complete")
    await expect(page.locator("#buyer-tax-code-error")).to_contain_text("0101234567-001")
    await expect(page.locator("#buyer-email-error")).to_contain_text("ketoan@congty.vn")
    await expect(page.locator("#buyer-tax-code")).to_be_focused()
    await expect(page.locator("#cart-lines tr")).to_have_count(1)
    await expect(page.locator("#buyer-name")).to_have_value(COMPANY["name"])
    await expect(page.locator("#buyer-address")).to_have_value(COMPANY["address"])
    await expect(page.locator("#buyer-email")).to_have_value("ketoan@dulichbabe")
    await _narrow(page)
    await shot(page, "till-buyer-1-mistakes-1024x600")
    await page.fill("#buyer-tax-code", COMPANY["tax_code"])
    await page.fill("#buyer-email", COMPANY["email"])
    await expect(page.locator("#buyer-fields .field-error:not(:empty)")).to_have_count(0)
    assert await _on_screen(page, "#complete")  # the fields open, "Complete sale" still shows
    await page.click("#complete")
    await expect(page.locator("#cart-lines tr")).to_have_count(0)
    await expect(page.locator("#last-sale")).to_contain_text("SP-BACKAN-", timeout=10_000)
    await expect(page.locator("#last-sale .buyer")).to_contain_text(COMPANY["tax_code"])
    # The next customer starts with the form closed and empty.
    await expect(page.locator("#buyer-fields")).to_be_hidden()
    await expect(page.locator("#buyer-toggle")).to_have_attribute("aria-expanded", "false")
    for field in ("name", "tax-code", "address", "email"):
        await expect(page.locator(f"#buyer-{field}")).to_have_value("")
    await shot(page, "till-buyer-2-sold-1024x600")


async def _person_offline(page: Page) -> None:
    """Only a name (a person, no tax code, address or email), with no network at all; typed
    on the same till on a phone."""
    await _pay_cash(page)
    await page.set_viewport_size(PHONE)
    assert await _on_screen(page, "#complete")  # the buyer's fields closed
    await page.click("#buyer-toggle")
    await page.fill("#buyer-name", PERSON)
    await _narrow(page)
    await shot(page, "till-buyer-3-offline-390x844")
    await page.set_viewport_size(TABLET)
    await page.click("#complete")
    await expect(page.locator("#last-sale .buyer")).to_contain_text(PERSON)
    await expect(page.locator("#pending-count")).to_have_text("1")
    await page.reload()  # still offline: the sale and its buyer wait on the device
    await till_ready(page)
    await expect(page.locator("#pending-count")).to_have_text("1")
    await expect(page.locator("#buyer-fields")).to_be_hidden()


async def test_a_cashier_invoices_in_the_buyers_names_online_and_offline(live_server: LiveServer) -> None:
    user_id = await _cashier(live_server.database_url)
    async with tablet(live_server.base_url) as context:
        page = await context.new_page()
        await page.goto("/login?next=/pos/SP-BACKAN/till")
        await page.fill("#username", CASHIER)
        await page.fill("#password", PASSWORD)
        await page.click("form[action='/login'] button[type=submit]")
        await till_ready(page, offline_ready=True)
        await page.fill("#opening_float", "200.000")
        await page.click("#open-form button[type=submit]")
        await expect(page.locator("#shift-label")).to_contain_text("#")
        await _company_with_mistakes(page)

        await context.set_offline(True)
        await page.reload()  # no network at all: the service worker answers
        await till_ready(page)
        await expect(page.locator("#network")).to_contain_text("Mất mạng")
        await _person_offline(page)
        assert len(await _invoiced(live_server.database_url, user_id)) == 1  # nothing left the tablet

        await context.set_offline(False)
        await expect(page.locator("#pending")).to_be_hidden(timeout=20_000)
        (company_sale, company), (_, person) = await _invoiced(live_server.database_url, user_id)
        assert company == (COMPANY["name"], COMPANY["tax_code"], COMPANY["address"], COMPANY["email"])
        assert person == (PERSON, None, None, None)

        await page.goto(f"/pos/SP-BACKAN/sales/{company_sale}")
        buyer = page.locator("#receipt .buyer")
        await expect(buyer).to_contain_text(COMPANY["name"])
        await expect(buyer).to_contain_text(COMPANY["tax_code"])
        await shot(page, "till-buyer-4-receipt-1024x600")

    # The cashier's shift is closed again, so the shared demo data stays as it was.
    async with httpx.AsyncClient(base_url=live_server.base_url, timeout=20) as api:
        token = await api.post("/api/v1/auth/tokens", json={"username": CASHIER, "password": PASSWORD})
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        shift = (await api.get("/api/v1/sales-points/SP-BACKAN/shifts?page_size=1", headers=headers)).json()
        closed = await api.post(
            f"/api/v1/sales-points/SP-BACKAN/shifts/{shift['items'][0]['id']}/close",
            json={"counted": {"cash": 200_000 + 2 * TEA_PRICE}},
            headers=headers,
        )
        assert closed.status_code == 200, closed.text
