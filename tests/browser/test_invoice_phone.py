"""The office's e-invoice report on a phone: a refused invoice with the provider's long error,
one pending for hours, and the retry button, all inside a 390 px screen."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
import sqlalchemy as sa
from playwright.async_api import Page, expect

from shop.db import Database
from shop.inventory.models import Location, LocationKind
from shop.invoices import queue
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind
from tests.browser.conftest import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser


async def _queue_two_invoices(url: str) -> None:
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            location = await session.scalar(
                sa.select(Location.id).where(Location.kind == LocationKind.sales_point).limit(1)
            )
            hours_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
            for n, source_id in enumerate((900_001, 900_002)):
                await queue.enqueue(
                    session,
                    SourceKind.till_sale,
                    source_id,
                    key=str(uuid.uuid4()),
                    total_vnd=185_000 * (n + 1),
                    location_id=location,
                    now=hours_ago,
                )
            await session.execute(
                sa.update(Invoice)
                .where(Invoice.source_id == 900_001)
                .values(
                    status=InvoiceStatus.failed,
                    attempts=1,
                    last_error="INVALID_BUYER_TAX_CODE: Mã số thuế người mua 4700123456-999 không hợp lệ "
                    "hoặc không còn hoạt động theo dữ liệu của cơ quan thuế",
                )
            )
            await session.execute(
                sa.update(Invoice)
                .where(Invoice.source_id == 900_002)
                .values(attempts=9, last_error="HTTP 503: Service Unavailable")
            )
            await session.commit()
    finally:
        await db.dispose()


async def test_the_office_reads_and_retries_refused_invoices_on_a_phone(page: Page, live_server: LiveServer):
    await _queue_two_invoices(live_server.database_url)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto("/login?next=/office/")
    await page.fill("#username", "admin")
    await page.fill("#password", "admin12345")
    await page.click("form[action='/login'] button[type=submit]")
    await expect(page).to_have_url(re.compile(r"/office/$"))
    await page.click("main a[href='/office/invoices/']")
    await expect(page.locator("ul.invoices li")).to_have_count(2)
    await expect(page.locator("ul.invoices")).to_contain_text("INVALID_BUYER_TAX_CODE")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "invoices-1-office-phone.png"), full_page=True)
    wide = await page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, wide
    retry = page.locator("li[data-status='failed'] button[type=submit]")
    await expect(retry).to_be_visible()
    await retry.click()
    await expect(page.locator(".notice")).to_be_visible()
    await expect(page.locator("li[data-status='failed']")).to_have_count(0)
    await page.screenshot(path=str(ARTIFACTS / "invoices-2-retried.png"), full_page=True)
