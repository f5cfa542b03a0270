"""Two-step sign-in on a phone (390 × 844): a manager opens Sign-in security, scans (here:
reads) the key, confirms with a first code and sees ten recovery codes; logging in again
then asks for the code after the password and lands on /pos/. A manager of its own, so the
demo users the other journeys log in as keep their password-only login."""

from __future__ import annotations

import re
import time
import uuid

import httpx
import pyotp
import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
PASSWORD = "manager-2fa-pass"


def _new_manager(base_url: str) -> str:
    with httpx.Client(base_url=base_url, timeout=30) as api:
        got = api.post("/api/v1/auth/tokens", json={"username": "admin", "password": "admin12345"})
        headers = {"Authorization": f"Bearer {got.json()['access_token']}"}
        points = api.get("/api/v1/sales-points").json()["items"]
        username = f"manager-{uuid.uuid4().hex[:8]}"
        made = api.post(
            "/api/v1/users",
            headers=headers,
            json={
                "username": username,
                "password": PASSWORD,
                "role": "manager",
                "sales_points": [points[0]["code"]],
            },
        )
        assert made.status_code == 201, made.text
    return username


async def _log_in(page: Page, username: str) -> None:
    await page.goto("/login")
    await page.fill("#username", username)
    await page.fill("#password", PASSWORD)
    await page.click("form[action='/login'] button[type=submit]")


async def _fits(page: Page) -> None:
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is wider than the phone: {widths}"


async def test_a_manager_turns_on_two_step_sign_in_on_a_phone(page: Page, live_server: LiveServer) -> None:
    await page.set_viewport_size(PHONE)
    username = _new_manager(live_server.base_url)
    await _log_in(page, username)
    await expect(page).to_have_url(re.compile(r"/pos/"))

    await page.goto("/account/security/")
    await page.click("form[action='/account/security/enrol'] button")
    await expect(page.locator(".totp-qr svg")).to_be_visible()
    secret = (await page.locator(".totp-secret").inner_text()).replace(" ", "")
    box = await page.locator(".totp-qr svg").bounding_box()
    assert box is not None and 150 <= box["width"] <= PHONE["width"]
    await _fits(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "totp-enrol.png"), full_page=True)

    await page.fill("#confirm-code", pyotp.TOTP(secret).now())
    await page.click("form[action='/account/security/confirm'] button")
    await expect(page.locator(".recovery-codes li")).to_have_count(10)
    await _fits(page)
    await page.screenshot(path=str(ARTIFACTS / "totp-codes.png"), full_page=True)

    await page.context.clear_cookies()
    await _log_in(page, username)
    await expect(page).to_have_url(re.compile(r"/login/code"))
    await page.screenshot(path=str(ARTIFACTS / "totp-login-code.png"), full_page=True)
    await page.fill("#code", pyotp.TOTP(secret).at(time.time() + 30))  # the last code is spent
    await page.click("form[action='/login/code'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/pos/"))
