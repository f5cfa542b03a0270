"""An app that cannot start fails its test at once with the reason, never hangs the suite
(issue 15, item 10: PostgreSQL out of connections left the suite idle for 25 minutes)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from shop import cluster
from shop.app import create_app
from shop.settings import Settings
from tests import conftest
from tests.inventory.support import RACE_CONNECTIONS


async def test_a_start_up_error_fails_the_test_at_once(settings: Settings, monkeypatch: pytest.MonkeyPatch):
    @asynccontextmanager
    async def refuse(_: Settings) -> AsyncIterator[None]:
        raise ConnectionError("sorry, too many clients already")
        yield

    monkeypatch.setattr(cluster, "broadcasting", refuse)
    app = create_app(settings)
    with pytest.raises(pytest.fail.Exception, match=r"could not start: ConnectionError.*too many clients"):
        async with asyncio.timeout(10), conftest.running(app):
            pytest.fail("the app is not running")


async def test_a_start_that_never_ends_fails_the_test_after_the_timeout(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    @asynccontextmanager
    async def hang(_: Settings) -> AsyncIterator[None]:
        await asyncio.Event().wait()
        yield

    monkeypatch.setattr(cluster, "broadcasting", hang)
    monkeypatch.setattr(conftest, "STARTUP_TIMEOUT", 0.2)
    app = create_app(settings)
    with pytest.raises(pytest.fail.Exception, match="did not start within"):
        async with asyncio.timeout(10), conftest.running(app):
            pytest.fail("the app is not running")


def test_the_suite_states_and_keeps_its_connection_budget():
    app_pool = conftest.TEST_POOL["pool_size"] + conftest.TEST_POOL["max_overflow"]
    stated = 36
    admin = 1  # the admin's own pool, once /admin is opened, keeps one (five while an admin test uses it)
    assert f"at most {stated} PostgreSQL connections" in (conftest.__doc__ or "")
    # the test's database, two apps (a concurrency test), a race, emptying and creating
    assert app_pool + 3 * (app_pool + admin) + 1 + 1 <= stated
    assert app_pool + (app_pool + admin) + RACE_CONNECTIONS + 1 + 1 <= stated
