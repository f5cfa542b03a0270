"""The till's lists are pages: every sale of a busy day is reachable, newest first."""

from __future__ import annotations

from tests.till.support import Till, cash, line, sale

PRICE = 50_000  # the factories' catalog price

SALES = "/api/v1/sales-points/SP-A/sales"


async def test_sales_are_paged_newest_first_with_their_total(till: Till) -> None:
    made = []
    for _ in range(3):
        recorded = await till.sell(sale([line(till.world.noodles.id)], [cash(PRICE)]))
        assert recorded.status_code == 201
        made.append(recorded.json()["id"])
    first = (await till.client.get(SALES, params={"page_size": 2}, headers=till.staff)).json()
    second = (await till.client.get(SALES, params={"page_size": 2, "page": 2}, headers=till.staff)).json()
    assert (first["total"], second["total"], first["page_size"]) == (3, 3, 2)
    assert [s["id"] for s in first["items"] + second["items"]] == made[::-1]
    too_many = await till.client.get(SALES, params={"page_size": 201}, headers=till.staff)
    assert too_many.status_code == 400 and "page_size" in str(too_many.json()["errors"])


async def test_the_till_reads_its_product_list_in_pages(till: Till) -> None:
    path = "/api/v1/sales-points/SP-A/till/products"
    whole = (await till.client.get(path, headers=till.staff)).json()
    assert whole["page_size"] == 200 and whole["total"] == len(whole["items"]) == 3
    pages = [
        (await till.client.get(path, params={"page": p, "page_size": 1}, headers=till.staff)).json()
        for p in (1, 2, 3)
    ]
    assert [p["items"][0]["id"] for p in pages] == [p["id"] for p in whole["items"]]
