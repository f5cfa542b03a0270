"""The receipt shows the e-invoice's lookup code once issued ("pending" until then), and the
office's report lists refused invoices with a retry button that puts them back in the queue."""

from __future__ import annotations

import sqlalchemy as sa

from shop.invoices import issuing
from shop.invoices.models import Invoice, InvoiceStatus
from shop.jobs import INVOICE_LOADERS
from tests.inventory.test_pos_pages import _token, login
from tests.invoices.conftest import add_seller
from tests.till.support import Till, cash, line, sale

PRICE = 50_000


async def _run(till: Till, sinvoice) -> int:
    db = till.client.app.state.db  # type: ignore[attr-defined]
    return await issuing.issue_due(db, INVOICE_LOADERS, env=sinvoice.env())


async def test_the_receipt_prints_invoice_pending_then_the_lookup_code(till, session, sinvoice):
    await add_seller(session, sinvoice)
    sold = await till.sell(sale([line(till.world.noodles.id)], [cash(PRICE)]))
    await login(till.client, till.world.staff)
    receipt = f"/pos/SP-A/sales/{sold.json()['id']}"
    pending = await till.client.get(receipt)
    assert pending.status_code == 200 and "E-invoice pending" in pending.text
    assert pending.text.count("<svg") == 1  # the trace code only
    assert await _run(till, sinvoice) == 1
    reprint = await till.client.get(receipt)
    async with till.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        invoice = await fresh.scalar(sa.select(Invoice))
    assert invoice.lookup_code and invoice.lookup_code in reprint.text
    assert invoice.invoice_no in reprint.text and "E-invoice pending" not in reprint.text
    assert reprint.text.count("<svg") == 2  # and the QR to the lookup page
    listing = await till.client.get("/pos/SP-A/sales/")
    assert 'data-invoice="issued"' in listing.text and invoice.invoice_no in listing.text


async def test_the_office_retries_a_refused_invoice(till, session, sinvoice):
    await add_seller(session, sinvoice)
    sinvoice.state.refuse_next = "INVALID_BUYER_INFO"
    await till.sell(sale([line(till.world.honey.id)], [cash(PRICE)]))
    assert await _run(till, sinvoice) == 0
    await login(till.client, till.world.admin)
    home = await till.client.get("/office/")
    assert "/office/invoices/" in home.text
    page = await till.client.get("/office/invoices/")
    assert page.status_code == 200 and "INVALID_BUYER_INFO" in page.text and "Retry now" in page.text
    assert "SP-A-000001" in page.text  # the receipt it invoices
    async with till.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        invoice = await fresh.scalar(sa.select(Invoice))
    assert invoice.status == InvoiceStatus.failed
    retried = await till.client.post(
        f"/office/invoices/{invoice.id}/retry", data={"_csrf_token": _token(page.text)}
    )
    assert retried.status_code == 303
    assert await _run(till, sinvoice) == 1
    after = await till.client.get("/office/invoices/")
    assert "INVALID_BUYER_INFO" not in after.text and "every invoice was issued" in after.text
    latest = await till.client.get("/office/invoices/?view=recent")
    assert "1C25MBH00000001" in latest.text


async def test_staff_cannot_open_the_office_invoice_report(till):
    await login(till.client, till.world.staff)
    page = await till.client.get("/office/invoices/", follow_redirects=False)
    assert page.status_code in (302, 303, 401, 403, 404)


async def test_the_office_downloads_an_issued_invoice_s_pdf_from_the_provider(
    till, session, sinvoice, monkeypatch
):
    await add_seller(session, sinvoice)
    await till.sell(sale([line(till.world.tea.id)], [cash(PRICE)]))
    assert await _run(till, sinvoice) == 1
    async with till.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        invoice = await fresh.scalar(sa.select(Invoice))
    await login(till.client, till.world.admin)
    latest = await till.client.get("/office/invoices/?view=recent")
    assert f"/office/invoices/{invoice.id}/pdf" in latest.text
    unreachable = await till.client.get(f"/office/invoices/{invoice.id}/pdf")  # no credentials here
    assert unreachable.status_code == 503 and "no viettel credentials" in unreachable.text
    for key, value in sinvoice.env().items():
        monkeypatch.setenv(key, value)
    got = await till.client.get(f"/office/invoices/{invoice.id}/pdf")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF") and invoice.invoice_no.encode() in got.content
    assert (await till.client.get("/office/invoices/999999/pdf")).status_code == 404


async def test_the_office_cancels_an_issued_invoice_at_the_provider_with_a_reason(
    till, session, sinvoice, monkeypatch
):
    await add_seller(session, sinvoice)
    sold = await till.sell(sale([line(till.world.tea.id)], [cash(PRICE)]))
    assert await _run(till, sinvoice) == 1
    async with till.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        invoice = await fresh.scalar(sa.select(Invoice))
    for key, value in sinvoice.env().items():
        monkeypatch.setenv(key, value)
    await login(till.client, till.world.admin)
    page = await till.client.get("/office/invoices/?view=recent")
    assert "Cancel this invoice" in page.text
    action = f"/office/invoices/{invoice.id}/cancel"
    blank = await till.client.post(action, data={"_csrf_token": _token(page.text), "reason": " "})
    assert blank.status_code == 422 and "Give the reason" in blank.text
    done = await till.client.post(
        action, data={"_csrf_token": _token(page.text), "reason": "Khách trả hàng, hủy giao dịch"}
    )
    assert done.status_code == 303
    assert sinvoice.state.invoices[str(invoice.transaction_uuid)].status == "cancelled"
    async with till.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        assert (await fresh.scalar(sa.select(Invoice))).status == InvoiceStatus.cancelled
    again = await till.client.post(action, data={"_csrf_token": _token(page.text), "reason": "lần nữa"})
    assert again.status_code == 503 and "not issued" in again.text
    await login(till.client, till.world.staff)
    receipt = await till.client.get(f"/pos/SP-A/sales/{sold.json()['id']}")
    assert "E-invoice cancelled" in receipt.text
