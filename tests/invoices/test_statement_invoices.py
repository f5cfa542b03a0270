"""A cooperative's monthly statement lists the e-invoices of its consigned goods sold."""

from __future__ import annotations

import datetime as dt

import httpx
import sqlalchemy as sa

from shop.invoices import issuing
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind
from shop.jobs import INVOICE_LOADERS
from shop.orders.models import Order
from tests.inventory.test_pos_pages import _token, login
from tests.invoices.conftest import add_seller
from tests.storefront.conftest import (  # noqa: F401 - the fixtures, shared
    SHIPPING_VND,
    Shop,
    settings,
    shop,
    stripe,
    stripe_server,
)
from tests.storefront.test_settlement import MONTH, PRICE, _month_of_trade


async def _uuid_of(db, number: str) -> str:
    async with db.read_sessions() as fresh:
        found = await fresh.scalar(
            sa.select(Invoice.transaction_uuid)
            .join(Order, Order.id == Invoice.order_id)
            .where(Order.number == number)
        )
    return str(found)


async def test_the_statement_lists_the_invoices_of_the_consigned_sales_and_returns(
    shop,  # noqa: F811
    stripe,  # noqa: F811
    session,
    sinvoice,
):
    client, w = shop.client, shop.world
    trade = await _month_of_trade(shop, stripe)
    await add_seller(session, sinvoice)
    db = client.app.state.db  # type: ignore[attr-defined]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # past the wait for a seller
    await issuing.issue_due(db, INVOICE_LOADERS, now=later, env=sinvoice.env())
    async with db.read_sessions() as fresh:
        issued = {
            (i.source_kind, i.invoice_no)
            for i in await fresh.scalars(sa.select(Invoice).where(Invoice.status == InvoiceStatus.issued))
        }
    till = sorted(no for kind, no in issued if kind in (SourceKind.till_sale, SourceKind.till_return))
    assert len(till) == 3  # SP-A's sale and its return, SP-B's sale
    online = sorted(no for kind, no in issued if kind == SourceKind.online_order)
    assert len(online) == 2  # the card order when paid, the cash order once delivered
    cash = sinvoice.state.invoices[await _uuid_of(db, trade["cod"]["number"])].body
    assert cash["summarizeInfo"]["totalAmountWithTax"] == PRICE + SHIPPING_VND
    assert cash["payments"] == [{"paymentMethodName": "TM"}] and cash["itemInfo"][-1]["itemCode"] == "SHIP"
    admin_client = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with admin_client:
        await login(admin_client, w.admin, lang="en")
        month_page = await admin_client.get(f"/office/statements/?month={MONTH}")
        prepared = await admin_client.post(
            "/office/statements/prepare", data={"_csrf_token": _token(month_page.text), "month": MONTH}
        )
        assert prepared.status_code == 303
    await login(client, w.coop, lang="vi")
    detail = await client.get(f"/coop/statements/HTX-TH/{MONTH}")
    assert detail.status_code == 200 and "statement-invoices" in detail.text
    for number in till:
        assert number in detail.text
