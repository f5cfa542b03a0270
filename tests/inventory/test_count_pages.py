"""The count sheet's review step on the pages: what posting will change, read before posting,
and the reason a large difference needs, asked for there without losing what was typed."""

from __future__ import annotations

import httpx

from tests.inventory.conftest import World
from tests.inventory.test_pos_pages import _on_hand, login, receive, stock_page, submit


async def _sheet(client: httpx.AsyncClient, world: World, *, blind: bool) -> str:
    await login(client, world.manager)
    await receive(  # 10 noodles at 100 000 ₫: one lost packet is over nothing, ten are 1 000 000 ₫
        client, **{"line-product": ["8930000000011"], "line-quantity": ["10"], "line-unit_cost": ["100000"]}
    )
    fields = {"scope": "full"} | ({"blind": "1"} if blind else {})
    started = await submit(client, "/pos/SP-A/counts/", "/pos/SP-A/counts/", fields)
    assert started.status_code == 303, started.text
    return started.headers["location"].split("?")[0]


def _row(world: World, counted: str, reason: str = "") -> dict[str, list[str]]:
    return {
        "line-product_id": [str(world.noodles.id)],
        "line-product": [""],
        "line-batch": [""],
        "line-ownership": ["consigned"],
        "line-counted": [counted],
        "line-reason": [reason],
    }


async def test_a_manager_reviews_a_count_and_must_explain_a_large_loss(
    client: httpx.AsyncClient, world: World
):
    sheet = await _sheet(client, world, blind=False)
    reviewed = await submit(client, sheet, f"{sheet}/review", _row(world, "0"))
    assert reviewed.status_code == 303 and reviewed.headers["location"] == f"{sheet}/review"
    review = await client.get(f"{sheet}/review")
    assert review.status_code == 200
    assert 'data-review="lines">1 of 1' in review.text
    assert "10 units · ₫1,000,000" in review.text  # lost, in units and value
    assert "Lines that need a reason" in review.text and 'name="line-reason"' in review.text
    assert _on_hand(await stock_page(client), "Miến dong Tài Hoan") == 10  # nothing posted yet

    no_reason = await submit(
        client, f"{sheet}/review", f"{sheet}/post", _row(world, "0") | {"from": "review"}
    )
    assert no_reason.status_code == 422 and "Give a reason for the large differences" in no_reason.text
    assert _on_hand(await stock_page(client), "Miến dong Tài Hoan") == 10

    explained = _row(world, "0", "returned to the producer") | {"from": "review"}
    posted = await submit(client, f"{sheet}/review", f"{sheet}/post", explained)
    assert posted.status_code == 303, posted.text
    after = await client.get(posted.headers["location"])
    assert "Stock count posted: the stock is adjusted." in after.text and "-10" in after.text


async def test_a_blind_count_review_shows_no_figure_of_the_books(client: httpx.AsyncClient, world: World):
    sheet = await _sheet(client, world, blind=True)
    await submit(client, sheet, f"{sheet}/review", _row(world, "1"))
    review = await client.get(f"{sheet}/review")
    assert "A blind count shows its differences once it is posted." in review.text
    assert "Count them again on the sheet, or say why." in review.text
    assert "Largest differences" not in review.text and "₫900,000" not in review.text
