"""A till sale's e-invoice: queued with the sale, issued after it through SInvoice, exactly once.

The provider is a local server speaking SInvoice's protocol; the queue is run the way
``ocop jobs run`` runs it, at the times the test chooses.
"""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa

from shop.db import Database
from shop.invoices import issuing, queue
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind
from shop.jobs import INVOICE_LOADERS
from shop.mail.models import OutgoingEmail
from tests.invoices.conftest import add_seller
from tests.sinvoice_server import SInvoiceServer
from tests.till.support import Till, cash, line, sale

PRICE = 50_000


def db_of(till: Till) -> Database:
    return till.client.app.state.db  # type: ignore[attr-defined, no-any-return]


async def invoices(till: Till) -> list[Invoice]:
    async with db_of(till).read_sessions() as fresh:
        return list(await fresh.scalars(sa.select(Invoice).order_by(Invoice.id)))


async def run(till: Till, server: SInvoiceServer, now: dt.datetime | None = None, **env: str) -> int:
    return await issuing.issue_due(db_of(till), INVOICE_LOADERS, now=now, env=server.env(timeout=0.5) | env)


async def test_a_sale_is_invoiced_after_it_is_committed_and_only_once(till, session, sinvoice):
    await add_seller(session, sinvoice)
    noodles, honey = till.world.noodles.id, till.world.honey.id
    body = sale([line(noodles, 2), line(honey, 1)], [cash(3 * PRICE)])
    sold = await till.sell(body)
    assert sold.status_code == 201, sold.text
    [queued] = await invoices(till)
    assert (queued.status, queued.source_kind, queued.total_vnd) == (
        InvoiceStatus.pending,
        "till_sale",
        3 * PRICE,
    )
    assert queued.transaction_uuid == queue.transaction_uuid(SourceKind.till_sale, body["id"])
    assert sinvoice.state.create_calls == 0  # the sale did not wait for the provider
    assert await till.sell(body) and len(await invoices(till)) == 1  # the same sale again: one invoice
    assert await run(till, sinvoice) == 1
    [issued] = await invoices(till)
    assert issued.status == InvoiceStatus.issued and issued.invoice_no == "1C25MBH00000001"
    assert issued.series == "1C25MBH" and issued.lookup_code and issued.last_error is None
    sent = sinvoice.state.invoices[str(issued.transaction_uuid)].body
    assert [i["itemTotalAmountWithTax"] for i in sent["itemInfo"]] == [2 * PRICE, PRICE]
    assert sent["payments"] == [{"paymentMethodName": "TM"}] and sent["buyerInfo"]["buyerNotGetInvoice"] == 1
    assert await run(till, sinvoice) == 0
    assert sinvoice.state.create_calls == 1


async def test_provider_down_for_an_hour_sales_go_on_and_each_invoice_is_issued_exactly_once(
    till, session, sinvoice
):
    await add_seller(session, sinvoice)
    noodles = till.world.noodles.id
    start = dt.datetime.now(dt.UTC)
    sinvoice.state.down = True
    sold = []
    for minute in range(0, 60, 5):  # a sale every five minutes, the queue run as often
        response = await till.sell(sale([line(noodles)], [cash(PRICE)]))
        assert response.status_code == 201, response.text
        sold.append(response.json()["id"])
        assert await run(till, sinvoice, start + dt.timedelta(minutes=minute)) == 0
    pending = await invoices(till)
    assert len(pending) == 12 and {i.status for i in pending} == {InvoiceStatus.pending}
    assert all(i.last_error for i in pending if i.attempts)
    # It comes back, but so slowly that the first answer is lost after the invoice was made.
    sinvoice.state.down = False
    sinvoice.state.hang_seconds = 1.0
    clock = start + dt.timedelta(minutes=60)
    assert await run(till, sinvoice, clock) == 0
    assert len(sinvoice.state.invoices) == 1  # issued there, not known here
    sinvoice.state.hang_seconds = 0
    issued = 0
    for step in range(1, 5):  # within twenty minutes of its return, everything is issued
        issued += await run(till, sinvoice, clock + dt.timedelta(minutes=5 * step))
    done = await invoices(till)
    assert issued == 12 and {i.status for i in done} == {InvoiceStatus.issued}
    assert len(sinvoice.state.invoices) == 12  # one invoice per sale at the provider
    assert len({i.invoice_no for i in done}) == 12
    for invoice in done:
        assert sinvoice.state.invoices[str(invoice.transaction_uuid)].invoice_no == invoice.invoice_no
    assert sinvoice.state.search_calls >= 1  # the lost answer was looked up, not issued again


