"""The till tests run in the stock tests' small world, with stock on the shelf of SP-A."""

from __future__ import annotations

import httpx
import pytest

from tests import factories
from tests.inventory.conftest import World, world  # noqa: F401 - the fixture, shared
from tests.inventory.support import receipt_body
from tests.till.support import Till


@pytest.fixture
async def till(client: httpx.AsyncClient, world: World) -> Till:  # noqa: F811
    """Staff of SP-A at an open till, with 20 noodles, 10 honey and 5 tea in stock."""
    manager = await factories.bearer(client, world.manager)
    for product, quantity, producer in (
        (world.noodles, 20, "HTX-TH"),
        (world.honey, 10, "HTX-TH"),
        (world.tea, 5, "HTX-DV"),
    ):
        body = receipt_body(product.id, quantity, producer=producer, unit_cost=30_000)
        response = await client.post("/api/v1/sales-points/SP-A/receipts", json=body, headers=manager)
        assert response.status_code == 201, response.text
    staff = await factories.bearer(client, world.staff)
    response = await client.post(
        "/api/v1/sales-points/SP-A/shifts", json={"opening_float": 500_000}, headers=staff
    )
    assert response.status_code == 201, response.text
    return Till(client, staff, manager, response.json()["id"], world)
