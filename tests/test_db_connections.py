"""The PostgreSQL pool without ``pool_pre_ping`` (issue 20): no round trip when a connection is
lent, yet one the server closed (a restart, ``pg_terminate_backend``) is replaced before any
request sees it."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop import db as shop_db
from shop.db import Database


def _postgres(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("PostgreSQL's pool (SQLite opens its file per connection)")


async def _backend(db: Database) -> int:
    async with db.read_sessions() as s:
        return int(await s.scalar(sa.text("SELECT pg_backend_pid()")) or 0)


async def test_lending_a_pooled_connection_asks_the_server_nothing(database_url: str):
    _postgres(database_url)
    db = Database.connect(database_url, pool_size=1, max_overflow=0)
    try:
        assert not db.engine.sync_engine.pool._pre_ping  # what this replaced
        assert await _backend(db) == await _backend(db)  # the same connection, lent twice
    finally:
        await db.dispose()


@pytest.mark.parametrize("idle", [False, True])
async def test_a_connection_the_server_ended_is_replaced_before_a_request_uses_it(
    database_url: str, monkeypatch: pytest.MonkeyPatch, idle: bool
):
    _postgres(database_url)
    if idle:  # found by the ping of a connection idle too long (a quiet drop), not by the driver
        monkeypatch.setattr(shop_db, "IDLE_PING_SECONDS", 0.0)
    db = Database.connect(database_url, pool_size=1, max_overflow=0)
    admin = Database.connect(database_url, pool_size=1, max_overflow=0)
    try:
        first = await _backend(db)
        async with admin.read_sessions() as s:  # as a restart of the server would
            assert await s.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await asyncio.sleep(0.3)  # the driver reads the server's goodbye
        async with db.read_sessions() as s:  # no error: a fresh connection
            assert await s.scalar(sa.text("SELECT 1")) == 1
        assert await _backend(db) != first
    finally:
        await db.dispose()
        await admin.dispose()


async def _in_transaction(session) -> bool:
    await session.execute(sa.text("SELECT 1"))
    raw = await (await session.connection()).get_raw_connection()
    return bool(raw.driver_connection.is_in_transaction())


async def test_the_public_pages_reads_skip_begin_and_rollback(database_url: str):
    _postgres(database_url)
    db = Database.connect(database_url, pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(shop_db.unwrapped_reads(db.engine)) as shared:
            assert not await _in_transaction(shared)  # each read on its own: no BEGIN sent
        async with db.read_sessions() as request:
            assert await _in_transaction(request)  # the pooled connection is back to normal
    finally:
        await db.dispose()
