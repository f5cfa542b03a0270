"""Test fixtures: every database test runs on SQLite and on PostgreSQL.

The schema is built once per run by the real migrations (plus the reference data that
``ocop db upgrade`` loads). SQLite tests get a copy of a migrated template file; PostgreSQL
tests share one migrated database, emptied (all but reference data) before each test.

PostgreSQL tests run when ``OCOP_TEST_POSTGRES_URL`` is set and then fail loudly if the server
cannot be reached; without it they are skipped with a message saying how to run them.

Connections: a test process holds at most 36 PostgreSQL connections at once, so the suite
passes on a server shared with other databases (``make test``'s two workers: 72, under the
default ``max_connections`` of 100). They are: the test's own ``database`` (at most 6), the
app under test (6, ``TEST_POOL``, and 1 kept by the admin's pool once /admin is opened; a
concurrency test's two more apps, 14), a race's engines
(``tests.inventory.support.RACE_CONNECTIONS``, 20), and one each to empty the tables and to
create the database.

An app that cannot start (the server full, a migration missing) fails its test at once with
the start-up error, never waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
import sqlalchemy as sa
from litestar import Litestar
from piccolo.apps.user.tables import BaseUser
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from shop.app import create_app
from shop.bootstrap import REFERENCE_TABLES, upgrade_database
from shop.catalog import cache
from shop.catalog.sellability import today
from shop.db import Database
from shop.demo import loader
from shop.models import Base
from shop.settings import Settings
from shop.trace.services import ScanCounter

POSTGRES_ENV = "OCOP_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]
# Each pool: 4 kept, 2 more in a burst (a request may hold two: its own and a short read).
TEST_POOL = {"pool_size": 4, "max_overflow": 2}
# Seconds an app may take to start before its test fails (it starts in well under one).
STARTUP_TIMEOUT = 60

# Hashing at the production cost (600,000 rounds) would make every login test slow; the
# count is stored in each hash, so verification stays correct.
BaseUser._pbkdf2_iteration_count = 1_000


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("OCOP_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(upgrade_database(f"sqlite+aiosqlite:///{path}"))
    asyncio.run(_keep_reference_data_only(f"sqlite+aiosqlite:///{path}"))
    return path


async def _keep_reference_data_only(url: str) -> None:
    """Start SQLite tests as PostgreSQL ones start (emptied to the reference data): the score
    sheets the upgrade installs are left out, and the tests that need them install them."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                await conn.execute(table.delete())
    await engine.dispose()


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
    if (emptier := _emptiers.pop(url, None)) is not None:
        emptier.close()
    asyncio.run(_drop_database(admin_url, name))


@pytest.fixture(scope="session")
def worker_id() -> str:
    """Distinct per test process, so concurrent runs never share a PostgreSQL database."""
    return str(os.getpid())


# Tables with a trigger on DELETE (the append-only stock ledger refuses one).
_GUARDED = """
SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal AND t.tgtype & 8 <> 0
"""
# Each table's sequences that have handed out a number since they last started.
_USED_SEQUENCES = """
SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename), t.relname
FROM pg_sequences s
JOIN pg_namespace n ON n.nspname = s.schemaname
JOIN pg_class c ON c.relname = s.sequencename AND c.relnamespace = n.oid
JOIN pg_depend d ON d.objid = c.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
JOIN pg_class t ON t.oid = d.refobjid
WHERE s.last_value IS NOT NULL
"""


_EMPTIED = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
# Which of them hold a row: one statement, written once (SQLAlchemy compiled the union of some
# 75 tables again for each test's new engine: 20 ms).
_FILLED = " UNION ALL ".join(
    f"SELECT '{name}' WHERE EXISTS (SELECT FROM \"{name}\")"  # noqa: S608 - the models' table names
    for name in _EMPTIED
)


