"""Issue 19's "done when", the transfer half, on a 1024 × 600 till tablet: a cashier sells by
VietQR, SePay's notification of the transfer reaches the server, and the till turns green by
itself (the payment is added, ticked and marked received) without the cashier's tick; the sale
is then recorded and the transfer is matched to its receipt, as the office's list shows. The
office's list is also opened on a 390 × 844 phone."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa
from playwright.async_api import async_playwright, expect

from shop.accounts.models import Role
from shop.db import Database
from shop.inventory.models import Location
from shop.office import people
from tests.browser.conftest import _chromium
from tests.browser.till_support import TEA_PRICE, shot, tablet, tap_tea, till_ready
from tests.live import LiveServer, serving

pytestmark = pytest.mark.browser
API_KEY = "live-sepay-key-5d1c"
CASHIER, PASSWORD = "thu-ngan-ck", "cashier12345"


async def _prepare(url: str) -> str:
    """A cashier of SP-BACKAN of this test's own (its shift is nobody else's); the account
    SP-BACKAN's codes pay into."""
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            location = await session.scalar(sa.select(Location).where(Location.code == "SP-BACKAN"))
            assert location is not None and location.bank_account_number
            account = location.bank_account_number
            await people.create_user(
                session, username=CASHIER, password=PASSWORD, role=Role.staff, location_codes=["SP-BACKAN"]
            )
            await session.commit()
            return account
    finally:
        await db.dispose()


@pytest.fixture(scope="module")
def sepay_server(live_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``ocop serve`` on the demo data with SePay's webhook configured (its API key)."""
    with serving(live_database, tmp_path_factory.mktemp("sepay-var"), OCOP_SEPAY_API_KEY=API_KEY) as server:
        yield server


def _notification(reference: str, amount: int, account: str) -> bytes:
    tx = int(uuid.uuid4().int % 10**9)
    return json.dumps(
        {
            "id": tx,
            "gateway": "Agribank",
            "transactionDate": "2026-12-04 20:15:09",
            "accountNumber": account,
            "code": None,
            "content": f"{reference} Thanh toan che xanh",
            "transferType": "in",
            "transferAmount": amount,
            "accumulated": 12_345_000,
            "subAccount": None,
            "referenceCode": f"FT26338{tx}",
            "description": f"BankAPINotify {reference}",
        }
    ).encode()


async def test_a_vietqr_sale_turns_green_when_sepay_reports_the_transfer(sepay_server: LiveServer) -> None:
    account = await _prepare(sepay_server.database_url)
    async with tablet(sepay_server.base_url) as context:
        page = await context.new_page()
        await page.goto("/login?next=/pos/SP-BACKAN/till")
        await page.fill("#username", CASHIER)
        await page.fill("#password", PASSWORD)
        await page.click("form[action='/login'] button[type=submit]")
        await till_ready(page)
        await page.fill("#opening_float", "200.000")
        await page.click("form[action$='/shifts/open'] button[type=submit]")
        await expect(page.locator("#shift-label")).to_contain_text("#")

        await tap_tea(page)
        await page.click("[data-method=bank_transfer]")
        await expect(page.locator("#vietqr-code svg")).to_be_visible()
        await expect(page.locator("#transfer-watch")).to_have_attribute("data-state", "waiting")
        reference = await page.locator("#pay-reference").input_value()
        assert reference.startswith("SP-BACKAN ")
        await shot(page, "till-transfer-waiting-1024x600")
        assert not await page.locator("#transfer-received").is_checked()

        async with httpx.AsyncClient(base_url=sepay_server.base_url, timeout=20) as api:
            told = await api.post(
                "/api/v1/payments/sepay/webhook",
                content=_notification(reference, TEA_PRICE, account),
                headers={"Authorization": f"Apikey {API_KEY}", "Content-Type": "application/json"},
            )
            assert told.status_code == 201 and told.json() == {"success": True}

            # Green by itself: the payment is added and marked received, the sale can complete.
            status = page.locator("#transfer-status")
            await expect(status).to_be_visible(timeout=10_000)
            await expect(status).to_contain_text(reference)
            await expect(page.locator("#payments li.arrived")).to_have_count(1)
            colour = await status.evaluate("(el) => getComputedStyle(el).backgroundColor")
            assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
            await expect(page.locator("#complete")).to_be_enabled()
            await shot(page, "till-transfer-arrived-1024x600")
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= 1024

            await page.keyboard.press("Enter")
            await expect(page.locator("#last-sale")).to_contain_text("SP-BACKAN-", timeout=10_000)
            await expect(status).to_be_hidden()

            token = await api.post(
                "/api/v1/auth/tokens", json={"username": "admin", "password": "admin12345"}
            )
            office = {"Authorization": f"Bearer {token.json()['access_token']}"}
            matched = await api.get("/api/v1/bank-transfers", params={"view": "matched"}, headers=office)
            (mine,) = [t for t in matched.json()["items"] if t["reference"] == reference]
            assert mine["amount_vnd"] == TEA_PRICE and mine["receipt"].startswith("SP-BACKAN-")
            await expect(page.locator("#last-sale")).to_contain_text(mine["receipt"])

            # The cashier's shift is closed again, so the shared demo data stays as it was.
            staff = await api.post("/api/v1/auth/tokens", json={"username": CASHIER, "password": PASSWORD})
            mine_headers = {"Authorization": f"Bearer {staff.json()['access_token']}"}
            shift = (
                await api.get("/api/v1/sales-points/SP-BACKAN/shifts?page_size=1", headers=mine_headers)
            ).json()["items"][0]
            closed = await api.post(
                f"/api/v1/sales-points/SP-BACKAN/shifts/{shift['id']}/close",
                json={"counted": {"cash": 200_000, "bank_transfer": TEA_PRICE}},
                headers=mine_headers,
            )
            assert closed.status_code == 200, closed.text


async def test_the_office_reads_its_transfers_on_a_phone(sepay_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=sepay_server.base_url, timeout=20) as api:
        told = await api.post(
            "/api/v1/payments/sepay/webhook",
            content=_notification("chuyen tien khong ghi ma", 250_000, "999000111"),
            headers={"Authorization": f"Apikey {API_KEY}", "Content-Type": "application/json"},
        )
        assert told.status_code == 201
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        context = await browser.new_context(
            base_url=sepay_server.base_url, viewport={"width": 390, "height": 844}, locale="vi-VN"
        )
        page = await context.new_page()
        await page.goto("/login?next=/office/bank-transfers/")
        await page.fill("#username", "admin")
        await page.fill("#password", "admin12345")
        await page.click("form[action='/login'] button[type=submit]")
        card = page.locator("article.credit-unmatched").first
        await expect(card).to_be_visible()
        await expect(card.locator(".problem")).to_contain_text("Nội dung chuyển khoản không có mã")
        await expect(card.locator("button[type=submit]").first).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= 390
        await shot(page, "office-bank-transfers-390")
        await card.locator("input[name=note]").last.fill("Không phải tiền bán hàng")
        await card.locator("button.secondary").click()
        await expect(page.locator(".flash[role=status]")).to_be_visible()
        await browser.close()
