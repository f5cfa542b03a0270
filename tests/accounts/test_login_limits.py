"""Failed logins slow an attacker down without locking the owner out (issue 15, Logins):
each (username, client address) pair that keeps failing waits longer and longer (429 with
Retry-After, the password not even checked), and so does every client failing at a username
under attack from many addresses; but the right password from an address that has not
been failing is always accepted, and one address's failures never block the other people
working behind it (a sales point's shared address). SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import services
from shop.accounts.models import LoginFailure, Role
from shop.db import Database
from shop.db_types import utcnow
from shop.errors import TooManyRequests, Unauthenticated
from tests import factories as f

PASSWORD = "password123"
MAX_FAILURES, WINDOW = 5, 15 * 60
OFFICE, ATTACKER, SHOP = "198.51.100.7", "203.0.113.9", "192.0.2.44"


async def _failed(session: AsyncSession, username: str, client: str, times: int, ago: float = 0) -> None:
    """Failures already recorded, the last ``ago`` seconds ago (one a second before it)."""
    at = utcnow() - dt.timedelta(seconds=ago)
    session.add_all(
        LoginFailure(username=username, client=client, at=at - dt.timedelta(seconds=i)) for i in range(times)
    )
    await session.commit()


async def _log_in(database: Database, username: str, client: str, password: str = PASSWORD) -> int:
    return await services.authenticate(
        database,
        username=username,
        password=password,
        client=client,
        max_failures=MAX_FAILURES,
        window=WINDOW,
    )


async def _refused(database: Database, username: str, client: str, password: str = PASSWORD) -> int:
    """Seconds the client is told to wait."""
    with pytest.raises(TooManyRequests) as refused:
        await _log_in(database, username, client, password)
    return refused.value.retry_after


async def test_a_stranger_failing_at_the_admin_cannot_lock_the_admin_out(
    session: AsyncSession, database: Database
) -> None:
    admin = await f.user(session, Role.admin)
    await _failed(session, admin, ATTACKER, 30)
    assert await _refused(database, admin, ATTACKER) > 0  # even with the right password
    assert await _log_in(database, admin, OFFICE) > 0


async def test_a_shared_address_does_not_block_its_other_users(
    session: AsyncSession, database: Database
) -> None:
    careless = await f.user(session, Role.admin)
    colleague = await f.user(session, Role.admin)
    await _failed(session, careless, SHOP, 20)
    await _failed(session, "someone-else", SHOP, 20)
    assert await _refused(database, careless, SHOP) > 0
    assert await _log_in(database, colleague, SHOP) > 0


async def test_a_failing_client_waits_longer_after_each_failure(
    session: AsyncSession, database: Database
) -> None:
    name = await f.user(session, Role.admin)
    await _failed(session, name, ATTACKER, MAX_FAILURES - 1)
    with pytest.raises(Unauthenticated):  # a few slips cost nothing
        await _log_in(database, name, ATTACKER, "wrong-pass")
    first = await _refused(database, name, ATTACKER)
    await _failed(session, name, ATTACKER, 2)
    longer = await _refused(database, name, ATTACKER, "wrong-pass")
    assert 0 < first < longer <= WINDOW


async def test_once_the_wait_is_over_the_right_password_gets_in(
    session: AsyncSession, database: Database
) -> None:
    name = await f.user(session, Role.admin)
    await _failed(session, name, OFFICE, MAX_FAILURES, ago=WINDOW - 60)
    assert await _log_in(database, name, OFFICE) > 0


async def test_many_addresses_at_one_username_slow_each_of_them(
    session: AsyncSession, database: Database
) -> None:
    name = await f.user(session, Role.admin)
    for i in range(12):
        await _failed(session, name, f"203.0.113.{i}", 1)
    # Each address failed once only, but the username is under attack: they all wait.
    assert await _refused(database, name, "203.0.113.3") > 0
    assert await _log_in(database, name, OFFICE) > 0  # the owner, elsewhere, gets in


async def test_a_refused_attempt_is_a_429_with_retry_after(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session)
    await session.commit()
    for _ in range(MAX_FAILURES):
        response = await client.post("/api/v1/auth/login", json={"username": name, "password": "bad-pass"})
        assert response.status_code == 401
    response = await client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= WINDOW
    async with client.app.state.db.read_sessions() as s:  # type: ignore[attr-defined]
        recorded = await s.scalar(sa.select(sa.func.count()).select_from(LoginFailure))
    assert recorded == MAX_FAILURES  # the refused attempt was not checked, nor counted
