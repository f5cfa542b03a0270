"""The provincial office in a real browser, on a phone: adds a producer and a product
(optional fields left empty, as a person would), issues, renews and revokes its certificate
(accepting the confirmation), and imports an Excel list through /office/import/.

Every page is checked to be no wider than the 390 px screen, and each step is kept as a
screenshot in test-artifacts/."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook
from playwright.async_api import Page, expect

from shop.catalog.sellability import today
from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser


async def _step(page: Page, name: str) -> None:
    """A screenshot of the step, and the page must fit the phone's width."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"office-{name}.png"), full_page=True)
    widths = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide on a {widths[1]} px screen"


def _province_list(path: Path, stars: int = 4) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "Tên sản phẩm",
            "Chủ thể",
            "Loại hình",
            "Địa chỉ",
            "Nhóm",
            "Số sao",
            "Số quyết định",
            "Ngày quyết định",
            "Giá",
        ]
    )
    sheet.append(
        [
            "Trà hoa vàng Ba Chẽ",
            "HTX Trà Ba Chẽ",
            "HTX",
            "Ba Chẽ, Quảng Ninh",
            "Chè và sản phẩm từ chè",
            stars,
            "77/QĐ-UBND",
            dt.date(2025, 3, 14),
        ]
    )
    sheet.append(
        [
            "Rượu men lá Ba Chẽ",
            "HTX Trà Ba Chẽ",
            "HTX",
            "Ba Chẽ, Quảng Ninh",
            "Đồ uống có cồn",
            3,
            "77/QĐ-UBND",
            dt.date(2025, 3, 14),
            120000,
        ]
    )
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


