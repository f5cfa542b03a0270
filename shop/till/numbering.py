"""Gapless number sequences per location (receipt numbers 1, 2, 3… at each sales point).

The counter row is updated in the caller's transaction, so the number is taken under the
row's lock and given back if the transaction rolls back: no gaps, no repeats. The price is
that two sales at one location take their numbers one after the other.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import insert_for
from shop.till.models import Counter

COUNTER: sa.Table = Counter.__table__  # type: ignore[assignment]
SALES = "sale"


# Built once, run with parameters.
_BUMP = (
    sa.update(COUNTER)
    .where(COUNTER.c.location_id == sa.bindparam("at_location"), COUNTER.c.name == sa.bindparam("counter"))
    .values(last_value=COUNTER.c.last_value + 1)
    .returning(COUNTER.c.last_value)
)


async def take(session: AsyncSession, location_id: int, name: str = SALES) -> int:
    """The next number of this location's sequence."""
    params = {"at_location": location_id, "counter": name}
    number = await session.scalar(_BUMP, params)
    if number is None:  # the location's first: create its counter (another may just have)
        await create(session, location_id, name)
        number = await session.scalar(_BUMP, params)
    assert number is not None
    return int(number)


async def create(session: AsyncSession, location_id: int, name: str = SALES) -> None:
    """The location's counter, at zero, unless it has it (another transaction may just have
    made it: this waits for it, then does nothing)."""
    create = insert_for(session)(COUNTER).on_conflict_do_nothing(index_elements=["location_id", "name"])
    await session.execute(create.values(location_id=location_id, name=name, last_value=0))


def receipt_number(location_code: str, number: int) -> str:
    """As printed: the location's code and the number, e.g. ``SP-BACKAN-000123``."""
    return f"{location_code}-{number:06d}"
