"""The manager's day from the issue: receive on consignment, transfer to the fair, count,
write off, and read every step back in the movement history."""

from __future__ import annotations

import datetime as dt

import httpx

from shop.catalog.sellability import today
from tests import factories


def _batch(code: str, days: int = 200) -> dict[str, str]:
    return {
        "code": code,
        "produced_on": (today() - dt.timedelta(days=10)).isoformat(),
        "expires_on": (today() + dt.timedelta(days=days)).isoformat(),
    }


async def test_a_manager_receives_transfers_counts_and_writes_off(
    client: httpx.AsyncClient, world, as_manager
):
    noodles, honey = world.noodles.id, world.honey.id
    receipt = await client.post(
        "/api/v1/sales-points/SP-A/receipts",
        headers=as_manager,
        json={
            "kind": "consignment",
            "producer_code": "HTX-TH",
            "lines": [
                {
                    "product_id": noodles,
                    "quantity": 20,
                    "batch": _batch("L-2026-01", 300),
                    "unit_cost": 40_000,
                },
                {
                    "product_id": noodles,
                    "quantity": 10,
                    "batch": _batch("L-2026-02", 60),
                    "unit_cost": 40_000,
                },
                {"product_id": honey, "quantity": 5, "unit_cost": 150_000},
            ],
        },
    )
    assert receipt.status_code == 201, receipt.text
    assert receipt.json()["total_vnd"] == 30 * 40_000 + 5 * 150_000

    transfer = await client.post(
        "/api/v1/transfers",
        headers=as_manager,
        json={
            "from_location": "SP-A",
            "to_location": "FAIR-1",
            "lines": [{"product_id": noodles, "quantity": 12}],
        },
    )
    assert transfer.status_code == 201, transfer.text
    transfer_id = transfer.json()["id"]
    sent = await client.post(f"/api/v1/transfers/{transfer_id}/send", headers=as_manager)
    assert sent.status_code == 200, sent.text
    # First expiring, first out: the 60-day batch leaves first.
    assert [(i["batch_code"], i["quantity_sent"]) for i in sent.json()["items"]] == [
        ("L-2026-02", 10),
        ("L-2026-01", 2),
    ]
    received = await client.post(
        f"/api/v1/transfers/{transfer_id}/receive",
        headers=as_manager,
        json={
            "lines": [
                {"product_id": noodles, "batch_code": "L-2026-01", "quantity": 1, "reason": "vỡ một gói"}
            ]
        },
    )
    assert received.status_code == 200, received.text
    assert received.json()["units_received"] == 11

    count = await client.post(
        "/api/v1/sales-points/SP-A/counts",
        headers=as_manager,
        json={
            "scope": "partial",
            "product_ids": [honey],
            "lines": [{"product_id": honey, "counted": 4, "reason": "thiếu"}],
        },
    )
    assert count.status_code == 201, count.text
    posted = await client.post(f"/api/v1/counts/{count.json()['id']}/post", headers=as_manager)
    assert posted.status_code == 200, posted.text
    assert posted.json()["adjusted_units"] == -1
    again = await client.post(f"/api/v1/counts/{count.json()['id']}/post", headers=as_manager)
    assert again.status_code == 409

    write_off = await client.post(
        "/api/v1/sales-points/SP-A/write-offs",
        headers=as_manager,
        json={"reason": "damaged", "lines": [{"product_id": noodles, "quantity": 1}]},
    )
    assert write_off.status_code == 201, write_off.text

    stock = (await client.get("/api/v1/sales-points/SP-A/stock", headers=as_manager)).json()
    by_product = {s["product"]["id"]: s for s in stock["items"]}
    assert by_product[noodles]["on_hand"] == 30 - 12 - 1
    assert by_product[noodles]["consigned"] == 17
    assert by_product[honey]["on_hand"] == 4
    fair = (await client.get("/api/v1/sales-points/FAIR-1/stock", headers=as_manager)).json()
    assert fair["items"][0]["on_hand"] == 11

    history = (
        await client.get(f"/api/v1/sales-points/SP-A/movements?product_id={noodles}", headers=as_manager)
    ).json()
    assert [m["kind"] for m in history["items"]] == [
        "write_off",
        "transfer_out",
        "transfer_out",
        "receipt",
        "receipt",
    ]
    assert history["items"][0]["on_hand_after"] == 17
    assert history["items"][0]["write_off_reason"] == "damaged"


async def test_staff_cannot_see_another_sales_points_stock(client: httpx.AsyncClient, world):
    headers = await factories.bearer(client, world.staff)
    assert (await client.get("/api/v1/sales-points/SP-B/stock", headers=headers)).status_code == 404
    assert (await client.get("/api/v1/sales-points/SP-A/stock", headers=headers)).status_code == 200


async def test_a_many_line_receipt_averages_costs_and_records_each_balance(
    client: httpx.AsyncClient, world, as_manager
):
    """Many lines go in as one update on PostgreSQL: the figures are those of one at a time."""
    first = {
        "kind": "purchase",
        "producer_code": "HTX-TH",
        "lines": [
            {"product_id": world.noodles.id, "quantity": 10, "batch": _batch("A"), "unit_cost": 30_000}
        ],
    }
    assert (
        await client.post("/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=first)
    ).status_code == 201
    second = {
        "kind": "purchase",
        "producer_code": "HTX-TH",
        "lines": [
            {"product_id": world.noodles.id, "quantity": 30, "batch": _batch("A"), "unit_cost": 50_000},
            {"product_id": world.honey.id, "quantity": 4, "batch": _batch("H"), "unit_cost": 120_000},
            {"product_id": world.noodles.id, "quantity": 5, "batch": _batch("B"), "unit_cost": 41_000},
        ],
    }
    assert (
        await client.post("/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=second)
    ).status_code == 201

    stock = (await client.get("/api/v1/sales-points/SP-A/stock", headers=as_manager)).json()
    lots = {b["batch"]["code"]: b for item in stock["items"] for b in item["batches"]}
    assert lots["A"]["on_hand"] == 40 and lots["A"]["unit_cost_vnd"] == (10 * 30_000 + 30 * 50_000) // 40
    assert lots["B"]["unit_cost_vnd"] == 41_000 and lots["H"]["on_hand"] == 4
    history = (await client.get("/api/v1/sales-points/SP-A/movements", headers=as_manager)).json()["items"]
    assert sorted((m["batch_code"], m["on_hand_after"]) for m in history) == [
        ("A", 10),
        ("A", 40),
        ("B", 5),
        ("H", 4),
    ]
