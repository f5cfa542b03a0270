"""Photos on a phone (390 × 844): a cooperative takes a photo of its product from the file
chooser (the camera on a real phone) and sees it at once, then a second; the office makes
the second one the main photo. Each screen fits the phone's width with its main button in
view without scrolling; screenshots go to test-artifacts/."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.async_api import Page, expect

from shop.demo.real_bac_kan import TAI_HOAN
from shop.demo.sites import MAIN_SALES_POINT
from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _photo(path: Path, colour: str, words: str) -> Path:
    """A phone-sized photo (4:3, 3 megapixels) with words on it, as a JPEG file."""
    image = Image.new("RGB", (2000, 1500), colour)
    ImageDraw.Draw(image).text((80, 80), words, fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


async def _check(page: Page, name: str, main_action: str) -> None:
    """Nothing wider than the screen; the main action in view before any scrolling; a shot."""
    await page.evaluate("window.scrollTo(0, 0)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"photos-{name}.png"))
    await page.screenshot(path=str(ARTIFACTS / f"photos-{name}-full.png"), full_page=True)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide on a {widths[1]} px screen"
    box = await page.locator(main_action).first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], f"{name}: {main_action} is below"


async def _login(page: Page, username: str, password: str, then: str) -> None:
    await page.goto(f"/login?next={then}")
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("form[action='/login'] button[type=submit]")


async def test_a_cooperative_photographs_its_product_and_the_office_picks_the_main_photo(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    await page.set_viewport_size(PHONE)
    await _login(page, "taihoan", "coop12345", "/coop/products")
    await expect(page).to_have_url(re.compile(r"/coop/products$"))
    await _check(page, "1-coop-products", "table.coop-products a.photos-link")
    await page.locator("table.coop-products a.photos-link").first.click()
    await expect(page).to_have_url(re.compile(r"/coop/products/\d+/photos$"))
    product_id = re.search(r"/coop/products/(\d+)/photos", page.url).group(1)  # type: ignore[union-attr]
    photos = page.locator("ol.photo-list > li")
    before = await photos.count()
    await _check(page, "2-coop-empty", "label.photo-pick")

    # The phone's chooser gives the file; the page sends it at once and shows it.
    await page.set_input_files(
        "form[data-photo-upload] input[type=file]", _photo(tmp_path / "a.jpg", "#8a5a00", "honey")
    )
    await expect(photos).to_have_count(before + 1)
    await expect(page.locator(".flash")).to_contain_text("Đã thêm 1 ảnh")
    first = await photos.last.get_attribute("data-photo")
    await expect(photos.last.locator("img")).to_have_js_property("complete", True)
    assert await photos.last.locator("img").evaluate("img => img.naturalWidth") > 0
    await page.set_input_files(
        "form[data-photo-upload] input[type=file]", _photo(tmp_path / "b.jpg", "#1f6f43", "jar")
    )
    await expect(photos).to_have_count(before + 2)
    second = await photos.last.get_attribute("data-photo")
    await _check(page, "3-coop-two-photos", "label.photo-pick")

    # The office, on its own phone, makes the second photo the main one.
    office = await page.context.browser.new_context(
        base_url=live_server.base_url, viewport=PHONE, locale="vi-VN"
    )
    desk = await office.new_page()
    await _login(desk, "admin", "admin12345", f"/office/products/{product_id}/photos")
    await expect(desk).to_have_url(re.compile(r"/office/products/\d+/photos$"))
    await _check(desk, "4-office-photos", "label.photo-pick")
    await desk.locator(f"li[data-photo='{second}'] button.make-main").click()
    await expect(desk.locator(".flash")).to_contain_text("Đã đổi ảnh chính")
    await expect(desk.locator("ol.photo-list > li").first).to_have_attribute("data-photo", second or "")
    await expect(desk.locator("ol.photo-list > li.is-main")).to_have_attribute("data-photo", second or "")
    await _check(desk, "5-office-main-changed", "label.photo-pick")

    # The product's screen shows them in order, the main one marked; the producer's screen
    # and the sales point's have their one photo.
    await desk.goto(f"/office/products/{product_id}")
    await expect(desk.locator(".photo-strip li").first).to_have_class("is-main")
    await _check(desk, "6-office-product", ".photo-strip")
    await desk.goto(f"/office/producers/{TAI_HOAN.code}")
    await desk.set_input_files(
        "form[data-photo-upload] input[type=file]", _photo(tmp_path / "c.jpg", "#555", "co-op")
    )
    await expect(desk.locator(".flash")).to_contain_text("Đã lưu ảnh")
    await _check(desk, "7-office-producer", "#photo label.photo-pick")
    await desk.goto(f"/pos/{MAIN_SALES_POINT}/photo")
    await _check(desk, "8-sales-point-photo", "label.photo-pick")
    await office.close()

    await page.reload()
    await expect(photos.first).to_have_attribute("data-photo", second or "")
    assert first != second
