"""Small in-process caches for catalog reads.

- Place names never change at run time (reference data loaded by ``ocop db upgrade``), so
  they are cached for the life of the process.
- List totals (a COUNT over the sellable catalog) are cached for ``TOTAL_TTL`` seconds and
  dropped whenever this process changes the catalog, so a writer sees its own change at
  once and other processes within seconds. The items of a page are never cached.
"""

from __future__ import annotations

import time
from collections.abc import Hashable, Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.geo.models import Place

TOTAL_TTL = 10.0
_MAX_TOTALS = 2048


class _Totals:
    def __init__(self) -> None:
        self._entries: dict[Hashable, tuple[float, int]] = {}

    def get(self, key: Hashable) -> int | None:
        entry = self._entries.get(key)
        if entry is None or time.monotonic() - entry[0] > TOTAL_TTL:
            return None
        return entry[1]

    def put(self, key: Hashable, total: int) -> None:
        if len(self._entries) >= _MAX_TOTALS:
            self._entries.clear()
        self._entries[key] = (time.monotonic(), total)

    def clear(self) -> None:
        self._entries.clear()


totals = _Totals()
# (database URL, place id) → (name, mapped to a default successor)
_place_names: dict[tuple[str, int], tuple[str, bool]] = {}


def catalog_changed() -> None:
    """Called by every catalog write in this process."""
    totals.clear()


def database_key(session: AsyncSession) -> str:
    return str(session.get_bind().engine.url)


async def place_names(session: AsyncSession, ids: Iterable[int]) -> dict[int, tuple[str, bool]]:
    db = database_key(session)
    wanted = set(ids)
    missing = [i for i in wanted if (db, i) not in _place_names]
    if missing:
        rows = await session.execute(
            sa.select(Place.id, Place.name, Place.successor_is_default).where(Place.id.in_(missing))
        )
        for place_id, name, is_default in rows:
            _place_names[(db, place_id)] = (name, bool(is_default))
    return {i: _place_names[(db, i)] for i in wanted if (db, i) in _place_names}
