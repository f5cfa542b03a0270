"""The same stock document sent several times at the same instant (one client id: a double
tap, a retry on a flaky line) is made once, and every copy answers that document: never a
generic 409 (issue 15, item 13)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from shop.db import Database
from shop.inventory.documents.models import Receipt, Transfer, WriteOff
from tests.inventory.support import receipt_body

COPIES = 4


async def _at_once(
    client: httpx.AsyncClient, path: str, body: dict[str, Any], headers
) -> list[httpx.Response]:
    return list(await asyncio.gather(*(client.post(path, json=body, headers=headers) for _ in range(COPIES))))


async def _count(database: Database, table: type[Any]) -> int:
    async with database.read_sessions() as s:
        return int(await s.scalar(sa.select(sa.func.count()).select_from(table)) or 0)


def _one_document(answers: list[httpx.Response]) -> None:
    assert all(a.status_code in (200, 201) for a in answers), [(a.status_code, a.text) for a in answers]
    assert len({a.json()["id"] for a in answers}) == 1


@pytest.fixture
async def stocked(client: httpx.AsyncClient, world, as_manager) -> None:
    response = await client.post(
        "/api/v1/sales-points/SP-A/receipts", headers=as_manager, json=receipt_body(world.noodles.id, 20)
    )
    assert response.status_code == 201, response.text


async def test_a_receipt_sent_at_once_is_made_once(
    client: httpx.AsyncClient, database: Database, world, as_manager
):
    body = receipt_body(world.noodles.id, 5) | {"client_id": str(uuid.uuid4())}
    _one_document(await _at_once(client, "/api/v1/sales-points/SP-A/receipts", body, as_manager))
    assert await _count(database, Receipt) == 1


async def test_a_write_off_sent_at_once_is_made_once(
    client: httpx.AsyncClient, database: Database, world, as_manager, stocked
):
    body = {
        "reason": "damaged",
        "lines": [{"product_id": world.noodles.id, "quantity": 1}],
        "client_id": str(uuid.uuid4()),
    }
    _one_document(await _at_once(client, "/api/v1/sales-points/SP-A/write-offs", body, as_manager))
    assert await _count(database, WriteOff) == 1


async def test_a_transfer_sent_at_once_is_made_once(
    client: httpx.AsyncClient, database: Database, world, as_manager, stocked
):
    body = {
        "from_location": "SP-A",
        "to_location": "FAIR-1",
        "lines": [{"product_id": world.noodles.id, "quantity": 2}],
        "client_id": str(uuid.uuid4()),
    }
    _one_document(await _at_once(client, "/api/v1/transfers", body, as_manager))
    assert await _count(database, Transfer) == 1
