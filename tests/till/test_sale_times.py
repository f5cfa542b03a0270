"""When a till sale can have been made (issue 15, item 8): a sale sent late is recorded with
the time it was made, but not a time before its sales point was set up (a till's clock at
1970 after a flat battery, a typo in the year), nor one further in the future than a till's
clock drifts. Either is a 422 naming sold_at, in the reader's language, and changes nothing
(SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database
from shop.inventory.models import Location
from shop.till.models import Sale
from tests.till.support import Till, cash, line, now, sale

PRICE = 50_000


async def _set_up(session: AsyncSession, ago: dt.timedelta) -> None:
    """SP-A as if the office had set it up this long ago."""
    await session.execute(sa.update(Location).where(Location.code == "SP-A").values(created_at=now() - ago))
    await session.commit()


async def _sales(database: Database) -> int:
    async with database.read_sessions() as s:
        return int(await s.scalar(sa.select(sa.func.count()).select_from(Sale)) or 0)


def _at(till: Till, when: dt.datetime) -> dict[str, object]:
    body = sale([line(till.world.noodles.id)], [cash(PRICE)], shift_id=till.shift_id, offline=True)
    return body | {"sold_at": when.isoformat()}


async def test_a_sale_from_1970_is_refused_naming_sold_at(till: Till, database: Database) -> None:
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    english = await till.sell(_at(till, epoch), headers=till.staff | {"Accept-Language": "en"})
    assert english.status_code == 422, english.text
    assert english.headers["content-type"].startswith("application/problem+json")
    (error,) = english.json()["errors"]
    assert error["field"] == "sold_at"
    assert "before" in error["message"] and "SP-A" not in error["message"]
    vietnamese = await till.sell(_at(till, epoch), headers=till.staff | {"Accept-Language": "vi"})
    assert vietnamese.status_code == 422
    assert vietnamese.json()["errors"][0]["message"] != error["message"]
    assert await _sales(database) == 0


async def test_a_sale_before_its_sales_point_was_set_up_is_refused(
    till: Till, session: AsyncSession, database: Database
) -> None:
    await _set_up(session, dt.timedelta(days=30))
    response = await till.sell(_at(till, now() - dt.timedelta(days=31)))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "sold_at"
    assert await _sales(database) == 0


async def test_a_late_sale_since_the_set_up_is_recorded_with_its_time(
    till: Till, session: AsyncSession, database: Database
) -> None:
    await _set_up(session, dt.timedelta(days=30))
    when = now() - dt.timedelta(days=29)
    response = await till.sell(_at(till, when))
    assert response.status_code == 201, response.text
    assert abs(dt.datetime.fromisoformat(response.json()["sold_at"]) - when) < dt.timedelta(seconds=1)
    assert await _sales(database) == 1


async def test_the_tills_clock_may_run_a_little_ahead_but_not_hours(till: Till, database: Database) -> None:
    ahead = await till.sell(_at(till, now() + dt.timedelta(minutes=5)))
    assert ahead.status_code == 201, ahead.text
    future = await till.sell(_at(till, now() + dt.timedelta(hours=2)))
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "sold_at"
    assert await _sales(database) == 1
