"""Settlement statements: a month of consigned sales at the till, returns, online orders
delivered or rejected (with the Stripe refund), reconciled to the đồng; who may see
them; draft → approved → paid; CSV and Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import httpx
import openpyxl
import pytest
import sqlalchemy as sa

from shop import jobs
from shop.catalog.sellability import today
from shop.db import Database
from shop.inventory.models import StockLevel
from tests import factories
from tests.inventory.support import receipt_body
from tests.inventory.test_pos_pages import _token, login
from tests.storefront.conftest import SHIPPING_VND, Shop
from tests.storefront.support import EN, cart_with, checkout_body, post_event
from tests.stripe_server import FakeStripe

PRICE = 50_000  # every test product's retail price
MONTH = today().strftime("%Y-%m")


def _month_after(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


async def _consign(client: httpx.AsyncClient, admin: dict[str, str], code: str, body: dict[str, Any]) -> None:
    response = await client.post(f"/api/v1/sales-points/{code}/receipts", json=body, headers=admin)
    assert response.status_code == 201, response.text


async def _sell(
    client: httpx.AsyncClient, who: dict[str, str], code: str, lines: list[tuple[int, int]]
) -> str:
    shift = await client.post(f"/api/v1/sales-points/{code}/shifts", json={"opening_float": 0}, headers=who)
    assert shift.status_code in (200, 201), shift.text
    total = sum(q * PRICE for _, q in lines)
    body = {
        "id": str(uuid.uuid4()),
        "sold_at": dt.datetime.now(dt.UTC).isoformat(),
        "shift_id": shift.json()["id"],
        "lines": [{"product_id": p, "quantity": q} for p, q in lines],
        "payments": [{"method": "cash", "amount": total}],
    }
    sold = await client.post(f"/api/v1/sales-points/{code}/sales", json=body, headers=who)
    assert sold.status_code == 201, sold.text
    return str(sold.json()["id"])


async def _fulfil(client: httpx.AsyncClient, coop: dict[str, str], fulfilment_id: int, cash: int = 0) -> None:
    base = f"/api/v1/fulfilments/{fulfilment_id}"
    for step, body in (
        ("accept", {}),
        ("pack", None),
        ("ship", {"carrier": "VNPost", "tracking_number": f"EE{fulfilment_id}VN"}),
        ("deliver", {"cash_collected_vnd": cash} if cash else {}),
    ):
        response = await client.post(f"{base}/{step}", json=body, headers=coop)
        assert response.status_code == 200, (step, response.text)


async def _month_of_trade(shop: Shop, stripe: FakeStripe) -> dict[str, Any]:
    """Tài Hoan's month: honey consigned at SP-A on 20 % commission (3 sold, 1 brought back),
    noodles consigned at SP-B at an agreed 35 000 (2 sold), a card order of 2 noodles from
    its warehouse delivered, a cash order of 1 noodles delivered; Đồng Văn rejects the tea
    of the card order, which Stripe refunds."""
    w, client, admin = shop.world, shop.client, shop.admin
    staff = await factories.bearer(client, w.staff)
    other_manager = await factories.bearer(client, w.other_manager)
    coop = await factories.bearer(client, w.coop)
    honey = receipt_body(w.honey.id, 5, kind="consignment", unit_cost=None) | {"commission_rate_bp": 2000}
    await _consign(client, admin, "SP-A", honey)
    await _consign(client, admin, "SP-B", receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=35_000))

    honey_sale = await _sell(client, staff, "SP-A", [(w.honey.id, 3), (w.noodles.id, 1)])  # noodles: owned
    returned = await client.post(
        f"/api/v1/sales/{honey_sale}/returns",
        json={
            "id": str(uuid.uuid4()),
            "lines": [{"product_id": w.honey.id, "quantity": 1}],
            "reason": "Vỡ nắp",
        },
        headers=staff,
    )
    assert returned.status_code == 201, returned.text
    await _sell(client, other_manager, "SP-B", [(w.noodles.id, 2)])

    cart = await cart_with(client, (w.noodles.id, 2), (w.tea.id, 1))
    body = checkout_body(cart, payment="card", province=shop.province, commune=shop.commune)
    card_order = (await client.post("/api/v1/checkout", json=body, headers=EN)).json()
    event = stripe.pay(card_order["payment_url"].rsplit("/", 1)[1])
    assert (await post_event(client, event)).json()["outcome"] == "paid"
    queue = (await client.get("/api/v1/fulfilments", headers=admin)).json()["items"]
    by_location = {f["location"]: f for f in queue if f["order"] == card_order["number"]}
    await _fulfil(client, coop, by_location["KHO-TH"]["id"])
    rejected = await client.post(
        f"/api/v1/fulfilments/{by_location['KHO-DV']['id']}/reject", json={"reason": "Hết chè"}, headers=admin
    )
    assert rejected.status_code == 200, rejected.text
    app = client.app  # type: ignore[attr-defined]
    await jobs.run_due(app.state.db, app.state.settings)  # the refund goes to Stripe

    cart = await cart_with(client, (w.noodles.id, 1))
    body = checkout_body(cart, province=shop.province, commune=shop.commune)
    cod_order = (await client.post("/api/v1/checkout", json=body)).json()
    (mine,) = [
        f
        for f in (await client.get("/api/v1/fulfilments", headers=coop)).json()["items"]
        if f["status"] == "new"
    ]
    await _fulfil(client, coop, mine["id"], cash=PRICE + SHIPPING_VND)
    return {"card": card_order, "cod": cod_order, "coop": coop}


async def test_a_month_reconciles_with_its_sales_refunds_and_returns(shop: Shop, stripe: FakeStripe):
    client, admin = shop.client, shop.admin
    trade = await _month_of_trade(shop, stripe)
    prepared = await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    assert prepared.status_code == 200, prepared.text
    th = prepared.json()
    kinds = [
        (ln["kind"], ln["location"], ln["quantity"], ln["amount_vnd"], ln["due_vnd"]) for ln in th["lines"]
    ]
    assert sorted(kinds) == sorted(
        [
            ("consignment_sale", "SP-A", 3, 150_000, 120_000),  # 20 % of 150 000 kept by the point
            ("consignment_return", "SP-A", 1, -50_000, -40_000),
            ("consignment_sale", "SP-B", 2, 100_000, 70_000),  # the agreed 35 000 a unit
            ("online_sale", "KHO-TH", 2, 100_000, 90_000),  # the default 10 % online
            ("shipping_fee", "KHO-TH", 0, SHIPPING_VND, SHIPPING_VND),
            ("online_sale", "KHO-TH", 1, 50_000, 45_000),
            ("shipping_fee", "KHO-TH", 0, SHIPPING_VND, SHIPPING_VND),
            ("cash_collected", "KHO-TH", 0, PRICE + SHIPPING_VND, -(PRICE + SHIPPING_VND)),
        ]
    )
    assert th["consignment_sales_vnd"] == 250_000 and th["consignment_returns_vnd"] == -50_000
    assert th["online_sales_vnd"] == 150_000 and th["shipping_fees_vnd"] == 2 * SHIPPING_VND
    assert th["commission_vnd"] == 30_000 - 10_000 + 30_000 + 15_000
    assert th["cash_collected_vnd"] == 80_000 and th["refunds_vnd"] == 0
    assert th["amount_due_vnd"] == 120_000 - 40_000 + 70_000 + 90_000 + 45_000 + 60_000 - 80_000
    assert th["amount_due_vnd"] == sum(ln["due_vnd"] for ln in th["lines"])

    # Đồng Văn's rejected tea: refunded on the local Stripe server, on its statement, nothing due.
    assert [r["amount"] for r in stripe.refunds if r["amount"] == PRICE] == [PRICE]
    dv = (
        await client.post("/api/v1/producers/HTX-DV/statements", json={"month": MONTH}, headers=admin)
    ).json()
    assert [(ln["kind"], ln["reference"], ln["amount_vnd"], ln["due_vnd"]) for ln in dv["lines"]] == [
        ("online_refund", trade["card"]["number"], -PRICE, 0)
    ]
    assert dv["refunds_vnd"] == -PRICE and dv["amount_due_vnd"] == 0

    # Prepared again, nothing is counted twice.
    again = await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    assert again.json()["lines"] == th["lines"] and again.json()["amount_due_vnd"] == th["amount_due_vnd"]
    listed = await client.get("/api/v1/statements", params={"month": MONTH}, headers=admin)
    assert [(s["producer"], s["status"]) for s in listed.json()["items"]] == [
        ("HTX-DV", "draft"),
        ("HTX-TH", "draft"),
    ]


async def test_each_cooperative_reads_only_its_own_statements(shop: Shop, stripe: FakeStripe):
    client, admin = shop.client, shop.admin
    trade = await _month_of_trade(shop, stripe)
    made = await client.post("/api/v1/statements/prepare", json={"month": MONTH}, headers=admin)
    assert sorted(s["producer"] for s in made.json()) == ["HTX-DV", "HTX-TH"]
    mine = await client.get("/api/v1/producers/HTX-TH/statements", headers=trade["coop"])
    assert [s["month"] for s in mine.json()["items"]] == [MONTH] and mine.json()["items"][0]["lines"] is None
    detail = await client.get(f"/api/v1/producers/HTX-TH/statements/{MONTH}", headers=trade["coop"])
    assert detail.status_code == 200 and len(detail.json()["lines"]) == 8
    for path in ("", f"/{MONTH}", f"/{MONTH}/export.csv"):
        other = await client.get(f"/api/v1/producers/HTX-DV/statements{path}", headers=trade["coop"])
        assert other.status_code == 404, path
    staff = await factories.bearer(client, shop.world.staff)
    assert (await client.get("/api/v1/producers/HTX-TH/statements", headers=staff)).status_code == 404
    refused = await client.post(f"/api/v1/producers/HTX-TH/statements/{MONTH}/approve", headers=trade["coop"])
    assert refused.status_code == 403
    bad = await client.post("/api/v1/producers/HTX-TH/statements", json={"month": "2026-13"}, headers=admin)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "month"
    future = _month_after(today()).strftime("%Y-%m")
    ahead = await client.get(f"/api/v1/statements?month={future}", headers=admin)
    assert ahead.status_code == 422


async def test_draft_approved_then_paid_and_nothing_else(
    shop: Shop, stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
):
    client, admin = shop.client, shop.admin
    await _month_of_trade(shop, stripe)
    base = f"/api/v1/producers/HTX-TH/statements/{MONTH}"
    assert (
        await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    ).status_code == 200
    early = await client.post(f"{base}/approve", headers={**admin, **EN})
    assert early.status_code == 409 and early.json()["code"] == "month_not_over"
    unpaid = await client.post(f"{base}/pay", json={"reference": "UNC-1"}, headers=admin)
    assert unpaid.status_code == 409 and unpaid.json()["errors"][0]["allowed"] == ["approved"]

    next_month = _month_after(today()).replace(day=2)
    monkeypatch.setattr("shop.settlement.statements.today", lambda: next_month)
    approved = await client.post(f"{base}/approve", headers=admin)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    closed = await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    assert closed.status_code == 409 and closed.json()["code"] == "statement_closed"
    twice = await client.post(f"{base}/approve", headers=admin)
    assert twice.status_code == 409 and twice.json()["errors"][0]["allowed"] == ["paid"]
    blank = await client.post(f"{base}/pay", json={"reference": "  "}, headers=admin)
    assert blank.status_code == 422
    paid = await client.post(f"{base}/pay", json={"reference": "UNC 2026/12-07"}, headers=admin)
    assert paid.json()["status"] == "paid" and paid.json()["payment_reference"] == "UNC 2026/12-07"
    final = await client.post(f"{base}/pay", json={"reference": "again"}, headers=admin)
    assert final.status_code == 409 and final.json()["errors"][0]["allowed"] == []
    assert paid.json()["amount_due_vnd"] == approved.json()["amount_due_vnd"] == 265_000


async def test_exports_carry_the_same_figures(shop: Shop, stripe: FakeStripe):
    client, admin = shop.client, shop.admin
    await _month_of_trade(shop, stripe)
    await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    base = f"/api/v1/producers/HTX-TH/statements/{MONTH}"
    as_csv = await client.get(f"{base}/export.csv", headers={**admin, **EN})
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert f"statement-HTX-TH-{MONTH}.csv" in as_csv.headers["content-disposition"]
    assert as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    summary = {row[0]: row[1] for row in rows if len(row) == 2}
    assert summary["Amount due"] == "265000"
    header = rows.index(next(r for r in rows if r and r[0] == "Date"))
    lines = rows[header + 1 :]
    assert len(lines) == 8 and sum(int(r[-1]) for r in lines) == 265_000
    assert {r[1] for r in lines} >= {"Consigned goods sold", "Online sale", "Cash collected on delivery"}

    as_xlsx = await client.get(f"{base}/export.xlsx", headers=admin)  # Vietnamese by default
    book = openpyxl.load_workbook(io.BytesIO(as_xlsx.content))
    sheet = book.active
    assert sheet is not None
    values = {row[0]: row[1] for row in sheet.iter_rows(max_col=2, values_only=True) if row[0]}
    assert values["Số tiền phải trả"] == 265_000


async def test_the_cooperative_and_the_office_on_their_pages(
    shop: Shop, stripe: FakeStripe, monkeypatch: pytest.MonkeyPatch
):
    client, w = shop.client, shop.world
    await _month_of_trade(shop, stripe)
    admin_client = httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url))
    async with admin_client:
        await login(admin_client, w.admin, lang="en")
        month_page = await admin_client.get(f"/office/statements/?month={MONTH}")
        assert month_page.status_code == 200 and "No statement for this month yet." in month_page.text
        prepared = await admin_client.post(
            "/office/statements/prepare", data={"_csrf_token": _token(month_page.text), "month": MONTH}
        )
        assert prepared.status_code == 303
        listed = await admin_client.get(prepared.headers["location"])
        assert "2 statements prepared." in listed.text and 'data-producer="HTX-TH"' in listed.text
        detail = await admin_client.get(f"/office/statements/HTX-TH/{MONTH}")
        assert 'data-due="265000"' in detail.text and detail.text.count('data-kind="') == 8
        early = await admin_client.post(
            f"/office/statements/HTX-TH/{MONTH}/approve", data={"_csrf_token": _token(detail.text)}
        )
        assert early.status_code == 409 and "is not over yet" in early.text
        monkeypatch.setattr("shop.settlement.statements.today", lambda: _month_after(today()).replace(day=2))
        approved = await admin_client.post(
            f"/office/statements/HTX-TH/{MONTH}/approve", data={"_csrf_token": _token(detail.text)}
        )
        assert approved.status_code == 303
        page = await admin_client.get(approved.headers["location"])
        assert "Approved: the figures are final." in page.text and "Mark paid" in page.text
        blank = await admin_client.post(
            f"/office/statements/HTX-TH/{MONTH}/pay", data={"_csrf_token": _token(page.text), "reference": ""}
        )
        assert blank.status_code == 422 and "Give the payment&#39;s bank reference." in blank.text
        paid = await admin_client.post(
            f"/office/statements/HTX-TH/{MONTH}/pay",
            data={"_csrf_token": _token(page.text), "reference": "UNC-88"},
        )
        assert paid.status_code == 303
        assert "UNC-88" in (await admin_client.get(paid.headers["location"])).text

    await login(client, w.coop, lang="vi")
    mine = await client.get("/coop/statements/")
    assert mine.status_code == 200 and f'data-month="{MONTH}"' in mine.text and "Đã thanh toán" in mine.text
    detail = await client.get(f"/coop/statements/HTX-TH/{MONTH}")
    assert (
        detail.status_code == 200 and "Hàng ký gửi đã bán" in detail.text and "Mark paid" not in detail.text
    )
    assert (await client.get(f"/coop/statements/HTX-DV/{MONTH}")).status_code == 404
    assert (await client.get("/office/statements/")).status_code == 403


async def test_the_agreement_of_the_day_of_the_sale_is_kept(shop: Shop, stripe: FakeStripe):
    """A later receipt changes the level's agreed price: what was sold before keeps its own."""
    w, client, admin = shop.world, shop.client, shop.admin
    manager = await factories.bearer(client, w.other_manager)
    await _consign(client, admin, "SP-B", receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=35_000))
    await _sell(client, manager, "SP-B", [(w.noodles.id, 2)])
    await _consign(client, admin, "SP-B", receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=40_000))
    await _sell(client, manager, "SP-B", [(w.noodles.id, 1)])
    th = (
        await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    ).json()
    assert sorted((ln["quantity"], ln["unit_cost_vnd"], ln["due_vnd"]) for ln in th["lines"]) == [
        (1, 40_000, 40_000),
        (2, 35_000, 70_000),
    ]


