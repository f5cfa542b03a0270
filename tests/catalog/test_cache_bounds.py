"""The catalog caches stay within ``_MAX_ENTRIES`` each, forgetting the least recently used
first, so the entries every page reads outlive the pages of a whole catalog (issue 20)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from shop.catalog import cache


@dataclass(frozen=True)
class _Filter:
    sales_point: str | None = None


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> cache._Expiring[str]:
    monkeypatch.setattr(cache, "_MAX_ENTRIES", 3)
    return cache._Expiring()


def test_the_least_recently_read_entry_goes_first(small: cache._Expiring[str]):
    small.put("page keys", "every list page reads me")
    for page in range(1, 11):
        assert small.get("page keys") == "every list page reads me"
        small.put(("page", page), f"page {page}")
        assert len(small) <= 3
    assert small.get("page keys") == "every list page reads me"
    assert small.get(("page", 10)) == "page 10" and small.get(("page", 9)) == "page 9"
    assert small.get(("page", 8)) is None  # forgotten, not the one read before each page


def test_an_expired_entry_is_forgotten_when_read(
    small: cache._Expiring[str], monkeypatch: pytest.MonkeyPatch
):
    small.put("old", "value")
    later = cache.time.monotonic() + cache.TOTAL_TTL + 1
    monkeypatch.setattr(cache.time, "monotonic", lambda: later)
    assert small.get("old") is None
    assert len(small) == 0


def test_a_forgotten_sales_point_entry_leaves_the_stock_drop_nothing_to_do(small: cache._Expiring[str]):
    small.put(("list", _Filter(sales_point="SP-A")), "at SP-A")
    for n in range(3):
        small.put(("list", n), "plain")
    assert small.get(("list", _Filter(sales_point="SP-A"))) is None  # the oldest, forgotten
    assert small._stock_keys == set()
    small.put(("list", _Filter(sales_point="SP-B")), "at SP-B")
    small.drop_stock_dependent()
    assert small.get(("list", _Filter(sales_point="SP-B"))) is None
    assert small.get(("list", 2)) == "plain"


def test_a_cache_given_fewer_entries_keeps_no_more_than_those():
    listings: cache._Expiring[str] = cache._Expiring(2)  # as cache.listings, with its 32
    for page in range(1, 6):
        listings.put(("listing", page), f"page {page}")
    assert len(listings) == 2
    assert listings.get(("listing", 5)) == "page 5" and listings.get(("listing", 3)) is None
    assert len(cache.listings._entries) <= cache._MAX_LISTINGS < cache._MAX_ENTRIES


async def test_a_value_past_its_seconds_is_answered_while_read_again_once(
    small: cache._Expiring[str], monkeypatch: pytest.MonkeyPatch
):
    """The list's page keys: their expiry no longer holds every page of that moment."""
    reads: list[str] = []
    gate = asyncio.Event()

    async def read_again() -> str:
        reads.append("read")
        await gate.wait()
        return "fresh keys"

    small.put("page keys", "last keys")
    later = cache.time.monotonic() + cache.TOTAL_TTL + 1
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: later))  # asyncio's clock runs on
    answers = [await small.get_or_refresh("page keys", read_again) for _ in range(5)]
    assert answers == ["last keys"] * 5  # nobody waited for the read
    await asyncio.sleep(0)
    assert reads == ["read"]  # one read for the five
    gate.set()
    await asyncio.sleep(0.01)
    assert await small.get_or_refresh("page keys", read_again) == "fresh keys"


async def test_a_value_dropped_by_a_write_is_read_again_before_it_is_answered():
    cache.pages.put("page keys", "before the write")
    cache.dropped_elsewhere("catalog")  # as a write here, or one another instance announced

    async def read() -> str:
        return "after the write"

    assert await cache.pages.get_or_refresh("page keys", read) == "after the write"
    cache.pages.clear()
