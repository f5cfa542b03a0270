"""The till as an installable offline app, from the server's side: its service worker, its
manifest, the product list it keeps (best sellers first, with stars and validity), and a
receipt sized for the roll it prints on."""

from __future__ import annotations

import re

import httpx

from shop.till import offline
from tests.inventory.conftest import World
from tests.inventory.test_pos_pages import login
from tests.till.support import Till, cash, line, sale

PRICE = 50_000


async def test_the_service_worker_is_served_for_the_whole_pos_scope(
    client: httpx.AsyncClient, world: World
) -> None:
    await login(client, world.staff)
    till = await client.get("/pos/SP-A/till")
    version = re.search(r'data-version="([0-9a-f]+)"', till.text)
    assert version and version[1] == offline.version()
    worker = await client.get(f"/pos/sw.js?v={version[1]}")
    assert worker.status_code == 200
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["service-worker-allowed"] == "/pos/"
    assert worker.headers["cache-control"] == "no-cache"
    assert f'const VERSION = "{version[1]}";' in worker.text
    assert '"/static/till.js"' in worker.text and '"/static/till-store.js"' in worker.text
    # Another release's page asks for its own version; anything else gets today's.
    assert 'const VERSION = "abcdef1234";' in (await client.get("/pos/sw.js?v=abcdef1234")).text
    odd = await client.get('/pos/sw.js?v="</script>')
    assert odd.status_code == 200 and f'const VERSION = "{version[1]}";' in odd.text
    for name in offline.SHELL:
        assert (await client.get(f"/static/{name}")).status_code == 200, name


async def test_the_manifest_installs_the_till_of_its_sales_point(
    client: httpx.AsyncClient, world: World
) -> None:
    await login(client, world.staff)
    till = await client.get("/pos/SP-A/till")
    assert 'rel="manifest" href="/pos/SP-A/manifest.webmanifest"' in till.text
    response = await client.get("/pos/SP-A/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["start_url"] == "/pos/SP-A/till" and manifest["scope"] == "/pos/"
    assert manifest["display"] == "standalone"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    await login(client, world.other_manager)
    assert (await client.get("/pos/SP-A/manifest.webmanifest")).status_code == 404


async def test_the_kept_product_list_puts_best_sellers_first(till: Till) -> None:
    honey, tea = till.world.honey.id, till.world.tea.id
    assert (await till.sell(sale([line(honey, 3)], [cash(3 * PRICE)]))).status_code == 201
    assert (await till.sell(sale([line(tea, 1)], [cash(PRICE)]))).status_code == 201
    response = await till.client.get("/api/v1/sales-points/SP-A/till/products", headers=till.staff)
    products = response.json()["items"]
    assert [p["id"] for p in products[:2]] == [honey, tea]
    assert [p["sold"] for p in products] == [3, 1, 0]
    assert all(p["stars"] == 4 and p["certified_until"] for p in products)
    assert "image_url" in products[0]


async def test_a_receipt_page_is_sized_for_its_roll(till: Till, world: World) -> None:
    sold = await till.sell(sale([line(world.noodles.id)], [cash(PRICE)]))
    await login(till.client, world.staff)
    path = f"/pos/SP-A/sales/{sold.json()['id']}"
    narrow = await till.client.get(f"{path}?layout=58mm")
    assert narrow.status_code == 200 and "receipt-58mm" in narrow.text
    assert "size: 58mm 297mm" in narrow.text and "size: 58mm ${mm}mm" in narrow.text
    roll = await till.client.get(f"{path}?print=1")
    assert "size: 80mm" in roll.text and 'addEventListener("load", () => print())' in roll.text
    a5 = await till.client.get(f"{path}?layout=a5")
    assert "size: A5" in a5.text and 'addEventListener("load", () => print())' not in a5.text
