"""One till sale sent several times at the same instant (a double tap, a resend on a flaky
line, two tabs): recorded once, and every copy answers that sale, 201 for the first and 200
for the others; never a server error (issue 15, item 2; SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database
from shop.till import sales
from shop.till.models import Sale
from tests.till.support import SALES, Till, cash, line, sale

COPIES = 5


async def test_the_same_sale_sent_at_once_is_recorded_once(till: Till, database: Database) -> None:
    body = sale([line(till.world.noodles.id, 2)], [cash(100_000)], shift_id=till.shift_id)
    answers = await asyncio.gather(
        *(till.client.post(SALES, json=body, headers=till.staff) for _ in range(COPIES))
    )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * (COPIES - 1) + [201], [(a.status_code, a.text) for a in answers]
    assert {a.json()["id"] for a in answers} == {body["id"]}
    assert len({a.json()["number"] for a in answers}) == 1
    async with database.read_sessions() as s:
        assert await s.scalar(sa.select(sa.func.count()).select_from(Sale)) == 1
    assert await till.stock(till.world.noodles.id) == 18


async def test_the_same_sale_sent_at_once_offline_is_recorded_once(till: Till, database: Database) -> None:
    body = sale([line(till.world.tea.id, 1)], [cash(50_000)], shift_id=till.shift_id, offline=True)
    answers = await asyncio.gather(
        *(till.client.post(SALES, json=body, headers=till.staff) for _ in range(COPIES))
    )
    assert sorted(a.status_code for a in answers) == [200] * (COPIES - 1) + [201], [a.text for a in answers]
    async with database.read_sessions() as s:
        assert await s.scalar(sa.select(sa.func.count()).select_from(Sale)) == 1


async def test_a_copy_that_meets_the_first_at_the_insert_answers_the_first(
    till: Till, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sale sent again does not look for itself first: it meets the first at the unique
    index, rolls back and answers the first, 200, not a 500 from reading its location after
    the rollback; it looks the first up once, after the insert found the id taken."""
    body = sale([line(till.world.noodles.id)], [cash(50_000)], shift_id=till.shift_id)
    first = await till.sell(body)
    assert first.status_code == 201, first.text
    real_find = sales.find
    looked: list[uuid.UUID] = []

    async def find(session: AsyncSession, client_id: uuid.UUID) -> Sale | None:
        looked.append(client_id)
        return await real_find(session, client_id)

    monkeypatch.setattr(sales, "find", find)
    again = await till.sell(body)
    assert again.status_code == 200, again.text
    assert again.json()["number"] == first.json()["number"]
    assert looked == [uuid.UUID(body["id"])]
    assert await till.stock(till.world.noodles.id) == 19  # sold once
