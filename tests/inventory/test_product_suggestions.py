"""Product fields on the stock screens suggest what matches as it is typed: the location's
own goods first, then the catalog (receiving), or only what is here (writing off)."""

from __future__ import annotations

import httpx

from tests import factories
from tests.inventory.conftest import World
from tests.inventory.support import receipt_body
from tests.inventory.test_pos_pages import login


async def test_suggestions_put_what_the_location_holds_first(
    client: httpx.AsyncClient, session, world: World, as_manager
):
    more_honey = await factories.product(session, world.other_maker, name="Mật ong rừng Đồng Văn")
    await session.commit()
    received = await client.post(
        "/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=receipt_body(world.honey.id, 7)
    )
    assert received.status_code == 201, received.text
    await login(client, world.manager)

    typed = await client.get("/pos/SP-A/products/suggest", params={"q": "mat ong"})
    assert typed.status_code == 200
    assert [(s["name"], s["on_hand"]) for s in typed.json()] == [
        ("Mật ong bạc hà", 7),  # held here: first, though "rừng" sorts after "bạc"
        ("Mật ong rừng Đồng Văn", 0),
    ]
    assert typed.json()[0]["label"] == f"#{world.honey.id} · Mật ong bạc hà"  # what the form resolves

    held = await client.get("/pos/SP-A/products/suggest", params={"q": "mat ong", "held": "true"})
    assert [s["name"] for s in held.json()] == ["Mật ong bạc hà"]
    of_producer = await client.get(
        "/pos/SP-A/products/suggest", params={"q": "mat ong", "producer": "HTX-DV"}
    )
    assert [s["name"] for s in of_producer.json()] == [more_honey.name]
    scanned = await client.get("/pos/SP-A/products/suggest", params={"q": "8930000000011"})
    assert [s["name"] for s in scanned.json()] == ["Miến dong Tài Hoan"]


async def test_suggestions_of_another_location_are_not_shown(client: httpx.AsyncClient, world: World):
    await login(client, world.staff)
    assert (await client.get("/pos/SP-B/products/suggest", params={"q": "mat"})).status_code == 404


async def test_the_receive_page_offers_the_products_held(client: httpx.AsyncClient, world: World, as_manager):
    await client.post(
        "/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=receipt_body(world.noodles.id, 3)
    )
    await login(client, world.manager)
    page = await client.get("/pos/SP-A/receive")
    assert 'data-suggest="/pos/SP-A/products/suggest"' in page.text
    assert '<datalist id="products"><option value="8930000000011 · Miến dong Tài Hoan">' in page.text
