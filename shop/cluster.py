"""Several app instances that agree: the catalog caches' drops broadcast over Redis pub/sub.

Design (issue 20). Each instance keeps its own in-process caches (``shop.catalog.cache``:
the product list's JSON, the drawn listing, product and home pages, totals), so a hit stays a
dict look-up and the hot path never waits on the network. What travels between instances is
the *drop*: a catalog write (certificate revoked, price changed, photo, producer…) or stock
coming or going at a sales point drops the local entries as before and is announced here;
one small message on the channel ``<OCOP_REDIS_PREFIX>:catalog`` makes every other instance
drop the same family of entries (``cache.dropped_elsewhere``). Measured on this machine it
arrives in about a millisecond; the next visit to any instance reads the database afresh.

Why not a shared cache in Redis (cashews with its Redis backend and tags): every hit would
become a Redis round trip plus unpickling a drawn page of tens of kilobytes (the pages cache
holds rendered markup and Python objects, not bytes), which is the part the cache exists to
avoid; the product list's p99 of ~56 ms under load is CPU-bound already. cashews' client-side
mode keeps a local copy too, but it invalidates key by key, while our writes drop whole
families (every listing of every filter): with one tag per family it ends in this design
with more moving parts. redis-py's asyncio client (the Redis project's own, well kept) is
all this needs: PUBLISH and SUBSCRIBE.

Ordering: writers drop before and again after their commit (``cache.commit``, and the
after-commit hook of ``cache.stock_changed``), so the announcement after the commit always
follows the data; a value being computed across a drop is not kept (the caches' generations).
Announcements are coalesced: at most one message is in flight, and any drop made while it is
sent is sent again after it.

Redis down or unreachable: the shop keeps serving. Publishing fails with a warning (other
instances then see the change when their entries expire, ``TOTAL_TTL`` = 10 s, as without
Redis); the listener retries every second and, once back, drops the local caches whole,
since announcements may have been missed meanwhile. Without ``OCOP_REDIS_URL`` nothing here
runs and a single instance behaves as before.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from shop.catalog import cache
from shop.settings import Settings

log = logging.getLogger("shop.cluster")

RETRY_SECONDS = 1.0
CHANGES: frozenset[cache.Change] = frozenset({"catalog", "stock"})


def channel_name(prefix: str) -> str:
    return f"{prefix}:catalog"


class Broadcaster:
    """Sends this instance's cache drops to the others and applies theirs here."""

    def __init__(self, url: str, prefix: str) -> None:
        # redis-py (0.4 s and some 20 MiB to import) is loaded by the instances that use it.
        import redis.asyncio as redis
        from redis.exceptions import RedisError

        self._failures: tuple[type[Exception], ...] = (RedisError, OSError)
        self.channel = channel_name(prefix)
        self.instance = uuid.uuid4().hex[:12]  # our own messages come back: ignored
        # Short timeouts: a Redis that hangs must not hold a request's drop or the listener.
        self._client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        self._listener_client = redis.Redis.from_url(
            url, socket_connect_timeout=1, socket_keepalive=True, health_check_interval=5
        )
        self._dirty: set[cache.Change] = set()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.subscribed = asyncio.Event()  # set while the listener is subscribed
        self._tried = asyncio.Event()  # the listener's first attempt is over, for better or worse
        self._publish_failing = False  # warned once per outage, not once per write
        self.received = 0  # drops applied from other instances (for tests and the curious)

    def announce(self, change: cache.Change) -> None:
        """``cache``'s announcer: called synchronously by writers, sent by ``_publish``."""
        loop = self._loop
        if loop is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._mark(change)
        else:  # a write made in a worker thread
            loop.call_soon_threadsafe(self._mark, change)

    def _mark(self, change: cache.Change) -> None:
        self._dirty.add(change)
        self._wake.set()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        cache.announcers.append(self.announce)
        self._tasks = [asyncio.create_task(self._publish()), asyncio.create_task(self._listen())]
        # Wait a moment for the subscription, so that a drop made right after start-up is
        # heard; a Redis that does not answer is retried in the background.
        with suppress(TimeoutError):
            await asyncio.wait_for(self._tried.wait(), timeout=2)

    async def stop(self) -> None:
        with suppress(ValueError):
            cache.announcers.remove(self.announce)
        if self._dirty:  # the last drops still go out
            with suppress(TimeoutError):
                await asyncio.wait_for(self._send(), timeout=1)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        await self._client.aclose()
        await self._listener_client.aclose()

    async def _send(self) -> None:
        changes, self._dirty = self._dirty, set()
        if not changes:
            return
        message = f"{self.instance} {','.join(sorted(changes))}"
        try:
            await self._client.publish(self.channel, message)
        except self._failures as failure:
            if not self._publish_failing:
                log.warning(
                    "Redis: could not announce a catalog change (%s); other instances see"
                    " changes within %.0f s until it is back",
                    failure,
                    cache.TOTAL_TTL,
                )
            self._publish_failing = True
        else:
            self._publish_failing = False

    async def _publish(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await self._send()

    def _apply(self, data: bytes | str) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        sender, _, names = text.partition(" ")
        if sender == self.instance:
            return
        for name in names.split(","):
            if name in CHANGES:
                cache.dropped_elsewhere(name)
                self.received += 1

    async def _listen(self) -> None:
        lost = False
        while True:
            try:
                async with self._listener_client.pubsub() as pubsub:
                    await pubsub.subscribe(self.channel)
                    if lost:  # announcements may have been missed while Redis was away
                        cache.dropped_elsewhere("catalog")
                        log.warning("Redis: listening for catalog changes again on %s", self.channel)
                        lost = False
                    self.subscribed.set()
                    self._tried.set()
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self._apply(message["data"])
            except asyncio.CancelledError:
                raise
            except self._failures as failure:
                self.subscribed.clear()
                self._tried.set()
                if not lost:
                    log.warning(
                        "Redis: not listening for catalog changes (%s); caches expire after %.0f s"
                        " until it is back",
                        failure,
                        cache.TOTAL_TTL,
                    )
                lost = True
                await asyncio.sleep(RETRY_SECONDS)


@asynccontextmanager
async def broadcasting(settings: Settings) -> AsyncIterator[Broadcaster | None]:
    """While the app is up: the cache drops shared with the other instances (with Redis)."""
    if not settings.redis_url:
        yield None
        return
    broadcaster = Broadcaster(settings.redis_url, settings.redis_prefix)
    await broadcaster.start()
    try:
        yield broadcaster
    finally:
        await broadcaster.stop()