class _Emptier:
    """All but the reference data, as ``TRUNCATE … RESTART IDENTITY CASCADE`` of every table
    would leave it, at a twentieth of its cost: that took about two seconds a test (a new file
    for each of some 75 tables and their indexes), this deletes the rows of the few tables a
    test filled and restarts the sequences it used.

    On one connection the test process keeps, on its own event loop: a new engine and
    connection for each test (a new server process, its table caches cold) cost about 60 ms
    a test, half the set-up of a short test. Statements are not prepared, so a test that
    rebuilds the schema (the migrations' round trip) leaves nothing stale behind."""

    def __init__(self, url: str) -> None:
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.loop = asyncio.new_event_loop()
        self.conn: asyncpg.Connection | None = None

    def empty(self) -> None:
        try:
            self.loop.run_until_complete(self._empty())
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            # Dropped by a test, or the server restarted: a new connection, once more.
            if self.conn is not None:
                self.conn.terminate()
                self.conn = None
            self.loop.run_until_complete(self._empty())

    async def _empty(self) -> None:
        if self.conn is None:
            self.conn = await asyncpg.connect(self.dsn, statement_cache_size=0)
        conn = self.conn
        async with conn.transaction():
            full = {row[0] for row in await conn.fetch(_FILLED)}
            guarded = full & {row[0] for row in await conn.fetch(_GUARDED)}
            if guarded:  # emptied with the tables that refer to them
                names = ", ".join(f'"{name}"' for name in sorted(guarded))
                await conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            for name in reversed(_EMPTIED):  # those that refer to a table first
                if name in full - guarded:
                    await conn.execute(f'DELETE FROM "{name}"')  # noqa: S608 - a model's table
            for sequence, table_name in await conn.fetch(_USED_SEQUENCES):
                if table_name in _EMPTIED:
                    await conn.execute(f"ALTER SEQUENCE {sequence} RESTART")

    def close(self) -> None:
        # The database is dropped next, WITH (FORCE): a connection that cannot close is no matter.
        if self.conn is not None:
            with contextlib.suppress(OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                self.loop.run_until_complete(self.conn.close(timeout=5))
            self.conn = None
        self.loop.close()


_emptiers: dict[str, _Emptier] = {}


def empty_tables(url: str) -> None:
    """Empty the PostgreSQL database at ``url`` to its reference data (see ``_Emptier``)."""
    emptier = _emptiers.get(url) or _emptiers.setdefault(url, _Emptier(url))
    emptier.empty()


@pytest.fixture(scope="session")
def process_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This test process's own folder for the paths every test reuses (see ``client``)."""
    return tmp_path_factory.mktemp("process")


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, process_dir: Path) -> str:
    # In-process read caches are keyed by database URL; every test of a process reuses one
    # URL a backend (so its app can be reused), emptied or copied afresh before each test.
    cache.catalog_changed()
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = process_dir / "test.db"
        for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)  # a connection a test left open keeps the old file
        shutil.copyfile(template, path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    empty_tables(url)
    return url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    db = Database.connect(database_url, **TEST_POOL)
    yield db
    await db.dispose()


@pytest.fixture
async def session(database: Database) -> AsyncIterator[AsyncSession]:
    """A write session; tests commit what they want the app to see."""
    async with database.write_sessions() as s:
        yield s


@pytest.fixture
def var_dir(tmp_path: Path, process_dir: Path) -> Path:
    """The test's own ``tmp_path / "var"``, reached through a path every test of the process
    shares (a link pointed at it before the test), so the settings and their app are reused."""
    own = tmp_path / "var"
    own.mkdir(exist_ok=True)
    shared = process_dir / "var"
    shared.unlink(missing_ok=True)
    shared.symlink_to(own, target_is_directory=True)
    return shared


@pytest.fixture
def settings(database_url: str, var_dir: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",
        var_dir=var_dir,
        jobs_interval=0,  # tests run the jobs themselves, at the time they choose
        database_pool_size=TEST_POOL["pool_size"],
        database_max_overflow=TEST_POOL["max_overflow"],
    )


async def wait_started(task: asyncio.Task[None], started: asyncio.Event) -> None:
    """Until the app has started; its start-up error, or a timeout, fails the test at once."""
    waiting = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiting}, timeout=STARTUP_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    if started.is_set():
        return
    waiting.cancel()
    if task.done():
        error = task.exception()
        while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
            error = error.exceptions[0]  # the lifespan's task group wraps what failed
        pytest.fail(f"the app could not start: {error!r}")
    task.cancel()
    pytest.fail(f"the app did not start within {STARTUP_TIMEOUT} s")


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """The app's lifespan on the test's own event loop: started on entry, stopped on exit."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def run_lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(run_lifespan())
    await wait_started(task, started)
    try:
        yield
    finally:
        stop.set()
        await task


# Building the app (some 700 routes) costs about a second of CPU, more than most tests take;
# with an app a test, that was half the suite. A test process keeps the apps it built, one a
# distinct ``Settings`` (a few at most), and each test starts and stops its app's lifespan as
# before: its own empty database, its own var folder, the database pool (and the admin's, if
# it opened /admin) started and stopped around it, ``app.state`` as built and a new scan
# counter, whatever the test before did.
KEPT_APPS = 4
_apps: dict[str, Litestar] = {}


def _app_for(settings: Settings) -> Litestar:
    key = repr(settings)
    app = _apps.pop(key, None) or create_app(settings)
    _apps[key] = app  # the most recently used last
    while len(_apps) > KEPT_APPS:
        del _apps[next(iter(_apps))]
    return app


def _as_built(app: Litestar, state: dict[str, object]) -> None:
    """``app.state`` as ``create_app`` left it (tests may replace its settings)."""
    for key in app.state.dict().keys() - state.keys():
        del app.state[key]
    app.state.update(state)
    scans = app.state.trace_scans
    vars(scans).update(vars(ScanCounter(scans.interval)))  # counts nothing, never flushed


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client to the app, both running on the test's own event loop."""
    app = _app_for(settings)
    state = app.state.dict()
    try:
        async with running(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                c.app = app  # type: ignore[attr-defined]
                yield c
    except BaseException:
        _apps.pop(repr(settings), None)  # an app that failed to start or stop is built again
        raise
    finally:
        _as_built(app, state)


async def _load_demo(url: str) -> None:
    db = Database.connect(url)
    try:
        async with db.write_sessions() as session:
            await loader.load(session, scale="demo", today=today(), log=lambda _: None)
            await session.commit()
    finally:
        await db.dispose()


def demo_database(
    backend: str, name: str, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The demo data on a database of its own (a SQLite copy of the template, or a PostgreSQL
    database ``name`` dropped afterwards), for the tests that walk the site as people do."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp(name) / "demo.db"
        shutil.copyfile(sqlite_template, path)
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(_load_demo(url))
        yield url
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}")
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_recreate_database(admin_url, name))
    asyncio.run(upgrade_database(url))
    asyncio.run(_load_demo(url))
    yield url
    asyncio.run(_drop_database(admin_url, name))
