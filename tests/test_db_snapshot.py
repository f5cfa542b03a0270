"""``Snapshot``: a mapped class's instances read by Core hold what the ORM would have read."""

from __future__ import annotations

import sqlalchemy as sa

from shop.catalog.models import Certificate, Product
from shop.db import Snapshot
from tests import factories as f


async def test_a_snapshot_reads_every_column_as_the_orm_does(session):
    product = await f.certified_product(session, stars=4)
    await session.commit()
    for mapped, key in ((Product, product.id), (Certificate, None)):
        snapshot = Snapshot(mapped)
        where = mapped.product_id == product.id if key is None else mapped.id == key
        row = (await (await session.connection()).execute(sa.select(*snapshot.columns).where(where))).one()
        read = snapshot.build(row)
        fresh = sa.select(mapped).where(where).execution_options(populate_existing=True)
        loaded = await session.scalar(fresh)
        assert type(read) is mapped and read is not loaded
        # The same values, and of the same types: enums and dates as the ORM gives them.
        assert {k: (type(v := getattr(read, k)), v) for k in snapshot.keys} == {
            k: (type(v := getattr(loaded, k)), v) for k in snapshot.keys
        }
        assert sa.inspect(read, raiseerr=False) is None  # in no session, never flushed
