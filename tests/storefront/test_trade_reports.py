"""The trade reports over the settlement tests' month of trade, whose figures are known:
sales by channel and product (till sales less returns, delivered online lines), stock and
its value, slow movers, fulfilments answered in time, the sales points' compliance, and
revenue before and after certification."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from shop.catalog.models import Certificate
from shop.catalog.sellability import today
from shop.till.models import Sale
from tests.inventory.support import receipt_body
from tests.storefront.conftest import Shop
from tests.storefront.support import EN
from tests.storefront.test_settlement import _month_of_trade
from tests.stripe_server import FakeStripe


async def _report(shop: Shop, name: str, **params: object) -> dict:
    response = await shop.client.get(f"/api/v1/reports/{name}", params=params, headers={**shop.admin, **EN})
    assert response.status_code == 200, response.text
    return response.json()


async def test_trade_reports_match_the_month(shop: Shop, stripe: FakeStripe, database_url):
    w = shop.world
    await _month_of_trade(shop, stripe)
    unsold = receipt_body(w.tea.id, 5, producer="HTX-DV", kind="consignment", unit_cost=30_000)
    assert (
        await shop.client.post("/api/v1/sales-points/SP-B/receipts", json=unsold, headers=shop.admin)
    ).status_code == 201

    channels = await _report(shop, "sales")
    assert channels["columns"][:2] == ["Channel", "Units"]
    assert channels["items"][-1] == ["Total", 8, 250_000, 0, 150_000, 400_000]
    by_product = {r[0]: r[-1] for r in (await _report(shop, "sales", by="product"))["items"]}
    assert by_product == {w.noodles.name: 300_000, w.honey.name: 100_000, "Total": 400_000}
    by_month = (await _report(shop, "sales", by="month"))["items"]
    assert by_month == [
        [today().strftime("%Y-%m"), 8, 250_000, 0, 150_000, 400_000],
        ["Total", 8, 250_000, 0, 150_000, 400_000],
    ]
    bad = await shop.client.get("/api/v1/reports/sales?from=2026-13-01", headers={**shop.admin, **EN})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "from"

    value = {r[1]: (r[2], r[4]) for r in (await _report(shop, "stock-value"))["items"]}
    assert value["SP-A"] == (5, 60_000)  # 2 noodles bought at 30 000, 3 honey on commission (no cost)
    assert value["SP-B"] == (7, 2 * 35_000 + 5 * 30_000)
    slow = (await _report(shop, "slow-movers"))["items"]
    assert slow == [["SP-B", w.tea.name, 5, 150_000]]

    sla = {r[1]: r[2:6] for r in (await _report(shop, "fulfilment-sla"))["items"]}
    assert sla == {"KHO-TH": [2, 2, 0, 100.0], "KHO-DV": [1, 1, 0, 100.0]}

    compliance = {r[1]: r[2:7] for r in (await _report(shop, "compliance"))["items"]}
    assert compliance["SP-A"] == [2, 2, 0, 100.0, "yes"] and compliance["SP-B"] == [2, 2, 0, 100.0, "yes"]

    listed = (await shop.client.get("/api/v1/reports", headers=shop.admin)).json()["items"]
    assert "compliance" in listed and "sales" in listed
    assert (await shop.client.get("/api/v1/reports/nothing", headers=shop.admin)).status_code == 404


async def test_revenue_in_the_year_after_certification(shop: Shop, stripe: FakeStripe, database_url, session):
    w = shop.world
    await _month_of_trade(shop, stripe)
    since = today() - dt.timedelta(days=400)
    await session.execute(
        sa.update(Certificate).where(Certificate.product_id == w.honey.id).values(valid_from=since)
    )
    sold_then = dt.datetime.now(dt.UTC) - dt.timedelta(days=380)  # 20 days after the certificate
    first_sale = await session.scalar(sa.select(sa.func.min(Sale.id)))
    await session.execute(sa.update(Sale).where(Sale.id == first_sale).values(recorded_at=sold_then))
    await session.commit()
    growth = await _report(shop, "revenue-growth")
    assert growth["items"] == [[w.honey.name, since.isoformat(), 0, 150_000, None]]
    assert growth["summary"] == "0 of 1 products sold at least 1.5 times as much a year after."


async def test_every_report_has_its_page(shop: Shop, stripe: FakeStripe):
    await _month_of_trade(shop, stripe)
    for name in (await shop.client.get("/api/v1/reports", headers=shop.admin)).json()["items"]:
        page = await shop.client.get(f"/reports/{name}", headers={**shop.admin, **EN})
        assert page.status_code == 200, name
        assert f"/api/v1/reports/{name}" in page.text and "format=xlsx" in page.text
    sales = await shop.client.get("/reports/sales?by=product", headers={**shop.admin, **EN})
    assert "<svg" in sales.text and 'name="from"' in sales.text
    dashboard = await shop.client.get("/reports/", headers=shop.admin)
    assert dashboard.status_code == 200 and "Doanh số theo tháng và kênh bán" in dashboard.text
