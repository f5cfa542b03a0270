"""A tourist who asks for a VAT invoice at checkout: the buyer is kept with the order, named on
its e-invoice, and emailed the invoice's PDF in the order's language; the order's page and
API show where the invoice stands. Bad input: field errors on the API, the form kept on the page."""

from __future__ import annotations

import sqlalchemy as sa

from shop.invoices import documents, issuing
from shop.invoices.models import Invoice
from shop.jobs import INVOICE_LOADERS
from shop.mail import outbox
from shop.orders.models import Order
from tests.invoices.conftest import add_seller
from tests.invoices.test_invoice_emails import expected_pdf, pdf_of
from tests.smtp_server import smtp  # noqa: F401 - the fixture
from tests.storefront.conftest import (  # noqa: F401 - the fixtures, shared
    Shop,
    settings,
    shop,
    stripe,
    stripe_server,
)
from tests.storefront.support import EN, cart_with, checkout_body, post_event
from tests.storefront.test_tourist_rules import _checkout_form

BUYER = {"name": "Société Dupont Voyages", "tax_code": "0312345678"}  # no address: optional


async def _invoices(at: Shop) -> list[Invoice]:
    async with at.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        return list(await fresh.scalars(sa.select(Invoice).order_by(Invoice.id)))


async def test_a_tourist_who_asks_gets_the_invoice_in_their_name_and_language_with_its_pdf(
    shop,  # noqa: F811
    stripe,  # noqa: F811
    session,
    sinvoice,
    settings,  # noqa: F811
    smtp,  # noqa: F811
):
    await add_seller(session, sinvoice)
    client, w = shop.client, shop.world
    cart = await cart_with(client, (w.honey.id, 1), (w.tea.id, 1))
    body = checkout_body(cart, payment="card", pickup="SP-A", language="fr") | {"buyer": BUYER}
    placed = await client.post("/api/v1/checkout", json=body, headers=EN)
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["invoice_buyer"] == BUYER | {"address": None, "email": "jane@example.com"}
    assert order["invoices"] == []  # invoiced once paid
    assert (await client.post("/api/v1/checkout", json=body)).json()["number"] == order["number"]  # a retry
    paid = stripe.pay(order["payment_url"].rsplit("/", 1)[1])
    assert (await post_event(client, paid)).json()["outcome"] == "paid"
    track = f"/api/v1/orders/{order['number']}"
    [pending] = (await client.get(track, params={"token": order["token"]})).json()["invoices"]
    assert pending["status"] == "pending" and pending["number"] is None

    db = client.app.state.db  # type: ignore[attr-defined]
    assert await issuing.issue_due(db, INVOICE_LOADERS, env=sinvoice.env()) == 1
    [invoice] = await _invoices(shop)
    sent = sinvoice.state.invoices[str(invoice.transaction_uuid)].body["buyerInfo"]
    assert (sent["buyerLegalName"], sent["buyerTaxCode"], sent["buyerAddressLine"]) == (
        BUYER["name"],
        BUYER["tax_code"],
        "",
    )
    assert sent["buyerEmail"] == "jane@example.com" and sent["buyerNotGetInvoice"] == 0
    [issued] = (await client.get(track, params={"token": order["token"]})).json()["invoices"]
    assert issued["status"] == "issued" and issued["number"] == invoice.invoice_no
    assert issued["lookup_code"] == invoice.lookup_code and issued["lookup_url"].startswith("https://")

    assert await outbox.deliver_pending(db, smtp.settings(settings)) >= 1
    [mail] = [m for m in smtp.received if m["Subject"].startswith("Votre facture électronique")]
    assert mail["To"] == "jane@example.com" and invoice.invoice_no in mail["Subject"]
    text = mail.get_body(("plain",)).get_content()
    assert f"Code de consultation : {invoice.lookup_code}" in text and order["number"] in text
    assert pdf_of(mail) == (f"{invoice.invoice_no}.pdf", expected_pdf(invoice))

    page = await client.get(f"/orders/{order['number']}", params={"token": order["token"], "lang": "fr"})
    assert page.status_code == 200 and 'data-invoice="issued"' in page.text
    assert "Émise" in page.text and invoice.lookup_code in page.text and BUYER["name"] in page.text

    async with db.write_sessions() as write:  # the office cancels it at the provider
        await documents.cancel(
            write, await write.get(Invoice, invoice.id), "Sai tên người mua", sinvoice.env()
        )
        await write.commit()
    [cancelled] = (await client.get(track, params={"token": order["token"]})).json()["invoices"]
    assert cancelled["status"] == "cancelled" and cancelled["number"] == invoice.invoice_no
    page = await client.get(f"/orders/{order['number']}", params={"token": order["token"], "lang": "ja"})
    assert 'data-invoice="cancelled"' in page.text and "インボイス番号" in page.text


