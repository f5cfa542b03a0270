"""The in-app scheduler: the due jobs (``shop.jobs``) every ``OCOP_JOBS_INTERVAL`` seconds.

Several instances on one PostgreSQL: the scheduler runs in one of them only. The instance
holding the session advisory lock ``LEADER_LOCK`` on a connection of its own is the leader
and runs the jobs every interval; the others try for the lock each interval and take over
within one interval of the leader's going (PostgreSQL frees the lock with its connection),
and meanwhile only refresh their own shopping feed files (in their var folder, which the
leader's run does not reach unless the folder is shared).
Every run, the scheduler's and ``ocop jobs run``'s, also holds ``RUN_LOCK`` while it runs, so
a cron job and the leader never run at the same moment. On SQLite (one instance) no lock.

The jobs' modules are imported when they first run, not when a worker starts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from shop.db import Database
from shop.db_types import utcnow
from shop.settings import Settings

log = logging.getLogger("shop.jobs")


# PostgreSQL advisory lock keys (64-bit; "OCOP" and a number), the same in every instance.
LEADER_LOCK = 0x4F434F50_00000001
RUN_LOCK = 0x4F434F50_00000002


async def run_exclusively(db: Database, settings: Settings) -> dict[str, int]:
    """``run_due``, never at the same moment as another process's run (PostgreSQL: waits
    for ``RUN_LOCK``)."""
    from shop.jobs import run_due

    if db.dialect != "postgresql":
        return await run_due(db, settings)
    async with db.engine.connect() as conn:
        await conn.execute(sa.select(sa.func.pg_advisory_lock(RUN_LOCK)))
        await conn.commit()  # the lock is the session's: no transaction left open meanwhile
        try:
            return await run_due(db, settings)
        finally:
            await conn.execute(sa.select(sa.func.pg_advisory_unlock(RUN_LOCK)))
            await conn.commit()


class Leadership:
    """Whether this process is the one that runs the scheduled jobs (PostgreSQL: it holds
    ``LEADER_LOCK`` on a connection kept for it; elsewhere always)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.conn: AsyncConnection | None = None

    async def held(self) -> bool:
        if self.db.dialect != "postgresql":
            return True
        if self.conn is not None:
            try:  # still connected, so still holding it
                await self.conn.execute(sa.select(1))
                await self.conn.commit()
                return True
            except Exception:
                log.warning("lost the connection holding the scheduler's lock; trying again")
                await self._drop()
        conn = await self.db.engine.connect()
        try:
            got = bool(await conn.scalar(sa.select(sa.func.pg_try_advisory_lock(LEADER_LOCK))))
            await conn.commit()
        except BaseException:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        log.info("this instance runs the scheduled jobs")
        self.conn = conn
        return True

    async def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with suppress(Exception):
                await conn.invalidate()  # the server session ends, and the lock with it
            with suppress(Exception):
                await conn.close()

    async def release(self) -> None:
        if self.conn is not None:
            with suppress(Exception):
                await self.conn.execute(sa.select(sa.func.pg_advisory_unlock(LEADER_LOCK)))
                await self.conn.commit()
            await self._drop()


def _done(results: dict[str, int]) -> str:
    return ", ".join(f"{what} {n}" for what, n in results.items() if n) or "nothing due"


@asynccontextmanager
async def scheduler(db: Database, settings: Settings) -> AsyncIterator[None]:
    """Run the due work every ``settings.jobs_interval`` seconds while the app is up (in one
    instance only, the leader, when several share a PostgreSQL database)."""
    if settings.jobs_interval <= 0:
        yield
        return
    leadership = Leadership(db)

    async def loop() -> None:
        due = time.monotonic()
        while True:
            # Every interval from the start, not an interval after each run ends.
            due += settings.jobs_interval
            await asyncio.sleep(max(0.0, due - time.monotonic()))
            try:
                if await leadership.held():
                    results = await run_exclusively(db, settings)
                    log.info("scheduled jobs ran: %s", _done(results))
                else:
                    # The database's work is the leader's; the feed files are each instance's
                    # own (its var folder), kept fresh here (no work when a shared folder is).
                    from shop.storefront.feeds import files as feeds

                    await feeds.refresh(db, settings, now=utcnow())
            except Exception:  # one failed round must not stop the next
                log.exception("scheduled jobs failed")
            late = time.monotonic() - due
            if late > settings.jobs_interval:  # a run longer than the interval: the missed go
                due += late // settings.jobs_interval * settings.jobs_interval

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
        await leadership.release()
