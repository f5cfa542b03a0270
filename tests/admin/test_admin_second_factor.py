"""Two-step sign-in protects /admin too (issue 15): Piccolo Admin's own login asks a user
who turned it on for the code of the app's authenticator (or a recovery code), refuses the
password alone, accepts each code once, and counts a wrong code in the app's login limiter;
a user without it signs in with the password as before. Enrolment stays on
/account/security/, where Piccolo's set-up menu sends people. SQLite and PostgreSQL."""

from __future__ import annotations

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import LoginFailure, RecoveryCode, Role, SecondFactor
from shop.db_types import utcnow
from tests import factories as f
from tests.accounts.test_two_step import enrolled

OFFICE = "198.51.100.7"
PASSWORD = "password123"


def _client_from(client: httpx.AsyncClient, address: str = OFFICE) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=client.app, client=(address, 40000))  # type: ignore[attr-defined]
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _admin_login(client: httpx.AsyncClient, username: str, **extra: str) -> httpx.Response:
    if client.cookies.get("csrftoken") is None:
        await client.get("/admin/")
    token = client.cookies.get("csrftoken")
    return await client.post(
        "/admin/public/login/",
        json={"username": username, "password": PASSWORD} | extra,
        headers={"X-CSRFToken": token or ""},
    )


def _has_session(response: httpx.Response) -> bool:
    return any(cookie.startswith("id=") for cookie in response.headers.get_list("set-cookie"))


async def _failures(session: AsyncSession, username: str) -> int:
    found = await session.scalar(sa.select(sa.func.count()).where(LoginFailure.username == username))
    await session.commit()
    return int(found or 0)


async def test_an_enrolled_admin_needs_the_code_at_admin_and_each_code_works_once(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session, Role.admin)
    await session.commit()
    authenticator, _codes = await enrolled(session, name)

    async with _client_from(client) as office:
        asked = await _admin_login(office, name)  # the right password alone
        assert asked.status_code == 401, asked.text
        assert asked.json()["detail"] == "MFA code required"  # the admin's page shows the code field
        assert not _has_session(asked)
        assert (await office.get("/admin/api/tables/")).status_code == 401
        assert await _failures(session, name) == 0  # being asked for the code is no failure

        guess = "000000" if authenticator.now() != "000000" else "111111"
        wrong = await _admin_login(office, name, mfa_code=guess)
        assert wrong.status_code == 401 and wrong.json()["detail"] == "MFA failed"
        assert not _has_session(wrong)
        assert await _failures(session, name) == 1  # a wrong code counts, as at /login
        failed = await session.scalar(sa.select(SecondFactor.failures))
        await session.commit()
        assert failed == 1  # and against the user, wherever it came from

        code = authenticator.now()
        welcome = await _admin_login(office, name, mfa_code=code)
        assert welcome.status_code == 200, welcome.text
        assert _has_session(welcome)
        assert (await office.get("/admin/api/tables/")).status_code == 200

    async with _client_from(client) as replay:  # the same code seen over a shoulder
        again = await _admin_login(replay, name, mfa_code=code)
        assert again.status_code == 401 and again.json()["detail"] == "MFA failed"
        assert not _has_session(again)
        assert (await replay.get("/admin/api/tables/")).status_code == 401

    # The same code is spent for the app's own login too: one store, one replay guard.
    api = await client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD, "otp": code})
    assert api.status_code == 401


async def test_a_recovery_code_opens_the_admin_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    name = await f.user(session, Role.admin)
    await session.commit()
    _authenticator, codes = await enrolled(session, name)
    async with _client_from(client) as office:
        welcome = await _admin_login(office, name, mfa_code=codes[0].upper())
        assert welcome.status_code == 200 and _has_session(welcome), welcome.text
    used = await session.scalar(sa.select(sa.func.count()).where(RecoveryCode.used_at.is_not(None)))
    await session.commit()
    assert used == 1
    async with _client_from(client) as other:
        assert (await _admin_login(other, name, mfa_code=codes[0])).status_code == 401


async def test_an_admin_without_two_step_sign_in_gets_in_with_the_password(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session, Role.admin)
    await session.commit()
    async with _client_from(client) as office:
        welcome = await _admin_login(office, name)
        assert welcome.status_code == 200 and _has_session(welcome), welcome.text
        assert (await office.get("/admin/api/tables/")).status_code == 200
    assert await _failures(session, name) == 0


async def test_the_html_login_form_asks_for_the_code_too(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session, Role.admin)
    await session.commit()
    authenticator, _codes = await enrolled(session, name)
    async with _client_from(client) as office:
        await office.get("/admin/")
        token = office.cookies.get("csrftoken") or ""
        form = {"username": name, "password": PASSWORD, "format": "html", "csrftoken": token}
        headers = {"X-CSRFToken": token}
        asked = await office.post("/admin/public/login/", data=form, headers=headers)
        assert not _has_session(asked)
        assert 'name="mfa_token"' in asked.text  # its code field
        assert await _failures(session, name) == 0
        form["mfa_token"] = authenticator.now()
        welcome = await office.post("/admin/public/login/", data=form, headers=headers)
        assert _has_session(welcome), welcome.text


async def test_piccolos_set_up_menu_sends_people_to_the_apps_security_page(client: httpx.AsyncClient) -> None:
    for path in ("/admin/api/mfa-setup/", "/admin/api/mfa-setup"):
        response = await client.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/account/security/"
    assert (await client.post("/admin/api/mfa-setup/", data={"action": "revoke"})).status_code == 303
    assert (await client.get("/account/security/", follow_redirects=False)).status_code != 404


async def test_a_user_whose_codes_keep_failing_waits_at_admin(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session, Role.admin)
    await session.commit()
    authenticator, _codes = await enrolled(session, name)
    await session.execute(sa.update(SecondFactor).values(failures=50, failed_at=utcnow()))
    await session.commit()
    async with _client_from(client) as office:
        slowed = await _admin_login(office, name, mfa_code=authenticator.now())
        assert slowed.status_code == 429 and int(slowed.headers["retry-after"]) > 0
        assert not _has_session(slowed)
