"""The database: declarative base, engine set-up and the per-request session.

One transaction per request. Handlers that write call ``session.commit()`` themselves, so a
failed commit is an error the client sees (never a 200 with nothing saved); a session left
uncommitted is rolled back when the request ends.

SQLite needs help to be safe: WAL so readers do not block the writer, a busy timeout, foreign
keys on, and ``BEGIN IMMEDIATE`` for write transactions because SQLite ignores ``SELECT … FOR
UPDATE`` and would otherwise let two read-then-write transactions interleave.
"""

from __future__ import annotations

import functools
import time
import weakref
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from litestar import Request
from litestar.datastructures import State
from sqlalchemy import Engine, event
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.selectable import TableValuedAlias

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

WRITE_OPTION = "ocop_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# A route handler's ``opt`` key: its GETs only read, each statement on its own (no BEGIN and
# ROLLBACK around them on PostgreSQL, see ``unwrapped_reads``). For pages that neither write
# nor need their reads to agree to the instant: a cart, the checkout form, an order's page.
READS_ONLY = "ocop_reads_only"


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> sa.Table:
    """A model's table, typed as one (``__table__`` is declared as a ``FromClause``): for the
    plain statements of hot paths, which skip the ORM's work on a mapped class."""
    return model.metadata.tables[model.__tablename__]


M = TypeVar("M", bound=Base)


class Snapshot(Generic[M]):
    """Instances of a mapped class read by a Core statement, outside any session.

    A page that only shows what it read (a product's page) skips the ORM's loading and its
    identity map: about 0.1 ms of a product page's 1.5. Such an instance holds every column in
    its own ``__dict__``, where a mapped attribute reads first; it has no relationships loaded,
    no session, and is never flushed.
    """

    def __init__(self, mapped: type[M]) -> None:
        attributes = sa.inspect(mapped).column_attrs
        self.mapped = mapped
        self.keys = tuple(attribute.key for attribute in attributes)
        self.columns = tuple(attribute.columns[0] for attribute in attributes)

    def build(self, values: Sequence[Any]) -> M:
        instance = self.mapped.__new__(self.mapped)
        instance.__dict__.update(zip(self.keys, values, strict=True))
        return instance


def _install_sqlite_pragmas(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cursor = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "busy_timeout=30000",
            "foreign_keys=ON",
        ):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()
        # Take BEGIN out of pysqlite's hands: it would not begin before a SELECT.
        dbapi_conn.isolation_level = None

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


# A pooled PostgreSQL connection unused this long is pinged before it is lent again (a
# firewall or a restart may have dropped it quietly); one in steady use never is.
IDLE_PING_SECONDS = 30.0
# And none lives longer than this (a proxy or pgbouncer may cut old ones).
RECYCLE_SECONDS = 1800


def _install_liveness_check(engine: AsyncEngine) -> None:
    """A cheaper ``pool_pre_ping``, which costs three round trips (BEGIN, a ping, ROLLBACK) on
    every checkout, several per request. A connection the server closed (a restart, an
    administrator's ``pg_terminate_backend``) is known closed by the driver without asking;
    one idle for ``IDLE_PING_SECONDS`` is pinged. Either way the pool replaces it before the
    request sees it (a ``DisconnectionError`` in ``checkout`` makes the pool connect anew).
    A connection that breaks while in use fails that request, and SQLAlchemy then renews every
    connection older than the failure, as with ``pool_pre_ping``."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_conn, "driver_connection", None)
        is_closed = getattr(driver, "is_closed", None)
        if is_closed is not None and is_closed():
            raise sa.exc.DisconnectionError("the server closed this connection")
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > IDLE_PING_SECONDS:
            try:
                engine.dialect.do_ping(dbapi_conn)
            except Exception as failure:
                raise sa.exc.DisconnectionError(str(failure)) from failure


def make_engine(url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _install_sqlite_pragmas(engine)
        return engine
    engine = create_async_engine(
        url, pool_size=pool_size, max_overflow=max_overflow, pool_recycle=RECYCLE_SECONDS
    )
    _install_liveness_check(engine)
    return engine


@dataclass
class Database:
    """The engine and the two session factories: reads, and writes (``BEGIN IMMEDIATE``);
    and the reports' reads, from a replica when there is one (else the primary's reads)."""

    engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    plain_read_sessions: async_sessionmaker[AsyncSession]  # see ``READS_ONLY``
    replica: AsyncEngine | None = None
    report_sessions: async_sessionmaker[AsyncSession] | None = None

    @classmethod
    def connect(
        cls, url: str, *, pool_size: int = 10, max_overflow: int = 10, replica_url: str | None = None
    ) -> Database:
        """At most ``pool_size + max_overflow`` PostgreSQL connections at once (to each of
        the primary and the replica)."""
        engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        writer = engine.execution_options(**{WRITE_OPTION: True})
        replica = None
        if replica_url:
            replica = make_engine(replica_url, pool_size=pool_size, max_overflow=max_overflow)
        read_sessions = async_sessionmaker(engine, expire_on_commit=False)
        return cls(
            engine=engine,
            read_sessions=read_sessions,
            write_sessions=async_sessionmaker(writer, expire_on_commit=False),
            plain_read_sessions=async_sessionmaker(unwrapped_reads(engine), expire_on_commit=False),
            replica=replica,
            report_sessions=async_sessionmaker(replica, expire_on_commit=False) if replica else read_sessions,
        )

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self.replica is not None:
            await self.replica.dispose()

    async def analyze(self) -> None:
        """Refresh the planner's statistics (after a bulk load they describe empty tables)."""
        async with self.engine.connect() as conn:
            await conn.execute(sa.text("ANALYZE"))
            await conn.commit()


