"""Rule 8: each role sees and changes only its own locations; the server checks every route.

A location outside someone's scope answers 404, exactly like one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest

from tests import factories
from tests.inventory.support import batch, receipt_body, snapshot


@dataclass
class Scene:
    """SP-A holds noodles and tea, SP-B holds honey; SP-B has a draft transfer back to the
    producer's warehouse, a transfer sent to the fair and an open count; SP-A has sent noodles
    to SP-B."""

    admin: dict[str, str]
    draft_from_b: int
    sent_from_b: int
    sent_from_a_to_b: int
    count_at_b: int


@pytest.fixture
async def scene(client: httpx.AsyncClient, world) -> Scene:
    admin = await factories.bearer(client, world.admin)

    async def post(path: str, body: dict[str, object]) -> dict[str, object]:
        response = await client.post(path, headers=admin, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    await post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 10, batch=batch("N1")))
    await post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.tea.id, 10, producer="HTX-DV"))
    await post("/api/v1/sales-points/SP-B/receipts", receipt_body(world.honey.id, 10))
    honey = [{"product_id": world.honey.id, "quantity": 2}]
    draft = await post(
        "/api/v1/transfers", {"from_location": "SP-B", "to_location": "KHO-TH", "lines": honey}
    )
    sent = await post(
        "/api/v1/transfers", {"from_location": "SP-B", "to_location": "FAIR-1", "lines": honey, "send": True}
    )
    noodles = [{"product_id": world.noodles.id, "quantity": 1}]
    a_to_b = await post(
        "/api/v1/transfers", {"from_location": "SP-A", "to_location": "SP-B", "lines": noodles, "send": True}
    )
    count = await post("/api/v1/sales-points/SP-B/counts", {"scope": "full"})
    return Scene(admin, int(draft["id"]), int(sent["id"]), int(a_to_b["id"]), int(count["id"]))  # type: ignore[arg-type]


def _other_location_requests(
    world, scene: Scene, who: str
) -> list[tuple[str, str, dict[str, object] | None]]:
    honey = [{"product_id": world.honey.id, "quantity": 1}]
    # SP-B's transfer to the fair is the manager's to receive (they run the fair too).
    receive = [] if who == "manager" else [("POST", f"/api/v1/transfers/{scene.sent_from_b}/receive", None)]
    return [
        *receive,
        ("GET", "/api/v1/sales-points/SP-B/stock", None),
        ("GET", "/api/v1/sales-points/SP-B/movements", None),
        ("GET", "/api/v1/sales-points/SP-B/expiring", None),
        ("GET", "/api/v1/sales-points/SP-B/counts", None),
        ("GET", "/api/v1/sales-points/SP-B/transfers", None),
        ("GET", "/api/v1/sales-points/SP-B/reorder", None),
        ("POST", "/api/v1/sales-points/SP-B/receipts", receipt_body(world.honey.id, 1)),
        ("POST", "/api/v1/sales-points/SP-B/counts", {"scope": "full"}),
        ("POST", "/api/v1/sales-points/SP-B/write-offs", {"reason": "lost", "lines": honey}),
        ("POST", "/api/v1/transfers", {"from_location": "SP-B", "to_location": "SP-A", "lines": honey}),
        ("POST", f"/api/v1/transfers/{scene.draft_from_b}/send", None),
        ("POST", f"/api/v1/transfers/{scene.draft_from_b}/cancel", None),
        ("GET", f"/api/v1/transfers/{scene.draft_from_b}", None),
        ("GET", f"/api/v1/counts/{scene.count_at_b}", None),
        ("POST", f"/api/v1/counts/{scene.count_at_b}/post", None),
        ("GET", "/api/v1/receipts/3", None),  # SP-B's honey receipt
    ]


@pytest.mark.parametrize("who", ["staff", "manager"])
async def test_sales_point_people_get_404_for_every_route_of_another_sales_point(
    client: httpx.AsyncClient, database, world, scene: Scene, who: str
):
    headers = await factories.bearer(client, getattr(world, who))
    before = await snapshot(database)
    for method, path, body in _other_location_requests(world, scene, who):
        response = await client.request(method, path, headers=headers, json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["code"] == "not_found"
    assert await snapshot(database) == before
    # Their own sales point answers.
    assert (await client.get("/api/v1/sales-points/SP-A/stock", headers=headers)).status_code == 200
    assert (await client.get("/api/v1/receipts/1", headers=headers)).status_code == 200


async def test_staff_cannot_see_other_sales_point_stock_that_an_admin_sees(
    client: httpx.AsyncClient, world, scene
):
    staff = await factories.bearer(client, world.staff)
    assert (await client.get("/api/v1/sales-points/SP-B/stock", headers=staff)).status_code == 404
    everywhere = [
        (await client.get(f"/api/v1/sales-points/{code}/stock", headers=scene.admin)).json()["total"]
        for code in ("SP-A", "SP-B", "FAIR-1", "KHO-TH")
    ]
    assert everywhere == [2, 1, 0, 0]
    assert (await client.get(f"/api/v1/counts/{scene.count_at_b}", headers=scene.admin)).status_code == 200
    assert (
        await client.get(f"/api/v1/transfers/{scene.draft_from_b}", headers=scene.admin)
    ).status_code == 200


async def test_the_sender_cannot_receive_a_transfer_at_a_location_that_is_not_theirs(
    client: httpx.AsyncClient, world, scene
):
    staff = await factories.bearer(client, world.staff)
    # SP-A's staff sent it and may look at it, but only SP-B receives it.
    assert (await client.get(f"/api/v1/transfers/{scene.sent_from_a_to_b}", headers=staff)).status_code == 200
    refused = await client.post(f"/api/v1/transfers/{scene.sent_from_a_to_b}/receive", headers=staff)
    assert refused.status_code == 404
    other = await factories.bearer(client, world.other_manager)
    received = await client.post(f"/api/v1/transfers/{scene.sent_from_a_to_b}/receive", headers=other)
    assert received.status_code == 200, received.text


async def test_a_manager_of_the_fair_receives_what_another_sales_point_sent_there(
    client: httpx.AsyncClient, world, scene
):
    manager = await factories.bearer(client, world.manager)  # SP-A and FAIR-1
    received = await client.post(f"/api/v1/transfers/{scene.sent_from_b}/receive", headers=manager)
    assert received.status_code == 200, received.text
    fair = (await client.get("/api/v1/sales-points/FAIR-1/stock", headers=manager)).json()
    assert [(s["product"]["id"], s["on_hand"]) for s in fair["items"]] == [(world.honey.id, 2)]


async def test_a_cooperative_reads_only_its_own_products_at_a_sales_point(
    client: httpx.AsyncClient, world, scene
):
    coop = await factories.bearer(client, world.coop)
    stock = await client.get("/api/v1/sales-points/SP-A/stock", headers=coop)
    assert stock.status_code == 200
    assert [s["product"]["id"] for s in stock.json()["items"]] == [world.noodles.id]
    movements = (await client.get("/api/v1/sales-points/SP-A/movements", headers=coop)).json()
    assert movements["total"] == 2  # the noodles' receipt and transfer out; not the tea
    assert {m["product_id"] for m in movements["items"]} == {world.noodles.id}
    tea = await client.get(f"/api/v1/sales-points/SP-A/stock?product_id={world.tea.id}", headers=coop)
    assert tea.json()["items"] == []


async def test_a_cooperative_cannot_change_a_sales_point_but_receives_into_its_own_warehouse(
    client: httpx.AsyncClient, database, world, scene
):
    coop = await factories.bearer(client, world.coop)
    before = await snapshot(database)
    for method, path, body in (
        ("POST", "/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 5)),
        (
            "POST",
            "/api/v1/sales-points/SP-A/write-offs",
            {"reason": "lost", "lines": [{"product_id": 1, "quantity": 1}]},
        ),
        ("POST", "/api/v1/sales-points/SP-A/counts", {"scope": "full"}),
        ("GET", "/api/v1/sales-points/SP-A/reorder", None),
        ("GET", "/api/v1/receipts/1", None),
    ):
        response = await client.request(method, path, headers=coop, json=body)
        assert response.status_code == 404, (path, response.text)
    assert await snapshot(database) == before

    home = await client.post(
        "/api/v1/sales-points/KHO-TH/receipts", headers=coop, json=receipt_body(world.honey.id, 7)
    )
    assert home.status_code == 201, home.text
    stock = (await client.get("/api/v1/sales-points/KHO-TH/stock", headers=coop)).json()
    assert [(s["product"]["id"], s["on_hand"], s["consigned"]) for s in stock["items"]] == [
        (world.honey.id, 7, 0)
    ]
    # Its warehouse takes only its own products.
    other = await client.post(
        "/api/v1/sales-points/KHO-TH/receipts",
        headers=coop,
        json=receipt_body(world.tea.id, 1, producer="HTX-DV"),
    )
    assert other.status_code == 409


async def test_staff_cannot_set_thresholds_but_a_manager_can(client: httpx.AsyncClient, world, scene):
    body = {"lines": [{"product_id": world.noodles.id, "minimum": 4}]}
    staff = await factories.bearer(client, world.staff)
    refused = await client.put("/api/v1/sales-points/SP-A/thresholds", headers=staff, json=body)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    manager = await factories.bearer(client, world.manager)
    assert (
        await client.put("/api/v1/sales-points/SP-B/thresholds", headers=manager, json=body)
    ).status_code == 404
    done = await client.put("/api/v1/sales-points/SP-A/thresholds", headers=manager, json=body)
    assert done.status_code == 200, done.text
    stock = (
        await client.get(f"/api/v1/sales-points/SP-A/stock?product_id={world.noodles.id}", headers=staff)
    ).json()
    assert stock["items"][0]["minimum"] == 4


async def test_anonymous_requests_are_401(client: httpx.AsyncClient, world, scene):
    for method, path in (
        ("GET", "/api/v1/sales-points/SP-A/stock"),
        ("GET", "/api/v1/sales-points/SP-A/movements"),
        ("POST", "/api/v1/sales-points/SP-A/write-offs"),
        ("GET", f"/api/v1/transfers/{scene.draft_from_b}"),
        ("GET", f"/api/v1/counts/{scene.count_at_b}"),
    ):
        response = await client.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 401, path
        assert response.headers["content-type"].startswith("application/problem+json")
    # Public: the list of sales points.
    assert (await client.get("/api/v1/sales-points")).status_code == 200
