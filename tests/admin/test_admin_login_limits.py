"""Piccolo Admin's sign-in (/admin/public/login/) is under the app's login limits (issue 15):
a refused password is recorded like one at /login, a client that keeps failing waits (429
with Retry-After) before Piccolo even checks the password, the wait is shared with the
app's own login, and the right password from an address that has not been failing gets in."""

from __future__ import annotations

import httpx
import sqlalchemy as sa

from shop.accounts.models import LoginFailure, Role
from tests import factories as f

ATTACKER = "203.0.113.9"
OFFICE = "198.51.100.7"


def _client_from(client: httpx.AsyncClient, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=client.app, client=(address, 40000))  # type: ignore[attr-defined]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _admin_login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    if client.cookies.get("csrftoken") is None:
        await client.get("/admin/")
    token = client.cookies.get("csrftoken")
    return await client.post(
        "/admin/public/login/",
        json={"username": username, "password": password},
        headers={"X-CSRFToken": token or ""},
    )


async def _failures(session) -> list[tuple[str, str]]:
    rows = (await session.execute(sa.select(LoginFailure.username, LoginFailure.client))).all()
    await session.commit()
    return [tuple(row) for row in rows]


async def test_admin_sign_in_failures_are_recorded_and_slowed_like_the_apps(client, session):
    name = await f.user(session, Role.admin)
    await session.commit()
    async with _client_from(client, ATTACKER) as attacker:
        for _ in range(5):  # the tolerated failures (OCOP_LOGIN_MAX_FAILURES)
            assert (await _admin_login(attacker, name, "guess")).status_code == 401
        assert await _failures(session) == [(name, ATTACKER)] * 5
        slowed = await _admin_login(attacker, name, "password123")  # even the right one
        assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) > 0
        assert "set-cookie" not in slowed.headers or "id=" not in slowed.headers["set-cookie"]
        api = await attacker.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
        assert api.status_code == 429  # one limiter: the app's login waits too
    assert len(await _failures(session)) == 5  # a refused attempt checks nothing, records nothing
    async with _client_from(client, OFFICE) as office:
        welcome = await _admin_login(office, name, "password123")
        assert welcome.status_code == 200, welcome.text
        assert (await office.get("/admin/api/tables/")).status_code == 200


async def test_a_login_refused_for_its_csrf_token_is_not_a_failure(client, session):
    name = await f.user(session, Role.admin)
    await session.commit()
    await client.get("/admin/")
    response = await client.post("/admin/public/login/", json={"username": name, "password": "guess"})
    assert response.status_code == 403
    assert await _failures(session) == []
