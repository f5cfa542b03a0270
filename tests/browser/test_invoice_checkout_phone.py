"""A tourist on a phone (390x844) asks for a VAT invoice at checkout, leaving the optional
address and email empty, pays by card, and once the jobs have issued the invoice through the
(local) SInvoice server sees its number and lookup code on the order's page; the PDF was
emailed to the order's address."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import sqlalchemy as sa
from playwright.async_api import Page, expect

from shop.db import Database
from shop.invoices import issuing
from shop.invoices.models import InvoiceSeller, Provider
from shop.jobs import INVOICE_LOADERS
from shop.mail import outbox
from shop.settings import Settings
from tests.browser.conftest import ARTIFACTS, LiveServer
from tests.sinvoice_server import SInvoiceServer

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
BUYER = "Công ty TNHH Lữ hành Hoa Sen"


@pytest.fixture
def sinvoice() -> Iterator[SInvoiceServer]:
    server = SInvoiceServer().start()
    yield server
    server.stop()


@pytest.fixture
async def live_db(live_server: LiveServer) -> AsyncIterator[Database]:
    db = Database.connect(live_server.database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def seller(live_db: Database, sinvoice: SInvoiceServer) -> AsyncIterator[None]:
    """The operator invoices on the test server's account while the test runs (only then:
    the live server is shared)."""
    async with live_db.write_sessions() as session:
        row = InvoiceSeller(
            name="Trung tâm Xúc tiến OCOP",
            tax_code=sinvoice.state.tax_code,
            address="Hà Nội",
            provider=Provider.viettel,
            template_code="1/001",
            till_series="1C25MBH",
            other_series="1C25TAA",
            vat_percent=8,
        )
        session.add(row)
        await session.commit()
        seller_id = row.id
    yield
    async with live_db.write_sessions() as session:
        await session.execute(
            sa.update(InvoiceSeller).where(InvoiceSeller.id == seller_id).values(active=False)
        )
        await session.commit()


async def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"invoice-checkout-{name}.png"), full_page=True)


async def _fits(page: Page) -> None:
    wide = await page.evaluate("document.documentElement.scrollWidth")
    assert wide <= PHONE["width"], wide


async def test_a_tourist_asks_for_an_invoice_on_a_phone_and_sees_it_issued(
    page: Page, live_server: LiveServer, live_db: Database, sinvoice: SInvoiceServer, seller: None
):
    async with httpx.AsyncClient(base_url=live_server.base_url) as api:
        found = await api.get("/api/v1/products", params={"producer": "HTX-TAIHOAN"})
    product = found.json()["items"][0]
    await page.set_viewport_size(PHONE)
    await page.goto(f"/products/{product['slug']}?lang=en")
    await page.get_by_role("button", name="Add to cart").click()
    await expect(page).to_have_url(re.compile(r"/cart$"))
    await page.get_by_role("link", name="Checkout").click()
    await page.get_by_label("Name").fill("Lan Nguyen")
    await page.get_by_label("Email").fill("lan.tourist@example.com")
    await page.get_by_label("Phone").fill("+84 912 345 678")
    await page.locator("#province").select_option(index=1)
    await expect(page.locator("#commune option")).not_to_have_count(1)
    await page.locator("#commune").select_option(index=1)
    await page.get_by_label("Street address").fill("12 Lê Lợi")
    await page.get_by_text("I need a VAT invoice").click()
    await page.get_by_label("Buyer (company or person)").fill(BUYER)
    await page.get_by_label("Tax code (optional)").fill("0101234567")  # address and email left empty
    await page.get_by_label(re.compile("Card")).check()
    await _fits(page)
    await _shot(page, "1-form")
    await page.get_by_role("button", name="Place order").click()
    await expect(page).to_have_url(re.compile(re.escape(live_server.stripe.base_url) + "/pay/"))
    await page.locator("#pay").click()
    await expect(page).to_have_url(re.compile(r"/orders/OC\d+\?token=.+&paid=1"))
    await expect(page.locator("[data-status]")).to_have_attribute("data-status", "paid")
    section = page.locator("section.invoice")
    await expect(section).to_contain_text(BUYER)
    await expect(section.locator("[data-invoice]")).to_have_attribute("data-invoice", "pending")
    await _shot(page, "2-paid")

    # The jobs (what `ocop jobs run` does): issue through SInvoice, then send the email. Two
    # hours on, in case the live server's own scheduler, which has no SInvoice account, took
    # the invoice first and put it off for an hour.
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    assert await issuing.issue_due(live_db, INVOICE_LOADERS, now=later, env=sinvoice.env()) >= 1
    [issued] = [i for i in sinvoice.state.invoices.values() if i.body["buyerInfo"]["buyerLegalName"] == BUYER]
    assert issued.body["buyerInfo"]["buyerEmail"] == "lan.tourist@example.com"
    settings = Settings(
        database_url=live_server.database_url, secret_key="x", var_dir=live_server.mail_dir.parent
    )
    await outbox.deliver_pending(live_db, settings)

    await page.reload()
    await expect(section.locator("[data-invoice]")).to_have_attribute("data-invoice", "issued")
    await expect(section).to_contain_text(issued.invoice_no)
    await expect(section.locator(".lookup-code")).to_have_text(issued.reservation_code)
    await expect(
        section.get_by_role("link", name="The invoice on the provider's lookup page")
    ).to_be_visible()
    await section.scroll_into_view_if_needed()
    await _fits(page)
    await _shot(page, "3-issued")
    mails = [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in live_server.mail_dir.glob("*.eml")
    ]
    [mail] = [m for m in mails if issued.invoice_no in str(m["Subject"])]
    assert mail["To"] == "lan.tourist@example.com"
    [pdf] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"{issued.invoice_no}.pdf"
