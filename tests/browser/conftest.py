"""Browser tests: Debian's chromium, driven by Playwright, against a real ``ocop serve``.

The server runs the demo data on its own database: a PostgreSQL database of its own when
``OCOP_TEST_POSTGRES_URL`` is set (as in CI), else a copy of the migrated SQLite template.
Without chromium these tests skip with a message; with ``OCOP_TEST_BROWSER`` set (CI sets
it) a browser that cannot start is a failure, never a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from shop.db import Database
from shop.inventory.check import check_ledger
from tests.conftest import POSTGRES_ENV, demo_database
from tests.live import LiveServer, serving

BROWSER_ENV = "OCOP_TEST_BROWSER"
DEFAULT_CHROMIUM = "/usr/bin/chromium"


def _chromium() -> str | None:
    wanted = os.environ.get(BROWSER_ENV)
    path = wanted or DEFAULT_CHROMIUM
    if Path(path).exists():
        return path
    if wanted:
        pytest.fail(f"{BROWSER_ENV}={wanted} but there is no browser there")
    return None


async def ledger_ok(url: str) -> bool:
    """``ocop check ledger`` on the live server's database."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as session:
            return (await check_ledger(session)).ok
    finally:
        await db.dispose()


ARTIFACTS = Path(os.environ.get("OCOP_TEST_ARTIFACTS", "test-artifacts"))


# The journeys run on production's database when there is one (CI), else on SQLite. Every
# rule they rely on is tested on both databases below the pages; running each journey twice
# doubled the suite's longest part for no failure the other tests would not catch.
LIVE_BACKEND = "postgresql" if os.environ.get(POSTGRES_ENV) else "sqlite"


@pytest.fixture(scope="session")
def live_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo data on a database of the live server's own."""
    if _chromium() is None:
        pytest.skip(f"browser tests need chromium at {DEFAULT_CHROMIUM} (apt-get install chromium)")
    yield from demo_database(LIVE_BACKEND, f"ocop_live_{os.getpid()}", sqlite_template, tmp_path_factory)


@pytest.fixture(scope="session")
def live_server(live_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``ocop serve`` on a free port over the demo data."""
    with serving(live_database, tmp_path_factory.mktemp("live-var")) as server:
        yield server


@pytest.fixture
async def page(live_server: LiveServer) -> AsyncIterator[Page]:
    """A fresh browser page (Vietnamese first, as staff use it), on a tablet-sized screen."""
    chromium = _chromium()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        context = await browser.new_context(
            base_url=live_server.base_url, viewport={"width": 1024, "height": 768}, locale="vi-VN"
        )
        yield await context.new_page()
        await browser.close()


def tai_hoan_order(client: httpx.Client, payment: str) -> dict[str, object]:
    """An order of one of Tài Hoan's products, shipped to an address, placed through the API."""
    found = client.get("/api/v1/products", params={"producer": "HTX-TAIHOAN"}).json()["items"]
    cart = client.post("/api/v1/carts").json()["id"]
    added = client.post(f"/api/v1/carts/{cart}/lines", json={"product_id": found[0]["id"], "quantity": 1})
    assert added.status_code == 200, added.text
    province = client.get("/api/v1/places/provinces").json()["items"][0]["code"]
    commune = client.get(f"/api/v1/places/provinces/{province}/communes").json()["items"][0]["code"]
    body = {
        "cart_id": cart,
        "idempotency_key": uuid.uuid4().hex,
        "contact": {"name": "Trần Thị Mai", "email": "mai@example.vn", "phone": "0987654321"},
        "delivery": {
            "method": "ship",
            "address": {"province_code": province, "commune_code": commune, "street": "12 Nguyễn Du"},
        },
        "payment": {"method": payment},
    }
    placed = client.post("/api/v1/checkout", json=body)
    assert placed.status_code == 201, placed.text
    return dict(placed.json())