async def test_the_office_runs_its_catalog_week_on_a_phone(
    page: Page, live_server: LiveServer, tmp_path: Path
):
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/login?next=/office/")
    await page.fill("#username", "admin")
    await page.fill("#password", "admin12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/office/$"))

    # A producer: name, province and commune picked; everything optional left empty.
    await page.click(".pos-nav a[href='/office/producers/']")
    await page.click("a[href='/office/producers/new']")
    await page.select_option("select[name=province]", label="Tỉnh Thái Nguyên")
    await page.click("form.office-form button[type=submit]")  # the name forgotten
    await expect(page.locator("form.office-form .field-errors")).to_contain_text("Hãy nhập tên.")
    await _step(page, "0-producer-error")
    await page.fill("input[name=name]", "HTX Nông sản Côn Minh")
    await page.select_option("select[name=province]", label="Tỉnh Bắc Kạn (cũ)")
    await expect(page.locator("#communes option[value='Xã Côn Minh, Huyện Na Rì']")).to_have_count(1)
    await page.fill("input[name=commune]", "Xã Côn Minh, Huyện Na Rì")
    await _step(page, "1-producer-form")
    await page.click("form.office-form button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Đã thêm chủ thể")
    await _step(page, "2-producer-added")

    # Its product, from the producer's page: group, unit and price; an English name.
    await page.click("a:has-text('Thêm sản phẩm của chủ thể này')")
    await expect(page.locator("form.office-form input[name=producer]")).to_have_value(
        re.compile("HTX Nông sản Côn Minh")
    )
    await page.select_option("select[name=group]", "food-processed")
    await page.fill("input[name=unit]", "gói")
    await page.fill("input[name=price]", "55.000")
    await page.fill("input[name=name]", "Bánh gio Côn Minh")
    await page.fill("input[name=name_en]", "Con Minh ash rice cake")
    await _step(page, "3-product-form")
    await page.click("form.office-form button[type=submit]")
    await expect(page.locator(".flash")).to_contain_text("Đã thêm sản phẩm")
    await expect(page.locator("h1")).to_have_text("Bánh gio Côn Minh")
    await _step(page, "4-product-page")

    # Issue the certificate (a decision of last year), then renew it with this year's. Sent
    # with nothing chosen first: the answer opens at the form, its message in view.
    form = page.locator("form[action*='/certificates/']")
    await form.locator("button[type=submit]").click()
    await expect(page.locator("#certify ~ .alert")).to_be_in_viewport()
    form = page.locator("form[action*='/certificates/']")
    await form.locator("select[name=stars]").select_option("4")
    await form.locator("input[name=decision_number]").fill("1114/QĐ-UBND")
    await form.locator("input[name=decision_date]").fill((today() - dt.timedelta(days=400)).isoformat())
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".flash")).to_contain_text("Đã ghi nhận giấy chứng nhận")
    await expect(page.locator(".state")).to_contain_text("Đang bán")
    await _step(page, "5-certificate-issued")
    form = page.locator("form[action*='/certificates/']")
    await form.locator("select[name=stars]").select_option("5")
    await form.locator("select[name=council_level]").select_option("central")
    await form.locator("input[name=issuer]").fill("Bộ Nông nghiệp và Môi trường")
    await form.locator("input[name=decision_number]").fill("2231/QĐ-BNNMT")
    await form.locator("input[name=decision_date]").fill(today().isoformat())
    await form.locator("button[type=submit]").click()
    await expect(page.locator(".flash")).to_contain_text("Đã ghi nhận giấy chứng nhận")
    await expect(page.locator("tr.cert-superseded")).to_contain_text("1114/QĐ-UBND")
    await expect(page.locator("tr.cert-active")).to_contain_text("2231/QĐ-BNNMT")
    await _step(page, "6-certificate-renewed")

    # Revoke it: the reason, then a confirmation saying what will happen, accepted.
    await page.locator("tr.cert-active a:has-text('Thu hồi')").click()
    await page.fill("textarea[name=reason]", "Vi phạm quy định ghi nhãn")
    await page.click("button:has-text('Tiếp tục')")
    confirmation = page.locator(".confirm")
    await expect(confirmation).to_contain_text("rời cửa hàng trực tuyến và các quầy thu ngân")
    await _step(page, "7-revoke-confirmation")
    await page.click("button:has-text('Có, thu hồi giấy chứng nhận')")
    await expect(page.locator(".flash")).to_contain_text("Đã thu hồi giấy chứng nhận")
    await expect(page.locator(".state")).to_contain_text("thu hồi")
    await _step(page, "8-certificate-revoked")
    await page.goto("/products?q=banh gio con minh")
    await expect(page.locator("main")).not_to_contain_text("Bánh gio Côn Minh")

    # Import the province's Excel list: preview, then confirm.
    workbook = tmp_path / "danh-sach-ocop.xlsx"
    _province_list(workbook)
    await page.goto("/office/import/")
    await _step(page, "9-import-form")
    mistaken = tmp_path / "danh-sach-loi.xlsx"
    _province_list(mistaken, stars=6)
    await page.set_input_files("input[name=file]", str(mistaken))
    await page.click("button:has-text('Kiểm tra tệp')")
    await expect(page.locator(".alert")).to_contain_text("sẽ không nhập dòng nào")
    await expect(page.locator("table.import-rows")).to_contain_text("Hạng sao phải là 3, 4 hoặc 5.")
    await _step(page, "9b-import-errors")
    await page.click("a:has-text('Tải lên tệp đã sửa')")
    await page.set_input_files("input[name=file]", str(workbook))
    await page.click("button:has-text('Kiểm tra tệp')")
    await expect(page.locator(".flash")).to_contain_text("Cả 2 dòng đều đúng")
    await _step(page, "10-import-preview")
    await page.click("button:has-text('Xác nhận nhập danh sách')")
    await expect(page.locator(".flash")).to_contain_text("Đã nhập 2 dòng")
    await _step(page, "11-import-done")
    await page.goto("/office/products/?q=ba che")
    await expect(page.locator("table.office-list")).to_contain_text("Trà hoa vàng Ba Chẽ")
    await expect(page.locator("table.office-list")).to_contain_text("Rượu men lá Ba Chẽ")
    await _step(page, "12-product-list")

    # On the office's desktop the translations sit side by side.
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto("/office/products/?q=banh gio con minh")
    await page.click("table.office-list a:has-text('Bánh gio Côn Minh')")
    await page.click("a:has-text('Sửa sản phẩm')")
    await expect(page.locator("form.office-form input[name=name_en]")).to_have_value("Con Minh ash rice cake")
    await _step(page, "13-product-edit-desktop")