async def test_a_rate_changed_mid_month_reprices_nothing_sold_before(shop: Shop, stripe: FakeStripe):
    """Issue 15, item 12: the ledger row of a sale keeps the commission it was sold under."""
    w, client, admin = shop.world, shop.client, shop.admin
    manager = await factories.bearer(client, w.other_manager)
    first = receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=None) | {"commission_rate_bp": 1500}
    await _consign(client, admin, "SP-B", first)
    await _sell(client, manager, "SP-B", [(w.noodles.id, 2)])
    later = receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=None) | {"commission_rate_bp": 2500}
    await _consign(client, admin, "SP-B", later)
    await _sell(client, manager, "SP-B", [(w.noodles.id, 1)])
    th = (
        await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    ).json()
    lines = sorted((ln["quantity"], ln["commission_bp"], ln["due_vnd"]) for ln in th["lines"])
    assert lines == [(1, 2500, PRICE * 75 // 100), (2, 1500, 2 * PRICE * 85 // 100)]


async def test_a_pickup_keeps_the_rate_its_units_left_under(shop: Shop, stripe: FakeStripe):
    """A pickup served from a sales point's consigned stock: priced with the terms its ledger
    row kept when it was handed over, not the level's after a new agreement."""
    w, client, admin = shop.world, shop.client, shop.admin
    first = receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=None) | {"commission_rate_bp": 1500}
    await _consign(client, admin, "SP-B", first)
    cart = await cart_with(client, (w.noodles.id, 2))
    placed = await client.post("/api/v1/checkout", json=checkout_body(cart, pickup="SP-B"), headers=EN)
    assert placed.status_code == 201, placed.text
    [fulfilment] = placed.json()["fulfilments"]
    handed_over = {"cash_collected_vnd": 2 * PRICE}
    for step, body in (
        ("accept", {}),
        ("pack", None),
        ("ship", {"carrier": "counter", "tracking_number": "PICKUP-1"}),
        ("deliver", handed_over),
    ):
        response = await client.post(
            f"/api/v1/fulfilments/{fulfilment['id']}/{step}", json=body, headers=admin
        )
        assert response.status_code == 200, (step, response.text)
    later = receipt_body(w.noodles.id, 4, kind="consignment", unit_cost=None) | {"commission_rate_bp": 2500}
    await _consign(client, admin, "SP-B", later)
    th = (
        await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    ).json()
    sold = [ln for ln in th["lines"] if ln["kind"] == "consignment_sale"]
    assert [(ln["quantity"], ln["commission_bp"], ln["due_vnd"]) for ln in sold] == [
        (2, 1500, 2 * PRICE * 85 // 100)
    ]


async def test_a_return_puts_each_unit_back_where_it_came_from(shop: Shop, stripe: FakeStripe, database_url):
    """A line drawn from bought and consigned stock, returned whole: every level is as it
    was, and the producer's statement nets to nothing."""
    w, client, admin = shop.world, shop.client, shop.admin
    staff = await factories.bearer(client, w.staff)
    honey = receipt_body(w.noodles.id, 2, kind="consignment", unit_cost=None) | {"commission_rate_bp": 2000}
    await _consign(client, admin, "SP-A", honey)  # SP-A now holds 3 bought noodles and 2 consigned

    async def levels() -> list[tuple[str, int]]:
        db = Database.connect(database_url)
        try:
            async with db.read_sessions() as s:
                rows = await s.execute(
                    sa.select(StockLevel.ownership, StockLevel.on_hand)
                    .where(StockLevel.location_id == w.shop.id, StockLevel.product_id == w.noodles.id)
                    .order_by(StockLevel.id)
                )
                return [(str(o), int(n)) for o, n in rows]
        finally:
            await db.dispose()

    before = await levels()
    sale = await _sell(client, staff, "SP-A", [(w.noodles.id, 5)])
    assert sum(n for _, n in await levels()) == 0
    for quantity in (2, 3):  # in two returns
        back = await client.post(
            f"/api/v1/sales/{sale}/returns",
            json={
                "id": str(uuid.uuid4()),
                "lines": [{"product_id": w.noodles.id, "quantity": quantity}],
                "reason": "Đổi ý",
            },
            headers=staff,
        )
        assert back.status_code == 201, back.text
    assert await levels() == before
    th = (
        await client.post("/api/v1/producers/HTX-TH/statements", json={"month": MONTH}, headers=admin)
    ).json()
    sold = sum(ln["quantity"] for ln in th["lines"] if ln["kind"] == "consignment_sale")
    returned = sum(ln["quantity"] for ln in th["lines"] if ln["kind"] == "consignment_return")
    assert sold == returned == 2 and th["amount_due_vnd"] == 0 and th["consignment_sales_vnd"] == 100_000


async def test_the_delivery_fee_goes_to_the_parcel_that_carried_it(shop: Shop, stripe: FakeStripe):
    """Cash on delivery in two parcels: the second is delivered first, without the fee (the
    first still carries it), then the first is rejected. Nobody collected the fee, so no
    statement credits it."""
    w, client, admin = shop.world, shop.client, shop.admin
    cart = await cart_with(client, (w.noodles.id, 1), (w.tea.id, 1))
    order = (
        await client.post(
            "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
        )
    ).json()
    parcels = sorted(
        (
            f
            for f in (await client.get("/api/v1/fulfilments", headers=admin)).json()["items"]
            if f["order"] == order["number"]
        ),
        key=lambda f: f["id"],
    )
    first, second = parcels
    assert second["amount_to_collect_vnd"] == PRICE  # the fee is on the first parcel's slip
    await _fulfil(client, admin, second["id"], cash=PRICE)
    rejected = await client.post(
        f"/api/v1/fulfilments/{first['id']}/reject", json={"reason": "Hết hàng"}, headers=admin
    )
    assert rejected.status_code == 200
    made = (await client.post("/api/v1/statements/prepare", json={"month": MONTH}, headers=admin)).json()
    assert sum(s["shipping_fees_vnd"] for s in made) == 0
    assert sum(s["cash_collected_vnd"] for s in made) == PRICE