async def test_an_order_without_a_buyer_is_invoiced_to_an_anonymous_retail_buyer(
    shop,  # noqa: F811
    stripe,  # noqa: F811
    session,
    sinvoice,
):
    await add_seller(session, sinvoice)
    cart = await cart_with(shop.client, (shop.world.honey.id, 1))
    placed = await shop.client.post(
        "/api/v1/checkout", json=checkout_body(cart, payment="card", pickup="SP-A")
    )
    order = placed.json()
    assert order["invoice_buyer"] is None
    await post_event(shop.client, stripe.pay(order["payment_url"].rsplit("/", 1)[1]))
    db = shop.client.app.state.db  # type: ignore[attr-defined]
    assert await issuing.issue_due(db, INVOICE_LOADERS, env=sinvoice.env()) == 1
    [invoice] = await _invoices(shop)
    assert invoice.buyer_name is None and invoice.buyer_email is None
    assert sinvoice.state.invoices[str(invoice.transaction_uuid)].body["buyerInfo"]["buyerNotGetInvoice"] == 1
    assert sinvoice.state.file_calls == 0  # nobody to send its PDF to


async def test_a_wrong_buyer_is_a_problem_with_its_fields_on_the_api(shop):  # noqa: F811
    cart = await cart_with(shop.client, (shop.world.honey.id, 1))
    wrong = {"name": " ", "tax_code": "47-1", "email": "jane@"}
    answer = await shop.client.post(
        "/api/v1/checkout", json=checkout_body(cart, pickup="SP-A") | {"buyer": wrong}, headers=EN
    )
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in answer.json()["errors"]}
    assert set(errors) == {"buyer.name", "buyer.tax_code", "buyer.email"}
    assert errors["buyer.name"] == "Enter the name to put on the invoice."
    shape = await shop.client.post(
        "/api/v1/checkout", json=checkout_body(cart, pickup="SP-A") | {"buyer": {"name": "A", "vat": 1}}
    )
    assert shape.status_code == 400 and shape.headers["content-type"].startswith("application/problem+json")
    async with shop.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        assert await fresh.scalar(sa.select(sa.func.count()).select_from(Order)) == 0


async def test_the_checkout_page_says_what_is_wrong_with_the_buyer_and_keeps_what_was_typed(
    shop,  # noqa: F811
):
    _, hidden = await _checkout_form(shop, "ko", (shop.world.honey.id, 1))
    fields = hidden | {
        "name": "Kim",
        "email": "kim@example.kr",
        "phone": "0912345678",
        "delivery": "pickup",
        "sales_point_code": "SP-A",
        "payment": "cod",
        "invoice_name": "",
        "invoice_tax_code": "12345",
        "invoice_address": "Seoul",
    }
    answer = await shop.client.post("/checkout", data=fields, params={"lang": "ko"})
    assert answer.status_code == 422
    assert 'id="error-invoice_name"' in answer.text and 'id="error-invoice_tax_code"' in answer.text
    assert "인보이스에 기재할 이름을 입력하세요." in answer.text  # in the tourist's language
    assert 'value="12345"' in answer.text and 'value="Seoul"' in answer.text and "open" in answer.text
    good = fields | {"invoice_name": "Kim Min-ji", "invoice_tax_code": "", "invoice_address": ""}
    placed = await shop.client.post("/checkout", data=good, params={"lang": "ko"})
    assert placed.status_code == 303, placed.text
    async with shop.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        order = await fresh.scalar(sa.select(Order))
    assert order is not None and order.language == "ko"
    assert (order.invoice_name, order.invoice_tax_code, order.invoice_address, order.invoice_email) == (
        "Kim Min-ji",
        None,
        None,
        "kim@example.kr",  # the order's email: the field was left empty
    )
