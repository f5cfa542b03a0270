"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is built once per run by the real migrations (plus the reference data that
``ocop db upgrade`` loads). SQLite tests get a copy of a migrated template file; PostgreSQL
tests share one migrated database, emptied (all but reference data) before each test.

PostgreSQL tests run when ``OCOP_TEST_POSTGRES_URL`` is set and then fail loudly if the server
cannot be reached; without it they are skipped with a message saying how to run them.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from piccolo.apps.user.tables import BaseUser
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from shop.app import create_app
from shop.bootstrap import REFERENCE_TABLES, upgrade_database
from shop.catalog import cache
from shop.db import Database
from shop.models import Base
from shop.settings import Settings

POSTGRES_ENV = "OCOP_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]

# Hashing at the production cost (600,000 rounds) would make every login test slow; the
# count is stored in each hash, so verification stays correct.
BaseUser._pbkdf2_iteration_count = 1_000


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("OCOP_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    return path


async def _recreate_database(admin_url: str, name: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()


async def _drop_database(admin_url: str, name: str) -> None:
    engine = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


@pytest.fixture(scope="session")
def postgres_url(worker_id: str) -> Iterator[str]:
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
        )
    name = f"ocop_test_{worker_id}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    # An unreachable server is an error here, never a skip: CI must run these tests.
    asyncio.run(_recreate_database(admin_url, name))
    asyncio.run(upgrade_database(url))
    yield url
    asyncio.run(_drop_database(admin_url, name))


@pytest.fixture(scope="session")
def worker_id() -> str:
    """Distinct per test process, so concurrent runs never share a PostgreSQL database."""
    return str(os.getpid())


async def _empty_tables(url: str) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    # In-process read caches are keyed by database URL; PostgreSQL tests reuse one URL.
    cache.catalog_changed()
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    asyncio.run(_empty_tables(url))
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database.connect(database_url)
    yield db
    await db.dispose()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A write session; tests commit what they want the app to see."""
    async with database.write_sessions() as s:
        yield s


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        var_dir=tmp_path / "var",
        jobs_interval=0,  # tests run the jobs themselves, at the time they choose
    )


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the app, both running on the test's own event loop."""
    app = create_app(settings)
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await started.wait()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        c.app = app  # type: ignore[attr-defined]
        yield c
    stop.set()
    await task