async def test_a_return_adjusts_the_sale_invoice_once_that_is_issued(till, session, sinvoice):
    await add_seller(session, sinvoice)
    noodles = till.world.noodles.id
    sold = await till.sell(sale([line(noodles, 3)], [cash(3 * PRICE)]))
    body = {"id": str(uuid.uuid4()), "lines": [line(noodles, 1)], "reason": "Gói bị rách"}
    returned = await till.client.post(
        f"/api/v1/sales/{sold.json()['id']}/returns", json=body, headers=till.staff
    )
    assert returned.status_code == 201, returned.text
    assert await run(till, sinvoice) == 2  # the sale's first, then its adjustment
    first, adjustment = await invoices(till)
    assert adjustment.source_kind == SourceKind.till_return and adjustment.total_vnd == -PRICE
    general = sinvoice.state.invoices[str(adjustment.transaction_uuid)].body["generalInvoiceInfo"]
    assert general["adjustmentType"] == "5" and general["originalInvoiceId"] == first.invoice_no
    assert general["additionalReferenceDesc"] == "Gói bị rách"


async def test_an_adjustment_waits_for_its_original(till, session, sinvoice):
    await add_seller(session, sinvoice)
    noodles = till.world.noodles.id
    sold = await till.sell(sale([line(noodles, 2)], [cash(2 * PRICE)]))
    body = {"id": str(uuid.uuid4()), "lines": [line(noodles, 1)], "reason": "Khách đổi ý"}
    await till.client.post(f"/api/v1/sales/{sold.json()['id']}/returns", json=body, headers=till.staff)
    sinvoice.state.refuse_next = "INVALID_INVOICE_DATA"
    assert await run(till, sinvoice) == 0
    first, adjustment = await invoices(till)
    assert first.status == InvoiceStatus.failed and "INVALID_INVOICE_DATA" in (first.last_error or "")
    assert adjustment.status == InvoiceStatus.pending and "waiting" in (adjustment.last_error or "")
    async with db_of(till).write_sessions() as write:  # the office's retry button
        assert await queue.retry(write, first.id)
        await write.commit()
    later = dt.datetime.now(dt.UTC) + issuing.ORIGINAL_DELAY
    assert await run(till, sinvoice, later) == 2
    assert {i.status for i in await invoices(till)} == {InvoiceStatus.issued}


async def test_without_a_seller_or_credentials_the_sale_goes_on_and_the_invoice_waits(
    till, session, sinvoice
):
    sold = await till.sell(sale([line(till.world.tea.id)], [cash(PRICE)]))
    assert sold.status_code == 201
    assert await run(till, sinvoice) == 0
    [waiting] = await invoices(till)
    assert (
        waiting.status == InvoiceStatus.pending and waiting.last_error == "no e-invoice seller is configured"
    )
    await add_seller(session, sinvoice)
    later = dt.datetime.now(dt.UTC) + issuing.NOT_CONFIGURED_DELAY
    assert await issuing.issue_due(db_of(till), INVOICE_LOADERS, now=later, env={}) == 0
    [waiting] = await invoices(till)
    assert "no viettel credentials" in (waiting.last_error or "")
    assert await run(till, sinvoice, later + issuing.NOT_CONFIGURED_DELAY) == 1


async def test_a_buyer_who_asks_gets_a_named_invoice_and_its_lookup_code_by_email(till, session, sinvoice):
    await add_seller(session, sinvoice)
    buyer = {
        "name": "Công ty TNHH Du lịch Ba Bể",
        "tax_code": "4700123456",
        "address": "Thị trấn Chợ Rã, Ba Bể, Bắc Kạn",
        "email": "ketoan@dulichbabe.vn",
    }
    wrong = await till.sell(
        sale([line(till.world.honey.id)], [cash(PRICE)], buyer=buyer | {"tax_code": "47-1"})
    )
    assert wrong.status_code in (400, 422) and "tax_code" in wrong.text
    body = sale([line(till.world.honey.id)], [cash(PRICE)], buyer=buyer)
    assert (await till.sell(body)).status_code == 201
    assert (await till.sell(body)).status_code == 200  # the same sale again, buyer and all
    assert await run(till, sinvoice) == 1
    [issued] = await invoices(till)
    assert (issued.buyer_name, issued.buyer_tax_code) == (buyer["name"], buyer["tax_code"])
    sent = sinvoice.state.invoices[str(issued.transaction_uuid)].body["buyerInfo"]
    assert sent["buyerTaxCode"] == "4700123456" and sent["buyerNotGetInvoice"] == 0
    async with db_of(till).read_sessions() as fresh:
        email = await fresh.scalar(sa.select(OutgoingEmail).where(OutgoingEmail.to == buyer["email"]))
    assert email is not None and issued.invoice_no in email.subject
    assert issued.lookup_code in email.body_text


async def test_a_sales_point_with_a_seller_of_its_own_invoices_under_its_own_series(till, session, sinvoice):
    await add_seller(session, sinvoice)  # the operator's default
    own = await add_seller(
        session, sinvoice, location_id=till.world.shop.id, template_code="2/001", till_series="2C25MBH"
    )
    await till.sell(sale([line(till.world.noodles.id)], [cash(PRICE)]))
    assert await run(till, sinvoice) == 1
    [issued] = await invoices(till)
    assert issued.seller_id == own.id and issued.series == "2C25MBH" and issued.template_code == "2/001"