def unwrapped_reads(bind: AsyncEngine | AsyncConnection | None) -> AsyncEngine | AsyncConnection | None:
    """``bind`` running each read on its own, outside a transaction, on PostgreSQL: the public
    pages' few reads skip the BEGIN and ROLLBACK round trips around them (each statement
    still sees committed data only). SQLite, whose reads begin by hand, and a connection
    already lent (tests) are left as they are."""
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "postgresql":
        return bind
    return _autocommit(bind)


@functools.lru_cache(maxsize=4)  # an app has one engine (two with a replica); tests, a few
def _autocommit(engine: AsyncEngine) -> AsyncEngine:
    """The engine's autocommit copy, made once: making it costs more than the read it serves."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def unnest(name: str, ordinality: str | None = None, **columns: tuple[str, Any]) -> TableValuedAlias:
    """Parameter arrays as rows, PostgreSQL's ``unnest(…) [WITH ORDINALITY] AS name(…)``:
    column ``c`` comes from the array bound as ``columns[c][0]``, of type ``columns[c][1]``,
    and ``ordinality`` (if named) numbers the rows in the arrays' order. One statement built
    once then writes or changes any number of rows (a VALUES list is compiled anew for every
    length)."""
    arrays = [sa.bindparam(param, type_=ARRAY(kind)) for param, kind in columns.values()]
    return (
        sa.func.unnest(*arrays)
        .table_valued(*(sa.column(c, kind) for c, (_, kind) in columns.items()), with_ordinality=ordinality)
        .render_derived(name=name, with_types=False)
    )


# Engine → its URL as text: rendering a URL costs more than a cached page's whole lookup.
_ENGINE_KEYS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def engine_key(engine: Engine) -> str:
    """``str(engine.url)``, rendered once per engine: what the in-process caches of reference
    data and of catalog reads are keyed by, one database apart from another."""
    key = _ENGINE_KEYS.get(engine)
    if key is None:
        key = _ENGINE_KEYS[engine] = str(engine.url)
    return key


def database_key(session: AsyncSession) -> str:
    """``engine_key`` of the engine the session is bound to."""
    return engine_key(session.get_bind().engine)


def dialect_of(session: AsyncSession) -> str:
    """``"postgresql"`` or ``"sqlite"``: the few statements that differ ask this."""
    bind = session.get_bind()
    return bind.dialect.name


async def mapping(session: AsyncSession, stmt: sa.Select[Any, Any]) -> dict[Any, Any]:
    """A two-column query as a dict (key → value): totals by method, names by id…"""
    return {key: value for key, value in (await session.execute(stmt)).all()}


@functools.cache
def _insert_returning_id(mapped: type[Base]) -> sa.Insert:
    table = table_of(mapped)
    return sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)


async def insert_rows(session: AsyncSession, mapped: type[M], rows: Sequence[dict[str, Any]]) -> list[M]:
    """``rows`` written by one plain INSERT … RETURNING id, not by the unit of work, and given
    back as transient instances of ``mapped`` holding what was written and their new ids.

    For a hot path that writes rows and then only reads them (a checkout's fulfilments and
    lines: a flush each cost twice the statement). The instances are in no session: nothing
    set on them later is written. Each row must name every column its readers read (the
    columns' Python defaults are applied to the row written, not to the instance)."""
    if not rows:
        return []
    ids = (await session.execute(_insert_returning_id(mapped), list(rows))).scalars().all()
    out = []
    for row, new_id in zip(rows, ids, strict=True):
        instance = mapped(**row)
        instance.id = new_id  # type: ignore[attr-defined]  # every table written here has an ``id``
        out.append(instance)
    return out


def insert_for(session: AsyncSession) -> Any:
    """The dialect's ``insert`` (it has ``on_conflict_do_nothing``, which the generic lacks)."""
    return pg_insert if dialect_of(session) == "postgresql" else sqlite_insert


async def provide_session(request: Request[Any, Any, Any], state: State) -> AsyncIterator[AsyncSession]:
    """A session for this request; safe methods read (outside a transaction where the
    handler says it only reads, ``READS_ONLY``), the others write."""
    db: Database = state.db
    if request.method not in SAFE_METHODS:
        factory = db.write_sessions
    elif request.route_handler.opt.get(READS_ONLY):
        factory = db.plain_read_sessions
    else:
        factory = db.read_sessions
    async with factory() as session:
        yield session


async def provide_report_session(
    request: Request[Any, Any, Any], state: State
) -> AsyncIterator[AsyncSession]:
    """The reports' session: their reads go to the replica (``OCOP_DATABASE_REPLICA_URL``)
    when there is one; a request that could write still gets the primary."""
    db: Database = state.db
    if request.method not in SAFE_METHODS:
        factory = db.write_sessions
    else:
        factory = db.report_sessions or db.read_sessions
    async with factory() as session:
        yield session
