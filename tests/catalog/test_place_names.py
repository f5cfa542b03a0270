"""Place names are read once for the places products name, and any other place on its own
(issue 20: every place, 14 000 nationally, held 3 MiB in each worker; a product's page
asks only for its origin's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache
from shop.geo.models import Place
from tests import factories as f


@contextmanager
def _counting(session: AsyncSession) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).startswith("SELECT"):  # not SQLite's BEGIN
            statements.append(str(args[2]))

    engine = session.bind.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_the_first_miss_reads_the_places_products_name_and_another_place_is_read_alone(session):
    commune, province, unnamed = (
        await session.execute(sa.select(Place).where(Place.level == "commune").order_by(Place.id).limit(3))
    ).scalars()
    product = await f.product(session)
    product.origin_commune_id, product.origin_province_id = commune.id, province.id
    await session.commit()
    cache.forget_place_names()
    with _counting(session) as statements:
        assert await cache.place_names(session, [commune.id]) == {
            commune.id: (commune.name, commune.successor_is_default)
        }
        assert len(statements) == 1
        assert await cache.place_names(session, [province.id]) == {
            province.id: (province.name, province.successor_is_default)
        }
        assert len(statements) == 1  # read with the first: a product names it
        assert unnamed.id not in cache._place_names[next(iter(cache._place_names))]
        found = await cache.place_names(session, [unnamed.id, commune.id, -1])
        assert found == {
            unnamed.id: (unnamed.name, unnamed.successor_is_default),
            commune.id: found[commune.id],
        }
        assert len(statements) == 2  # the place no product names, alone
        await cache.place_names(session, [unnamed.id, commune.id, province.id])
        assert len(statements) == 2
    cache.forget_place_names()
