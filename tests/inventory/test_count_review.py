"""A count cannot wipe out stock by mistake: its review before posting, and the reason a large
difference needs (over the location's threshold, which the office sets)."""

from __future__ import annotations

import httpx

from tests import factories
from tests.inventory.conftest import World
from tests.inventory.support import receipt_body


async def _stock(client: httpx.AsyncClient, headers: dict[str, str], world: World) -> None:
    """40 noodles at 30 000 ₫ and 10 honey at 30 000 ₫ at SP-A."""
    for product, quantity in ((world.noodles, 40), (world.honey, 10)):
        answer = await client.post(
            "/api/v1/sales-points/SP-A/receipts", headers=headers, json=receipt_body(product.id, quantity)
        )
        assert answer.status_code == 201, answer.text


async def _full_count(
    client: httpx.AsyncClient, headers: dict[str, str], world: World, *, blind: bool, noodles: int, honey: int
) -> int:
    count = await client.post(
        "/api/v1/sales-points/SP-A/counts", headers=headers, json={"scope": "full", "blind": blind}
    )
    assert count.status_code == 201, count.text
    lines = [
        {"product_id": world.noodles.id, "counted": noodles},
        {"product_id": world.honey.id, "counted": honey},
    ]
    saved = await client.put(
        f"/api/v1/counts/{count.json()['id']}/lines", headers=headers, json={"lines": lines}
    )
    assert saved.status_code == 200, saved.text
    return int(count.json()["id"])


async def test_the_review_says_what_posting_will_change(client: httpx.AsyncClient, world: World, as_manager):
    await _stock(client, as_manager, world)
    count_id = await _full_count(client, as_manager, world, blind=False, noodles=0, honey=11)
    review = (await client.get(f"/api/v1/counts/{count_id}/review", headers=as_manager)).json()
    assert review["lines_counted"] == 2 and review["units_counted"] == 11
    assert (review["units_lost"], review["units_found"]) == (40, 1)
    assert (review["value_lost_vnd"], review["value_found_vnd"]) == (1_200_000, 30_000)
    assert [v["product_id"] for v in review["largest"]] == [world.noodles.id, world.honey.id]
    assert review["reason_over_vnd"] == 500_000
    assert [(v["product_id"], v["difference"]) for v in review["need_reason"]] == [(world.noodles.id, -40)]


async def test_a_large_difference_is_not_posted_without_a_reason(
    client: httpx.AsyncClient, world: World, as_manager
):
    await _stock(client, as_manager, world)
    count_id = await _full_count(client, as_manager, world, blind=False, noodles=0, honey=10)
    refused = await client.post(
        f"/api/v1/counts/{count_id}/post", headers=as_manager | {"Accept-Language": "en"}
    )
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    assert "reason" in problem["detail"]
    assert [e["field"] for e in problem["errors"]] == ["lines[0].reason"]
    stock = await client.get("/api/v1/sales-points/SP-A/stock", headers=as_manager)
    on_hand = {item["product"]["id"]: item["on_hand"] for item in stock.json()["items"]}
    assert on_hand[world.noodles.id] == 40  # nothing was posted

    explained = [{"product_id": world.noodles.id, "counted": 0, "reason": "hàng trả lại nhà sản xuất"}]
    await client.put(f"/api/v1/counts/{count_id}/lines", headers=as_manager, json={"lines": explained})
    posted = await client.post(f"/api/v1/counts/{count_id}/post", headers=as_manager)
    assert posted.status_code == 200, posted.text
    assert posted.json()["adjusted_units"] == -40


async def test_a_blind_count_names_the_lines_to_recount_but_no_figure(
    client: httpx.AsyncClient, world: World, as_manager
):
    await _stock(client, as_manager, world)
    count_id = await _full_count(client, as_manager, world, blind=True, noodles=2, honey=10)
    review = (await client.get(f"/api/v1/counts/{count_id}/review", headers=as_manager)).json()
    assert review["units_lost"] is None and review["value_lost_vnd"] is None and review["largest"] == []
    assert [(v["product_id"], v["expected"], v["difference"]) for v in review["need_reason"]] == [
        (world.noodles.id, None, None)
    ]
    refused = await client.post(
        f"/api/v1/counts/{count_id}/post", headers=as_manager | {"Accept-Language": "en"}
    )
    assert refused.status_code == 422 and "count it again" in refused.text and "40" not in refused.text

    recounted = [{"product_id": world.noodles.id, "counted": 39}]
    await client.put(f"/api/v1/counts/{count_id}/lines", headers=as_manager, json={"lines": recounted})
    posted = await client.post(f"/api/v1/counts/{count_id}/post", headers=as_manager)
    assert posted.status_code == 200, posted.text  # one packet short: 30 000 ₫, under the threshold
    after = (await client.get(f"/api/v1/counts/{count_id}/review", headers=as_manager)).json()
    assert after["units_lost"] == 1  # posted: the figures show


async def test_the_office_sets_the_threshold_of_a_location(
    client: httpx.AsyncClient, world: World, as_manager
):
    as_admin = await factories.bearer(client, world.admin)
    changed = await client.patch(
        "/api/v1/sales-points/SP-A", headers=as_admin, json={"count_reason_over_vnd": 20_000}
    )
    assert changed.status_code == 200, changed.text
    refused = await client.patch(
        "/api/v1/sales-points/SP-A", headers=as_manager, json={"count_reason_over_vnd": 10_000_000}
    )
    assert refused.status_code == 403
    await _stock(client, as_manager, world)
    count_id = await _full_count(client, as_manager, world, blind=False, noodles=40, honey=9)
    review = (await client.get(f"/api/v1/counts/{count_id}/review", headers=as_manager)).json()
    assert [v["product_id"] for v in review["need_reason"]] == [world.honey.id]  # 30 000 ₫ > 20 000 ₫
    bad = await client.patch(
        "/api/v1/sales-points/SP-A", headers=as_admin, json={"count_reason_over_vnd": -1}
    )
    assert bad.status_code == 400
