"""An online order's e-invoice once paid, and the adjustment of a line rejected after payment."""

from __future__ import annotations

import sqlalchemy as sa

from shop.invoices import issuing
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind
from shop.jobs import INVOICE_LOADERS
from tests import factories
from tests.inventory.test_pos_pages import login
from tests.invoices.conftest import add_seller
from tests.storefront.conftest import (  # noqa: F401 - the fixtures, shared
    Shop,
    settings,
    shop,
    stripe,
    stripe_server,
)
from tests.storefront.test_fulfilments import _paid_pickup_order


async def _invoices(at: Shop) -> list[Invoice]:
    async with at.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        return list(await fresh.scalars(sa.select(Invoice).order_by(Invoice.id)))


async def test_a_paid_order_is_invoiced_and_a_rejected_line_adjusts_it(
    shop,  # noqa: F811
    stripe,  # noqa: F811
    session,
    sinvoice,
):
    await add_seller(session, sinvoice)
    w, client = shop.world, shop.client
    order = await _paid_pickup_order(shop, stripe)
    [queued] = await _invoices(shop)
    assert queued.source_kind == SourceKind.online_order and queued.total_vnd == order["total_vnd"]
    coop = await factories.bearer(client, w.coop)
    mine = (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"][0]
    honey = mine["lines"][0]
    rejected = await client.post(
        f"/api/v1/fulfilments/{mine['id']}/accept",
        json={"rejected": [{"line_id": honey["id"], "reason": "Hết mật vụ này"}]},
        headers=coop,
    )
    assert rejected.status_code == 200, rejected.text
    db = client.app.state.db  # type: ignore[attr-defined]
    assert await issuing.issue_due(db, INVOICE_LOADERS, env=sinvoice.env()) == 2
    first, adjustment = await _invoices(shop)
    assert {first.status, adjustment.status} == {InvoiceStatus.issued}
    assert first.series == "1C25TAA" and first.invoice_no == "1C25TAA00000001"
    sent = sinvoice.state.invoices[str(first.transaction_uuid)].body
    assert sent["summarizeInfo"]["totalAmountWithTax"] == order["total_vnd"]
    assert sent["payments"] == [{"paymentMethodName": "CK"}]
    assert (
        adjustment.source_kind == SourceKind.order_line and adjustment.total_vnd == -honey["line_total_vnd"]
    )
    general = sinvoice.state.invoices[str(adjustment.transaction_uuid)].body["generalInvoiceInfo"]
    assert general["originalInvoiceId"] == first.invoice_no
    assert general["additionalReferenceDesc"] == "Hết mật vụ này"
    await login(client, w.coop, lang="en")
    page = await client.get(f"/coop/fulfilments/{mine['id']}")
    assert page.status_code == 200 and 'data-invoice="issued"' in page.text and first.invoice_no in page.text
