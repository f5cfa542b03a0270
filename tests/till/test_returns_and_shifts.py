"""Returns against a receipt and the shift's Z-report, checked against the ledger."""

from __future__ import annotations

import uuid

from shop.db import Database
from tests.inventory.support import ledger_report, snapshot
from tests.till.support import Till, cash, line, sale

PRICE = 50_000


def card(amount: int) -> dict[str, object]:
    return {"method": "card", "amount": amount, "reference": "VISA 1234"}


async def _returns(till: Till, sale_id: str, lines: list[dict[str, object]], **extra: object):
    body = {"id": str(uuid.uuid4()), "lines": lines, "reason": "Khách đổi ý"} | extra
    return await till.client.post(f"/api/v1/sales/{sale_id}/returns", json=body, headers=till.staff), body


async def test_a_partial_return_refunds_card_first_and_restocks(till: Till, database: Database) -> None:
    noodles, honey = till.world.noodles.id, till.world.honey.id
    sold = await till.sell(sale([line(noodles, 3), line(honey, 1)], [cash(100_000), card(100_000)]))
    assert sold.status_code == 201
    response, body = await _returns(till, sold.json()["id"], [line(noodles, 2)])
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["total"] == 100_000 and out["sale_number"] == "SP-A-000001"
    assert out["refunds"] == [{"method": "card", "amount": 100_000}]
    assert await till.stock(noodles) == 17 + 2
    again = await till.client.post(
        f"/api/v1/sales/{sold.json()['id']}/returns", json=body, headers=till.staff
    )
    assert again.status_code == 200 and again.json() == out
    assert await till.stock(noodles) == 19
    # The card has had its 100 000 back: the rest comes from the cash it was paid with.
    second, _ = await _returns(till, sold.json()["id"], [line(noodles, 1)])
    assert second.json()["refunds"] == [{"method": "cash", "amount": PRICE}]
    receipt = await till.client.get(f"/api/v1/sales/{sold.json()['id']}", headers=till.staff)
    assert [ln["returned"] for ln in receipt.json()["lines"]] == [3, 0]
    assert receipt.json()["refunded"] == 150_000
    assert (await ledger_report(database)).ok


async def test_a_damaged_return_is_written_off(till: Till, database: Database) -> None:
    honey = till.world.honey.id
    sold = await till.sell(sale([line(honey, 2)], [cash(2 * PRICE)]))
    response, _ = await _returns(till, sold.json()["id"], [line(honey, 1, restock=False)])
    assert response.status_code == 201, response.text
    assert response.json()["lines"][0]["restock"] is False
    assert await till.stock(honey) == 8
    movements = await till.client.get(
        "/api/v1/sales-points/SP-A/movements", params={"product_id": honey}, headers=till.manager
    )
    kinds = [m["kind"] for m in movements.json()["items"]][:2]
    assert kinds == ["write_off", "customer_return"]
    assert (await ledger_report(database)).ok


async def test_a_return_cannot_exceed_what_was_sold(till: Till, database: Database) -> None:
    noodles, tea = till.world.noodles.id, till.world.tea.id
    sold = await till.sell(sale([line(noodles, 2)], [cash(2 * PRICE)]))
    before = await snapshot(database)
    too_many, _ = await _returns(till, sold.json()["id"], [line(noodles, 3)])
    assert too_many.status_code == 422 and "2" in too_many.json()["errors"][0]["message"]
    not_on_it, _ = await _returns(till, sold.json()["id"], [line(tea, 1)])
    assert not_on_it.status_code == 422
    assert await snapshot(database) == before
    missing, _ = await _returns(till, str(uuid.uuid4()), [line(noodles, 1)])
    assert missing.status_code == 404


async def test_a_discounted_line_refunds_what_was_paid_to_the_dong(till: Till) -> None:
    await till.client.post("/api/v1/sales-points/SP-A/shifts", json={}, headers=till.manager)
    sold = await till.client.post(
        "/api/v1/sales-points/SP-A/sales",
        json=sale([line(till.world.noodles.id, 3, discount=10_000)], [cash(140_000)]),
        headers=till.manager,
    )
    sale_id = sold.json()["id"]
    amounts = []
    for _ in range(3):
        response, _ = await _returns(till, sale_id, [line(till.world.noodles.id, 1)])
        amounts.append(response.json()["total"])
    assert amounts == [46_666, 46_667, 46_667] and sum(amounts) == 140_000


async def test_the_z_report_sums_the_shift_and_matches_the_ledger(till: Till) -> None:
    noodles, honey, tea = till.world.noodles.id, till.world.honey.id, till.world.tea.id
    transfer = {"method": "bank_transfer", "amount": PRICE, "reference": "FT1"}
    await till.sell(sale([line(noodles, 2)], [cash(2 * PRICE, tendered=200_000)]))
    await till.sell(sale([line(honey, 1)], [transfer]))
    sold = await till.sell(sale([line(tea, 2)], [card(PRICE), cash(PRICE)]))
    await _returns(till, sold.json()["id"], [line(tea, 1)])
    path = f"/api/v1/sales-points/SP-A/shifts/{till.shift_id}"
    counted = {"cash": 500_000 + 150_000 - 1_000, "bank_transfer": PRICE, "card": 0}
    closed = await till.client.post(f"{path}/close", json={"counted": counted}, headers=till.staff)
    assert closed.status_code == 200, closed.text
    report = closed.json()["report"]
    assert (report["sales"], report["gross"], report["net_sales"]) == (3, 250_000, 250_000)
    assert (report["returns"], report["refunds"], report["net"]) == (1, PRICE, 200_000)
    assert report["units_sold"] == report["ledger_units_sold"] == 5
    assert report["units_returned"] == report["ledger_units_returned"] == 1
    by_method = {m["method"]: m for m in report["by_method"]}
    assert by_method["cash"]["expected"] == 500_000 + 150_000  # float + 2 cash sales
    assert by_method["cash"]["difference"] == -1_000
    assert by_method["card"]["net"] == 0 and by_method["card"]["refunds"] == PRICE
    assert by_method["bank_transfer"]["difference"] == 0
    assert sum(g["quantity"] for g in report["by_group"]) == 5
    # Closed: no more live sales on it; closing again with the same counts is the same answer.
    after = await till.sell(sale([line(noodles)], [cash(PRICE)], shift_id=till.shift_id))
    assert after.status_code == 409 and after.json()["code"] == "shift_closed"
    assert (
        await till.client.post(f"{path}/close", json={"counted": counted}, headers=till.staff)
    ).status_code == 200
    other = counted | {"cash": 1}
    assert (
        await till.client.post(f"{path}/close", json={"counted": other}, headers=till.staff)
    ).status_code == 409


async def test_opening_twice_answers_the_open_shift(till: Till) -> None:
    again = await till.client.post(
        "/api/v1/sales-points/SP-A/shifts", json={"opening_float": 1}, headers=till.staff
    )
    assert again.status_code == 201 and again.json()["id"] == till.shift_id
    listing = await till.client.get("/api/v1/sales-points/SP-A/shifts", headers=till.staff)
    assert [s["id"] for s in listing.json()["items"]] == [till.shift_id]


async def test_the_till_product_list_says_what_cannot_be_sold(till: Till) -> None:
    response = await till.client.get("/api/v1/sales-points/SP-A/till/products", headers=till.staff)
    assert response.status_code == 200
    products = {p["id"]: p for p in response.json()["items"]}
    noodles = products[till.world.noodles.id]
    assert noodles["available"] == 20 and noodles["sellable"] and noodles["search"].startswith("mien dong")
    assert noodles["gtin"] == "8930000000011"
