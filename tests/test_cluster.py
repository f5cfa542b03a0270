"""The catalog caches' drops over Redis (``shop.cluster``), within one process: another
instance's announcement drops the caches here within milliseconds, ours go out, and a
Redis that is not there slows nothing down (warned about, the 10 s expiry still holds).
The two-process proof is tests/scale/test_two_instances.py (PostgreSQL)."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest
import redis
import redis.asyncio as aredis

from shop import cluster
from shop.catalog import cache
from shop.catalog.queries import ProductFilter

REDIS_URL = os.environ.get("OCOP_TEST_REDIS_URL", "redis://127.0.0.1:6379")


@pytest.fixture
async def broadcaster() -> AsyncIterator[cluster.Broadcaster]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    one = cluster.Broadcaster(REDIS_URL, f"ocop-test-{uuid.uuid4().hex[:8]}")
    await one.start()
    assert one.subscribed.is_set()
    yield one
    await one.stop()


async def _until_dropped(key: tuple[object, ...]) -> float:
    start = time.perf_counter()
    while cache.responses.get(key) is not None:
        assert time.perf_counter() - start < 1, "not dropped within a second"
        await asyncio.sleep(0.001)
    return time.perf_counter() - start


async def test_another_instances_drop_reaches_this_one(broadcaster: cluster.Broadcaster) -> None:
    listing, at_sales_point = ("list",), ("list", ProductFilter(sales_point="SP-A"))
    other = aredis.Redis.from_url(REDIS_URL)
    try:
        # Stock at a sales point: only the lists read with a sales point filter go.
        cache.responses.put(listing, b"[]")
        cache.responses.put(at_sales_point, b"[]")
        await other.publish(broadcaster.channel, "another-instance stock")
        await _until_dropped(at_sales_point)
        assert cache.responses.get(listing) == b"[]"
        # The catalog: everything goes.
        await other.publish(broadcaster.channel, "another-instance catalog")
        took = await _until_dropped(listing)
        assert took < 0.5 and broadcaster.received == 2
    finally:
        await other.aclose()


async def test_our_drops_are_announced_once_however_many(broadcaster: cluster.Broadcaster) -> None:
    listener = aredis.Redis.from_url(REDIS_URL).pubsub()
    await listener.subscribe(broadcaster.channel)
    await listener.get_message(timeout=1)  # the subscription's confirmation
    for _ in range(50):
        cache.catalog_changed()
    messages = []
    while (message := await listener.get_message(ignore_subscribe_messages=True, timeout=0.3)) is not None:
        messages.append(message["data"].decode())
    await listener.aclose()
    assert 1 <= len(messages) <= 2 and all(m == f"{broadcaster.instance} catalog" for m in messages)
    assert broadcaster.received == 0  # our own come back and are ignored


async def test_redis_down_slows_nothing(caplog: pytest.LogCaptureFixture) -> None:
    nowhere = cluster.Broadcaster("redis://127.0.0.1:1", "ocop-test-down")
    started = time.perf_counter()
    with caplog.at_level(logging.WARNING, logger="shop.cluster"):
        await nowhere.start()
        cache.responses.put(("list",), b"[]")
        cache.catalog_changed()  # dropped here as always, the announcement fails quietly
        assert cache.responses.get(("list",)) is None
        await asyncio.sleep(0.1)
        await nowhere.stop()
    assert time.perf_counter() - started < 2
    warned = " ".join(r.getMessage() for r in caplog.records)
    assert "not listening for catalog changes" in warned and "could not announce" in warned
