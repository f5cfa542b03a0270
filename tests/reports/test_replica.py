"""The reports read from a replica when ``OCOP_DATABASE_REPLICA_URL`` is set; everything
that writes (and every other read) stays on the primary (issue 20).

On SQLite the replica is a copy of the primary taken before a write, so it lags as a real
replica may: the report still counts what the primary has changed since. On both databases
the statements each engine ran are recorded: the report's went to the replica only."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shop.catalog.models import Certificate
from shop.settings import Settings
from tests import factories
from tests.reports.test_reports import EN, _world

REPORT_SQL = "count(*)"  # the certification report counts products by stars (no other read does)


@pytest.fixture
def replica_url(database_url: str, tmp_path: Path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite+aiosqlite:///{tmp_path / 'replica.db'}"
    return database_url  # PostgreSQL: a second engine (its own pool) on the same database


@pytest.fixture
def settings(settings: Settings, replica_url: str) -> Settings:
    return dataclasses.replace(settings, database_replica_url=replica_url)


@contextmanager
def recorded(engine: AsyncEngine) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def _copy_sqlite(primary: str, replica: str) -> None:
    """The replica catches up: a consistent copy of the primary (WAL included)."""
    source, target = (sqlite3.connect(str(make_url(url).database)) for url in (primary, replica))
    with source, target:
        source.backup(target)
    source.close()
    target.close()


def _certified(body: dict[str, Any]) -> int:
    total = body["items"][-1]
    assert total[0] == "Total", body
    return int(total[-1])


async def test_reports_read_the_replica_and_writes_stay_on_the_primary(
    client: httpx.AsyncClient, session: AsyncSession, database_url: str, replica_url: str
) -> None:
    await _world(session)
    # The sold five-star product's certificate, the latest to end (the world also has a
    # lapsed five-star one, whose revocation changes no count: picked by PostgreSQL's row
    # order, it failed CI).
    cert = await session.scalar(
        sa.select(Certificate.id)
        .where(Certificate.stars == 5)
        .order_by(Certificate.valid_until.desc())
        .limit(1)
    )
    await session.rollback()  # the test's write session lets go of SQLite's write lock
    admin = {**await factories.bearer(client, "office1"), **EN}
    sqlite = database_url.startswith("sqlite")
    if sqlite:
        _copy_sqlite(database_url, replica_url)
    db = client.app.state.db  # type: ignore[attr-defined]
    assert db.replica is not None and db.replica is not db.engine

    with recorded(db.engine) as on_primary, recorded(db.replica) as on_replica:
        body = (await client.get("/api/v1/reports/certification", headers=admin)).json()
        page = await client.get("/reports/", headers=admin)
        assert page.status_code == 200
        # A write (the office revokes a certificate) goes to the primary.
        revoked = await client.post(
            f"/api/v1/certificates/{cert}/revoke", json={"reason": "Kiểm tra không đạt"}, headers=admin
        )
        assert revoked.status_code == 200, revoked.text
        after = (await client.get("/api/v1/reports/certification", headers=admin)).json()

    assert _certified(body) == 7
    assert any(REPORT_SQL in s for s in on_replica)
    assert not any(REPORT_SQL in s for s in on_primary)
    assert any(s.lstrip().upper().startswith("UPDATE") and "certificate" in s for s in on_primary)
    assert not any(s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")) for s in on_replica)
    if sqlite:
        # The copy has not caught up: the report still counts the revoked product.
        assert _certified(after) == 7
        _copy_sqlite(database_url, replica_url)
        caught_up = (await client.get("/api/v1/reports/certification", headers=admin)).json()
        assert _certified(caught_up) == 6
    else:
        assert _certified(after) == 6
