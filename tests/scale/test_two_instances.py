"""Two real ``ocop serve`` processes on one PostgreSQL database with Redis (issue 20).

They agree: a certificate revoked through instance A is refused at checkout on B and gone
from B's product list, its ``?sales_point=`` list and its listing page within a second (B
had them cached: a change made behind the app's back stays unseen there meanwhile); stock
received at a sales point through A shows in B's ``?sales_point=`` list as fast; the
scheduled jobs run once per interval across both (in the leader only); and failed logins
through A make B refuse that username from that client.

Runs only on PostgreSQL (``OCOP_TEST_POSTGRES_URL``), with Redis at ``OCOP_TEST_REDIS_URL``
(redis://127.0.0.1:6379 by default), on a channel of its own (``OCOP_REDIS_PREFIX``).
"""

from __future__ import annotations

import asyncio
import os
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import redis
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache
from shop.catalog.models import Certificate, Product
from tests.conftest import empty_tables
from tests.inventory.conftest import world  # noqa: F401 - the fixtures the shop is built of
from tests.inventory.support import receipt_body
from tests.live import LiveServer, serving
from tests.storefront.conftest import Shop, settings, shop, stripe, stripe_server  # noqa: F401
from tests.storefront.support import EN, checkout_body

REDIS_URL = os.environ.get("OCOP_TEST_REDIS_URL", "redis://127.0.0.1:6379")
RAN = re.compile(r"shop\.jobs: scheduled jobs ran")
AGREE_WITHIN = 1.0  # seconds


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """PostgreSQL only: several instances need a database they can share."""
    cache.catalog_changed()
    empty_tables(postgres_url)
    return postgres_url


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as failure:
        pytest.fail(f"these tests need Redis at {REDIS_URL}: {failure}")
    return REDIS_URL


@pytest.fixture
def two(database_url: str, redis_url: str, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    env = {
        "OCOP_REDIS_URL": redis_url,
        "OCOP_REDIS_PREFIX": f"ocop-test-{uuid.uuid4().hex[:8]}",
        "OCOP_JOBS_INTERVAL": "1",
        "OCOP_DB_POOL_SIZE": "4",
        "OCOP_DB_MAX_OVERFLOW": "2",
    }
    with ExitStack() as stack:
        a = stack.enter_context(serving(database_url, tmp_path / "a", **env))
        b = stack.enter_context(serving(database_url, tmp_path / "b", **env))
        yield a, b


def _names(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {item["name"] for item in response.json()["items"]}


async def _until(check: Callable[[], Awaitable[bool]], *, within: float) -> float:
    """Seconds until ``check()`` is true (polled every 20 ms); fails after ``within``."""
    start = time.monotonic()
    while not await check():
        if time.monotonic() - start > within:
            pytest.fail(f"not seen within {within} s")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


def _runs(server: LiveServer) -> int:
    log = server.mail_dir.parent / "serve.log"
    return len(RAN.findall(log.read_text(errors="replace")))


async def test_two_instances_agree(
    shop: Shop,  # noqa: F811
    session: AsyncSession,
    two: tuple[LiveServer, LiveServer],
) -> None:
    a_server, b_server = two
    w = shop.world
    noodles, honey, tea = w.noodles.name, w.honey.name, w.tea.name
    async with (
        httpx.AsyncClient(base_url=a_server.base_url, timeout=10) as a,
        httpx.AsyncClient(base_url=b_server.base_url, timeout=10) as b,
    ):
        # B reads and caches: the list, the sales point's list (noodles only), the listing page.
        listed = _names(await b.get("/api/v1/products"))
        assert {noodles, honey, tea} <= listed
        assert _names(await b.get("/api/v1/products?sales_point=SP-A")) == {noodles}
        assert noodles in (await b.get("/products", headers=EN)).text
        cart = (await b.post("/api/v1/carts")).json()["id"]
        added = await b.post(f"/api/v1/carts/{cart}/lines", json={"product_id": w.noodles.id, "quantity": 1})
        assert added.status_code == 200, added.text

        # What B answers is its cache: a price changed behind the app's back is not seen.
        await session.execute(sa.update(Product).where(Product.id == w.tea.id).values(price_vnd=77_000))
        await session.commit()
        prices = {i["name"]: i["price_vnd"] for i in (await b.get("/api/v1/products")).json()["items"]}
        assert prices[tea] != 77_000

        # Stock received at SP-A through A: B's sales point list shows the honey at once.
        body = receipt_body(w.honey.id, 2, producer="HTX-TH", unit_cost=30_000)
        received = await a.post("/api/v1/sales-points/SP-A/receipts", json=body, headers=shop.admin)
        assert received.status_code == 201, received.text

        async def honey_at_sp_a() -> bool:
            return honey in _names(await b.get("/api/v1/products?sales_point=SP-A"))

        stock_latency = await _until(honey_at_sp_a, within=AGREE_WITHIN)

        # The office revokes the noodles' certificate through A.
        cert = await session.scalar(sa.select(Certificate.id).where(Certificate.product_id == w.noodles.id))
        revoked = await a.post(
            f"/api/v1/certificates/{cert}/revoke", json={"reason": "Kiểm tra không đạt"}, headers=shop.admin
        )
        assert revoked.status_code == 200, revoked.text
        started = time.monotonic()

        async def gone_on_b() -> bool:
            return (
                noodles not in _names(await b.get("/api/v1/products"))
                and noodles not in _names(await b.get("/api/v1/products?sales_point=SP-A"))
                and noodles not in (await b.get("/products", headers=EN)).text
            )

        await _until(gone_on_b, within=AGREE_WITHIN)
        revoke_latency = time.monotonic() - started
        # The whole catalog was dropped on B: the change behind its back shows now too.
        prices = {i["name"]: i["price_vnd"] for i in (await b.get("/api/v1/products")).json()["items"]}
        assert prices[tea] == 77_000
        # And B's checkout refuses the revoked product in the cart made before.
        refused = await b.post(
            "/api/v1/checkout",
            json=checkout_body(cart, province=shop.province, commune=shop.commune),
            headers=EN,
        )
        assert refused.status_code == 409 and refused.json()["code"] == "not_sellable", refused.text

        # Failed logins through A: B refuses the username from this client too (429).
        for _ in range(5):
            failed = await a.post("/api/v1/auth/login", json={"username": w.admin, "password": "wrong"})
            assert failed.status_code == 401, failed.text
        locked = await b.post("/api/v1/auth/login", json={"username": w.admin, "password": "password123"})
        assert locked.status_code == 429, locked.text
        assert int(locked.headers["Retry-After"]) > 0

        # The jobs: once a second across both instances (each would run them every second
        # on its own, 8 runs in 4 s), all in one of them; fewer on a machine too busy.
        before = _runs(a_server) + _runs(b_server)
        await asyncio.sleep(4)
        ran = _runs(a_server) + _runs(b_server) - before
        assert 2 <= ran <= 5, ran
        assert 0 in (_runs(a_server), _runs(b_server)), (_runs(a_server), _runs(b_server))

    print(f"\nB saw the stock after {stock_latency * 1000:.0f} ms,", end=" ")
    print(f"the revocation after {revoke_latency * 1000:.0f} ms")
