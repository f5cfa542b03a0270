"""Writing many rows fast: ``COPY`` on PostgreSQL (asyncpg), batched ``executemany`` on SQLite.

Rows are tuples in the order of the writer's columns, with explicit ids (the loader numbers
them itself, so one row can reference another before either is written); ``finish`` moves
PostgreSQL's id sequences past them. Both paths run in the caller's transaction.

On PostgreSQL a foreign key costs a lookup per row copied; ``checks_suspended`` drops the
foreign keys and plain indexes of the tables being filled and makes them again, from the
database's own definitions, when the rows are in (each key then checked in one pass, as
PostgreSQL's "Populating a Database" advises). It is all one transaction: a failed load
rolls the drops back too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of

SQLITE_BATCH = 5_000
_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))
"""
_PLAIN_INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY(CAST(:tables AS regclass[])) AND NOT i.indisunique AND NOT i.indisprimary
"""


class Bulk:
    """One session's bulk writer."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.postgres = dialect_of(session) == "postgresql"
        self.written: set[str] = set()

    async def next_id(self, table: sa.Table) -> int:
        """The first id after those already in ``table``."""
        return (
            int(await self.session.scalar(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))) or 0) + 1
        )

    async def copy(self, table: sa.Table, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> int:
        """Write ``rows``; returns how many there were."""
        records = rows if isinstance(rows, list) else list(rows)
        if not records:
            return 0
        self.written.add(table.name)
        if self.postgres:
            conn = await self.session.connection()
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            await driver.copy_records_to_table(table.name, records=records, columns=list(columns))
            return len(records)
        stmt = sa.insert(table)
        for start in range(0, len(records), SQLITE_BATCH):
            chunk = records[start : start + SQLITE_BATCH]
            await self.session.execute(stmt, [dict(zip(columns, row, strict=True)) for row in chunk])
        return len(records)

    async def update(self, table: sa.Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Set ``columns[1:]`` of the rows whose id is ``columns[0]``."""
        if not rows:
            return
        key, *values = columns
        if self.postgres:
            conn = await self.session.connection()
            typed = ", ".join(f"{c} {table.c[c].type.compile(conn.dialect)}" for c in columns)
            await self.session.execute(
                sa.text(f"CREATE TEMPORARY TABLE bulk_update ({typed}) ON COMMIT DROP")
            )
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            await driver.copy_records_to_table("bulk_update", records=rows, columns=list(columns))
            assignments = ", ".join(f"{c} = bulk_update.{c}" for c in values)
            await self.session.execute(
                sa.text(
                    f"UPDATE {table.name} SET {assignments} FROM bulk_update "  # noqa: S608 - names from metadata
                    f"WHERE {table.name}.{key} = bulk_update.{key}"
                )
            )
            await self.session.execute(sa.text("DROP TABLE bulk_update"))
            return
        stmt = (
            sa.update(table)
            .where(table.c[key] == sa.bindparam("b_key"))
            .values({c: sa.bindparam(f"b_{c}") for c in values})
        )
        for start in range(0, len(rows), SQLITE_BATCH):
            chunk = rows[start : start + SQLITE_BATCH]
            params = [
                {"b_key": row[0], **{f"b_{c}": v for c, v in zip(values, row[1:], strict=True)}}
                for row in chunk
            ]
            conn = await self.session.connection()
            await conn.execute(stmt, params)

    @asynccontextmanager
    async def checks_suspended(self, tables: Sequence[sa.Table]) -> AsyncIterator[None]:
        """Fill ``tables`` without per-row foreign key checks and index updates (PostgreSQL)."""
        if not self.postgres:
            yield
            return
        names = {"tables": [t.name for t in tables]}
        keys = (await self.session.execute(sa.text(_FOREIGN_KEYS), names)).all()
        indexes = (await self.session.execute(sa.text(_PLAIN_INDEXES), names)).all()
        for table, name, _ in keys:
            await self.session.execute(sa.text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        for name, _ in indexes:
            await self.session.execute(sa.text(f'DROP INDEX "{name}"'))
        yield
        await self.session.execute(sa.text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _, definition in indexes:
            await self.session.execute(sa.text(definition))
        for table, name, definition in keys:
            await self.session.execute(sa.text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))

    async def finish(self) -> None:
        """Move each written table's id sequence past the ids given explicitly (PostgreSQL)."""
        if not self.postgres:
            return
        for name in sorted(self.written):
            await self.session.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608 - names from metadata
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {name}), false)"
                )
            )
