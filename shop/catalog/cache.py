"""Small in-process caches for catalog reads.

- Place names never change at run time (reference data loaded by ``ocop db upgrade``), so
  they are cached for the life of the process.
- List totals (a COUNT over the sellable catalog) and whole public list responses are cached
  for ``TOTAL_TTL`` seconds and dropped whenever this process changes the catalog, so a writer
  sees its own change at once and other app processes within seconds. So is what the public
  pages read (stock shown there may lag as much; checkout reads stock afresh). Nothing is sold from
  these caches: checkout and the till check the certificate themselves.
- Stock that comes or goes at a sales point changes what ``?sales_point=`` lists: such a
  change drops only the entries read with a sales point filter (``stock_changed``), at the
  change and again after its commit, so till sales do not empty the rest of the cache.

Several app instances: every drop is also handed to the ``announcers`` (``shop.cluster``
broadcasts it over Redis when ``OCOP_REDIS_URL`` is set), and a drop announced by another
instance arrives through ``dropped_elsewhere``; without Redis, other instances' entries
expire with the TTL as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from typing import Any, Generic, Literal, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Session

from shop import i18n
from shop.catalog.models import Product
from shop.db import database_key, unwrapped_reads
from shop.geo.models import Place

log = logging.getLogger(__name__)
TOTAL_TTL = 10.0
# Entries per cache: a product page's held reads weigh about 3 KiB, a listing page's about
# 40 KiB. The least recently used goes first: the entries every page reads (a list's page keys,
# the locations, the pickup points) stay while the pages of a whole catalog come and go, and
# what many visitors ask for at the same moment is read once. Measured under
# bench/oscar/compare.py's load, against 512 entries cleared whole when full: about 20 MiB less
# for two workers, the same product pages/s, a random list page's p99 as low. Fewer entries
# cost the checkout (its product pages, 200 products, missed: 15 % fewer orders/s at 32).
_MAX_ENTRIES = 128
# Listing pages and the API's lists apart, fewer: at 128 the pages held 5.2 MiB in each worker,
# and a random page of the 830 of the whole catalog was seldom asked twice within the seconds
# an entry lives.
_MAX_LISTINGS = 32
V = TypeVar("V")


class _Expiring(Generic[V]):
    """A small dict whose entries live ``TOTAL_TTL`` seconds, the least recently used
    forgotten first when it holds ``max_entries`` (``_MAX_ENTRIES`` unless given)."""

    def __init__(self, max_entries: int | None = None) -> None:
        self._max_entries = max_entries or _MAX_ENTRIES
        self._entries: OrderedDict[Hashable, tuple[float, V]] = OrderedDict()
        self._pending: dict[tuple[Hashable, tuple[int, int]], asyncio.Future[V]] = {}
        self._stock_keys: set[Hashable] = set()  # the entries read with a sales point filter

    def get(self, key: Hashable) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > TOTAL_TTL:
            self._forget(key)
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, value: V) -> None:
        self._entries[key] = (time.monotonic(), value)
        self._entries.move_to_end(key)
        if _reads_stock(key):
            self._stock_keys.add(key)
        while len(self._entries) > self._max_entries:
            self._forget(next(iter(self._entries)))

    def _forget(self, key: Hashable) -> None:
        del self._entries[key]
        self._stock_keys.discard(key)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._stock_keys.clear()

    async def get_or_compute(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """The cached value, else computed once however many requests ask at the same moment."""
        if (value := self.get(key)) is not None:
            return value
        generation = _state.generation(key)
        flight = (key, generation)
        pending = self._pending.get(flight)
        if pending is None:
            pending = self._pending[flight] = asyncio.ensure_future(compute())
            pending.add_done_callback(lambda _: self._pending.pop(flight, None))
        value = await asyncio.shield(pending)
        if generation == _state.generation(key):  # a write meanwhile makes this result old news
            self.put(key, value)
        return value

    async def get_or_refresh(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> V:
        """As :meth:`get_or_compute`, but an entry past its seconds is still answered while its
        fresh value is computed, once, in the background (``compute`` must not use the
        caller's session, which may be gone by then). For what every page of a list needs
        (its page keys, its total): their expiry made all the requests of that moment wait
        for one slow read, the listing's p99. A drop (a write here, or announced) still
        forgets the entry at once, so nothing older than a write is answered after it."""
        entry = self._entries.get(key)
        if entry is None:
            return await self.get_or_compute(key, compute)
        if time.monotonic() - entry[0] > TOTAL_TTL:
            self._refresh(key, compute)
        self._entries.move_to_end(key)
        return entry[1]

    def _refresh(self, key: Hashable, compute: Callable[[], Awaitable[V]]) -> None:
        generation = _state.generation(key)
        flight = (key, generation)
        if flight in self._pending:
            return
        task = self._pending[flight] = asyncio.ensure_future(compute())

        def done(finished: asyncio.Future[V]) -> None:
            self._pending.pop(flight, None)
            if finished.cancelled():
                return
            if (failure := finished.exception()) is not None:
                # The stale value stays; the next request past its seconds tries again.
                log.warning("Could not refresh a catalog cache entry: %s", failure)
            elif generation == _state.generation(key):
                self.put(key, finished.result())

        task.add_done_callback(done)

    def drop_stock_dependent(self) -> None:
        """Forget the entries read with a sales point filter (they list what is in stock
        there); the others stay, so a till selling all day costs the rest of the cache nothing."""
        for key in self._stock_keys:
            self._entries.pop(key, None)
        self._stock_keys.clear()


totals: _Expiring[int] = _Expiring()
# The API's product lists, whole (up to 100 products a page, tens of KiB): as many as listings.
responses: _Expiring[bytes] = _Expiring(_MAX_LISTINGS)
# What the public pages show (a listing's products and filters, a product with its stock),
# for ``TOTAL_TTL`` seconds: the page is rendered per request, its reads are shared.
pages: _Expiring[object] = _Expiring()
# A product as a cart shows it (``product_cards.summaries``): the cart's page and its checkout
# form show the same few products to every buyer of them.
cards: _Expiring[object] = _Expiring()
# What a listing page shows (its products, rendered), kept for fewer pages.
listings: _Expiring[object] = _Expiring(_MAX_LISTINGS)
# database URL → place id → (name, mapped to a default successor)
_place_names: dict[str, dict[int, tuple[str, bool]]] = {}
# The databases whose places named by products were read at once (about 7 000 nationally,
# 1.5 MiB in each process; every place was 3 MiB).
_product_places_read: set[str] = set()
_PLACES = sa.select(Place.id, Place.name, Place.successor_is_default)
# The places some product's origin names: what the catalog's pages ask for, about half of the
# 14 000 places nationally (the others, legacy communes no product names, are read on a miss).
_NAMED_BY_PRODUCTS = _PLACES.where(
    Place.id.in_(
        sa.union(
            *(
                sa.select(column).where(column.is_not(None))
                for column in (
                    Product.origin_province_id,
                    Product.origin_commune_id,
                    Product.legacy_province_id,
                    Product.legacy_district_id,
                    Product.origin_place_id,
                )
            )
        )
    )
)


def _reads_stock(key: Hashable) -> bool:
    """A key holding a filter with a sales point (``ProductFilter.sales_point``)."""
    parts = key if isinstance(key, tuple) else (key,)
    return any(getattr(part, "sales_point", None) for part in parts)


class _State:
    """Bumped by each drop: a value computed across one is not kept (it may predate the write)."""

    catalog = 0
    stock = 0

    def generation(self, key: Hashable) -> tuple[int, int]:
        return (self.catalog, self.stock if _reads_stock(key) else 0)


_state = _State()
Change = Literal["catalog", "stock"]
# Called with each drop made here (``shop.cluster`` tells the other instances).
announcers: list[Callable[[Change], None]] = []


def _drop(change: Change) -> None:
    if change == "catalog":
        _state.catalog += 1
        totals.clear()
        responses.clear()
        pages.clear()
        cards.clear()
        listings.clear()
    else:
        _state.stock += 1
        totals.drop_stock_dependent()
        responses.drop_stock_dependent()
        pages.drop_stock_dependent()
        listings.drop_stock_dependent()


def catalog_generation() -> int:
    """Changes with each drop of the catalog: a value read across one is not to be kept."""
    return _state.catalog


def _announce(change: Change) -> None:
    for announce in announcers:
        announce(change)


def catalog_changed() -> None:
    """Called by catalog writes in this process, before and again after they commit."""
    _drop("catalog")
    _announce("catalog")


def dropped_elsewhere(change: Change) -> None:
    """Another instance changed the catalog (or stock): drop here too, without announcing."""
    _drop(change)


_STOCK_CHANGED = "ocop_stock_changed"


def stock_changed(session: AsyncSession) -> None:
    """Called by stock writes that change what a sales point has available: the sales point
    listings are dropped now and again after ``session`` commits."""
    session.info[_STOCK_CHANGED] = True
    _drop("stock")
    _announce("stock")


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_STOCK_CHANGED, False):
        _drop("stock")
        _announce("stock")


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: object) -> None:
    session.info.pop(_STOCK_CHANGED, None)


def forget_place_names() -> None:
    """Place names are reference data, kept for the process; tests that count statements
    start from none cached."""
    _place_names.clear()
    _product_places_read.clear()


async def commit(session: AsyncSession) -> None:
    """Commit a catalog write, then drop the caches again: a request that read between the
    first drop (at the change) and the commit must not keep serving what it read."""
    await session.commit()
    catalog_changed()


async def place_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    """Place names by id. The first miss reads every place a product names (a product page of
    a random product would otherwise miss one commune after another for hours); another
    place, or one named since, is read on its own."""
    db = database_key(session)
    known = _place_names.setdefault(db, {})
    wanted = set(ids)
    missing = [i for i in wanted if i not in known]
    if missing and db not in _product_places_read:
        known.update(
            (i, (name, bool(default))) for i, name, default in await session.execute(_NAMED_BY_PRODUCTS)
        )
        _product_places_read.add(db)
        missing = [i for i in missing if i not in known]
    if missing:
        rows = await session.execute(_PLACES.where(Place.id.in_(missing)))
        for place_id, name, is_default in rows:
            known[place_id] = (name, bool(is_default))
    return {i: known[i] for i in wanted if i in known}


async def shared(
    session: AsyncSession,
    key: Hashable,
    compute: Callable[[AsyncSession], Awaitable[object]],
    kept_in: _Expiring[object] = pages,
) -> object:
    """What a public page reads, computed once for all the visitors asking at that moment
    (in its own session: the first visitor may be gone before the others are answered; its
    reads run outside a transaction on PostgreSQL, see ``unwrapped_reads``), kept in
    ``kept_in``."""
    return await kept_in.get_or_compute(key, _in_own_session(session, compute))


def _in_own_session(
    session: AsyncSession, compute: Callable[[AsyncSession], Awaitable[Any]]
) -> Callable[[], Awaitable[Any]]:
    """``compute`` in a session of its own on ``session``'s database, in this request's language."""
    language = i18n.current_language()

    async def run() -> object:
        async with AsyncSession(unwrapped_reads(session.bind), expire_on_commit=False) as own:
            with i18n.language(language):
                return await compute(own)

    return run


async def shared_or_stale(
    session: AsyncSession,
    key: Hashable,
    compute: Callable[[AsyncSession], Awaitable[Any]],
    kept_in: _Expiring[Any] = pages,
) -> object:
    """As :func:`shared`, but on PostgreSQL a value past its seconds is answered while it is
    read again in the background, in a session of its own (:meth:`_Expiring.get_or_refresh`)."""
    bind = unwrapped_reads(session.bind)
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "postgresql":
        # SQLite (one writer, whose lock a second connection would wait for) and a connection
        # lent (tests): read in the caller's session, when the entry is missing or past.
        return await kept_in.get_or_compute(key, lambda: compute(session))
    return await kept_in.get_or_refresh(key, _in_own_session(session, compute))
