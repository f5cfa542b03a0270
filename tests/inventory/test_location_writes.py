"""The office creates and edits locations; the rules of each kind are enforced."""

from __future__ import annotations

import httpx

from tests import factories


async def test_the_office_opens_a_sales_point_in_a_commune_of_todays_map(client: httpx.AsyncClient, world):
    headers = await factories.bearer(client, world.admin)
    response = await client.post(
        "/api/v1/sales-points",
        headers=headers,
        json={
            "code": "SP-NARI-2",
            "name": "Điểm bán OCOP chợ Na Rì",
            "kind": "sales_point",
            "place": "Na Rì, Thái Nguyên",
            "address": "Chợ Yến Lạc",
            "opening_hours": "7:00–18:00",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["province"], body["commune"]) == ("Tỉnh Thái Nguyên", "Xã Na Rì")
    listed = (await client.get("/api/v1/sales-points")).json()
    assert "SP-NARI-2" in {s["code"] for s in listed["items"]}

    closed = await client.patch("/api/v1/sales-points/SP-NARI-2", headers=headers, json={"is_active": False})
    assert closed.status_code == 200
    assert "SP-NARI-2" not in {s["code"] for s in (await client.get("/api/v1/sales-points")).json()["items"]}


async def test_a_fair_needs_its_dates_and_a_warehouse_its_producer(client: httpx.AsyncClient, world):
    headers = await factories.bearer(client, world.admin)
    fair = await client.post(
        "/api/v1/sales-points",
        headers=headers,
        json={"code": "FAIR-X", "name": "Hội chợ", "kind": "fair", "place": "Na Rì, Thái Nguyên"},
    )
    assert fair.status_code == 422
    assert fair.json()["errors"][0]["field"] == "ends_on"
    warehouse = await client.post(
        "/api/v1/sales-points",
        headers=headers,
        json={"code": "KHO-X", "name": "Kho", "kind": "producer", "place": "Atlantis"},
    )
    assert warehouse.status_code == 422
    assert {e["field"] for e in warehouse.json()["errors"]} == {"place", "producer_code"}
    duplicate = await client.post(
        "/api/v1/sales-points",
        headers=headers,
        json={"code": "SP-A", "name": "Trùng", "kind": "sales_point", "place": "Na Rì, Thái Nguyên"},
    )
    assert duplicate.status_code == 409


async def test_only_the_office_writes_locations(client: httpx.AsyncClient, world, as_manager):
    response = await client.post(
        "/api/v1/sales-points",
        headers=as_manager,
        json={"code": "SP-Z", "name": "Z", "kind": "sales_point", "place": "Na Rì, Thái Nguyên"},
    )
    assert response.status_code == 403
