"""Issue 19's whole story at a till, as it happens: the customer pays by VietQR, the bank's
notification (signed, as SePay sends it) marks the sale paid without anyone ticking a box, the
jobs issue its e-invoice through the SInvoice protocol, and the reprinted receipt carries the
invoice's number and lookup code."""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from shop.invoices import issuing
from shop.invoices.models import Invoice, InvoiceStatus
from shop.jobs import INVOICE_LOADERS
from shop.till import vietqr
from tests.inventory.test_pos_pages import login
from tests.invoices.conftest import add_seller, sinvoice  # noqa: F401 - the fixture, shared
from tests.storefront.conftest import Shop
from tests.storefront.test_bank_transfers import (  # noqa: F401 - settings: the fixture, shared
    TILL_ACCOUNT,
    _sale,
    _status,
    _till,
    body,
    notify,
    settings,
    transfers,
)


async def test_a_vietqr_sale_is_paid_by_the_bank_and_its_invoice_is_on_the_reprint(
    shop: Shop,
    session,
    sinvoice,  # noqa: F811
):
    await add_seller(session, sinvoice)
    staff = await _till(shop)
    price = shop.world.noodles.price_vnd
    sale_id = uuid.uuid4()
    reference = vietqr.purpose(f"SP-A {str(sale_id)[:8]}")  # what the till's QR code says
    assert (await _status(shop, staff, reference, price))["state"] == "waiting"

    paid = await notify(shop.client, body(price, reference, account=TILL_ACCOUNT), auth="signed")
    assert paid.status_code == 201, paid.text
    assert (await _status(shop, staff, reference, price))["state"] == "paid"  # the till turns green

    sale = _sale(price, reference, sale_id=sale_id)
    sale["lines"][0]["product_id"] = shop.world.noodles.id
    recorded = await shop.client.post("/api/v1/sales-points/SP-A/sales", json=sale, headers=staff)
    assert recorded.status_code == 201, recorded.text
    (matched,) = await transfers(shop, "matched")
    assert matched["receipt"] == recorded.json()["number"]
    assert await transfers(shop, "to_resolve") == []

    db = shop.client.app.state.db  # type: ignore[attr-defined]
    assert await issuing.issue_due(db, INVOICE_LOADERS, env=sinvoice.env()) == 1
    async with db.read_sessions() as fresh:
        invoice = (await fresh.scalars(sa.select(Invoice))).one()
    assert invoice.status == InvoiceStatus.issued and invoice.lookup_code and invoice.invoice_no
    assert invoice.series == "1C25MBH"  # a cash-register invoice
    sent = sinvoice.state.invoices[str(invoice.transaction_uuid)].body
    assert sent["payments"] == [{"paymentMethodName": "CK"}]  # paid by transfer
    assert sum(i["itemTotalAmountWithTax"] for i in sent["itemInfo"]) == price

    await login(shop.client, shop.world.staff)
    reprint = await shop.client.get(f"/pos/SP-A/sales/{sale_id}")
    assert reprint.status_code == 200
    assert invoice.lookup_code in reprint.text and invoice.invoice_no in reprint.text
    assert await issuing.issue_due(db, INVOICE_LOADERS, env=sinvoice.env()) == 0
    assert sinvoice.state.create_calls == 1  # issued once
