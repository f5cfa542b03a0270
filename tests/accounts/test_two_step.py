"""Two-step sign-in (issue 15, Logins): admins and managers turn on a TOTP authenticator on
/account/security/, and from then on log in with their password and a code (or a one-time
recovery code), on the pages and the API. A code is accepted once; wrong codes count in the
login limiter; and a right password with a right code gets the owner in even from an
address a stranger has made wait. SQLite and PostgreSQL."""

from __future__ import annotations

import re
import time

import httpx
import pyotp
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import second_factor, signin, totp
from shop.accounts.models import LoginFailure, RecoveryCode, Role, SecondFactor
from shop.db import Database
from shop.db_types import utcnow
from shop.errors import TooManyRequests, Unauthenticated
from tests import factories as f
from tests.office.support import PASSWORD, login_as, post, token

KEY = "test-secret-key-not-for-production"
LIMITS = signin.Limits(max_failures=5, window=15 * 60, secret_key=KEY)
ATTACKER = "203.0.113.9"


async def enrolled(session: AsyncSession, username: str) -> tuple[pyotp.TOTP, list[str]]:
    """Two-step sign-in turned on a minute ago (its first code spent then)."""
    user_id = await session.scalar(
        sa.text("SELECT id FROM piccolo_user WHERE username = :u"), {"u": username}
    )
    secret = await second_factor.start_enrolment(session, int(user_id), KEY)
    a_minute_ago = time.time() - 60
    codes = await second_factor.confirm_enrolment(
        session, int(user_id), pyotp.TOTP(secret).at(a_minute_ago), KEY, now=a_minute_ago
    )
    await session.commit()
    return pyotp.TOTP(secret), codes


async def _api_login(client: httpx.AsyncClient, username: str, **extra: str) -> httpx.Response:
    client.cookies.clear()  # each a new client (a session cookie would ask for CSRF)
    body = {"username": username, "password": PASSWORD} | extra
    return await client.post("/api/v1/auth/login", json=body, headers={"Accept-Language": "en"})


async def _failures(database: Database, username: str) -> int:
    async with database.read_sessions() as s:
        found = await s.scalar(sa.select(sa.func.count()).where(LoginFailure.username == username))
    return int(found or 0)


async def test_a_manager_enrols_on_the_security_page_then_logs_in_in_two_steps(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    shop = await f.location(session)
    name = await login_as(client, session, Role.manager, location_codes=[shop.code])
    assert (await post(client, "/account/security/", "/account/security/enrol", {})).status_code == 303
    page = await client.get("/account/security/?lang=en")
    assert "<svg" in page.text and "no-store" in page.headers["cache-control"]
    shown_secret = re.search(r'class="totp-secret"[^>]*>([A-Z2-7 ]+)<', page.text)
    assert shown_secret, "no key on the page"
    secret = shown_secret.group(1).replace(" ", "")
    uri = totp.provisioning_uri(secret, name)
    assert uri.startswith("otpauth://totp/OCOP%20Market:") and "issuer=OCOP%20Market" in uri
    code = pyotp.TOTP(secret).now()
    shown = await client.post(
        "/account/security/confirm", data={"code": code, "_csrf_token": token(page.text)}
    )
    assert shown.status_code == 200, shown.text
    codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", shown.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    again = await client.get("/account/security/?lang=en")
    assert secret[:8] not in again.text.replace(" ", "") and "Recovery codes left: 10" in again.text
    async with client.app.state.db.read_sessions() as s:  # type: ignore[attr-defined]
        stored = await s.scalar(sa.select(SecondFactor.secret))
        hashes = (await s.scalars(sa.select(RecoveryCode.code_hash))).all()
    assert secret not in str(stored) and not any(c.replace("-", "") in h for c in codes for h in hashes)

    await post(client, "/account/security/", "/logout", {})
    login = await client.get("/login")
    first = await client.post(
        "/login", data={"username": name, "password": PASSWORD, "_csrf_token": token(login.text)}
    )
    assert first.status_code == 303 and first.headers["location"].startswith("/login/code")
    assert "ocop_session" not in first.cookies
    assert (await client.get("/api/v1/auth/me")).status_code == 401
    step = await client.get(first.headers["location"])
    next_code = pyotp.TOTP(secret).at(time.time() + totp.STEP)  # the phone a little ahead
    done = await client.post(
        "/login/code", data={"code": next_code, "next": "/", "_csrf_token": token(step.text)}
    )
    assert done.status_code == 303 and done.headers["location"] == "/pos/"
    assert (await client.get("/api/v1/auth/me")).json()["username"] == name


async def test_a_wrong_code_is_refused_and_counted_as_a_failure(
    client: httpx.AsyncClient, session: AsyncSession, database: Database
) -> None:
    name = await f.user(session, Role.admin)
    authenticator, _codes = await enrolled(session, name)
    wrong = f"{(int(authenticator.now()) + 1) % 1_000_000:06d}"
    for _ in range(5):
        refused = await _api_login(client, name, otp=wrong)
        assert refused.status_code == 401 and refused.json()["code"] == "bad_second_factor"
    assert await _failures(database, name) == 5
    slowed = await _api_login(client, name, otp=authenticator.now())
    assert slowed.status_code == 429  # this client now waits, right code or not


async def test_the_api_asks_for_the_second_factor_and_takes_it_as_otp(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session, Role.admin)
    plain = await f.user(session, Role.admin)
    await session.commit()
    authenticator, _codes = await enrolled(session, name)
    missing = await _api_login(client, name)
    assert missing.status_code == 401 and "ocop_session" not in missing.cookies
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["code"] == "second_factor_required"
    assert "second factor required" in missing.json()["detail"].lower()
    assert (await _api_login(client, name, otp=authenticator.now())).status_code == 200
    assert (await _api_login(client, plain)).status_code == 200  # clients without 2FA as before
    client.cookies.clear()
    token_refused = await client.post("/api/v1/auth/tokens", json={"username": name, "password": PASSWORD})
    assert token_refused.status_code == 401


async def test_a_code_is_not_accepted_twice(client: httpx.AsyncClient, session: AsyncSession) -> None:
    name = await f.user(session, Role.admin)
    authenticator, _codes = await enrolled(session, name)
    code = authenticator.now()
    assert (await _api_login(client, name, otp=code)).status_code == 200
    replay = await _api_login(client, name, otp=code)
    assert replay.status_code == 401 and replay.json()["code"] == "bad_second_factor"
    older = await _api_login(client, name, otp=authenticator.at(time.time() - totp.STEP))
    assert older.status_code == 401  # an earlier step's code is spent too


async def test_a_recovery_code_logs_in_once_on_the_pages(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await f.user(session, Role.admin)
    _authenticator, codes = await enrolled(session, name)

    async def second_step(code: str) -> httpx.Response:
        login = await client.get("/login")
        first = await client.post(
            "/login", data={"username": name, "password": PASSWORD, "_csrf_token": token(login.text)}
        )
        assert first.status_code == 303, first.text
        step = await client.get("/login/code?lang=en")
        return await client.post(
            "/login/code", data={"code": codes[3].upper(), "_csrf_token": token(step.text)}
        )

    assert (await second_step(codes[3])).status_code == 303
    await post(client, "/office/", "/logout", {})
    again = await second_step(codes[3])
    assert again.status_code == 401 and "Wrong code" in again.text


async def test_the_owner_with_a_code_gets_in_from_an_address_a_stranger_made_wait(
    session: AsyncSession, database: Database
) -> None:
    admin = await f.user(session, Role.admin)
    plain = await f.user(session, Role.admin)
    authenticator, _codes = await enrolled(session, admin)
    session.add_all(
        LoginFailure(username=u, client=ATTACKER, at=utcnow()) for u in (admin, plain) for _ in range(30)
    )
    await session.commit()

    async def attempt(username: str, otp: str | None, password: str = PASSWORD) -> signin.Outcome:
        return await signin.authenticate(
            database, username=username, password=password, otp=otp, client=ATTACKER, limits=LIMITS
        )

    for username, otp, password in [
        (admin, None, PASSWORD),  # the password alone waits
        (admin, "000000", PASSWORD),  # a wrong code waits, and says nothing of the password
        (admin, authenticator.now(), "wrong-password"),
        (plain, "123456", PASSWORD),  # without two-step sign-in a code changes nothing
    ]:
        with pytest.raises(TooManyRequests):
            await attempt(username, otp, password)
    outcome = await attempt(admin, authenticator.now())
    assert not outcome.needs_second_factor and outcome.user_id > 0


async def test_many_wrong_codes_make_every_code_wait_for_that_user(
    session: AsyncSession, database: Database
) -> None:
    admin = await f.user(session, Role.admin)
    authenticator, _codes = await enrolled(session, admin)
    for i in range(LIMITS.max_failures):  # each from a fresh address: the per-address limit never sees them
        with pytest.raises(Unauthenticated):
            await signin.authenticate(
                database,
                username=admin,
                password=PASSWORD,
                otp="000000",
                client=f"198.51.100.{i}",
                limits=LIMITS,
            )
    with pytest.raises(TooManyRequests):
        await signin.authenticate(
            database,
            username=admin,
            password=PASSWORD,
            otp=authenticator.now(),
            client="192.0.2.1",
            limits=LIMITS,
        )


async def test_new_recovery_codes_need_a_code_and_turning_off_needs_the_password(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    name = await login_as(client, session, Role.admin)
    authenticator, old_codes = await enrolled(session, name)
    refused = await post(client, "/account/security/", "/account/security/codes", {"code": "000000"})
    assert refused.status_code == 422
    fresh = await post(client, "/account/security/", "/account/security/codes", {"code": authenticator.now()})
    new_codes = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", fresh.text)
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    wrong = await post(client, "/account/security/", "/account/security/disable", {"password": "not-mine-1"})
    assert wrong.status_code == 422
    off = await post(client, "/account/security/", "/account/security/disable", {"password": PASSWORD})
    assert off.status_code == 303
    async with client.app.state.db.read_sessions() as s:  # type: ignore[attr-defined]
        assert await s.scalar(sa.select(sa.func.count()).select_from(SecondFactor)) == 0
        assert await s.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0


async def test_staff_and_cooperatives_have_no_security_page(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    shop = await f.location(session)
    await login_as(client, session, Role.staff, location_codes=[shop.code])
    assert (await client.get("/account/security/")).status_code == 403


def test_a_sealed_secret_opens_only_under_its_key() -> None:
    sealed = totp.seal("JBSWY3DPEHPK3PXP", KEY)
    assert totp.unseal(sealed, KEY) == "JBSWY3DPEHPK3PXP"
    assert totp.unseal(sealed, "another-key") is None


def test_a_login_ticket_is_signed_and_expires() -> None:
    ticket = signin.ticket(7, KEY, now=1_000)
    assert signin.read_ticket(ticket, KEY, now=1_100) == 7
    assert signin.read_ticket(ticket, KEY, now=1_000 + signin.TICKET_TTL + 1) is None
    assert signin.read_ticket(ticket.replace("7.", "8.", 1), KEY, now=1_100) is None
    assert signin.read_ticket(ticket, "another-key", now=1_100) is None


async def test_the_office_turns_off_the_second_factor_of_a_manager_who_lost_their_phone(
    client: httpx.AsyncClient, session: AsyncSession, database: Database
) -> None:
    shop = await f.location(session)
    manager = await f.user(session, Role.manager, location_codes=[shop.code])
    await enrolled(session, manager)
    await login_as(client, session, Role.admin)
    user_id = await session.scalar(sa.text("SELECT id FROM piccolo_user WHERE username = :u"), {"u": manager})
    await session.commit()
    page = f"/office/people/{user_id}?lang=en"
    assert "Turn off two-step sign-in" in (await client.get(page)).text
    done = await post(client, page, f"/office/people/{user_id}/second-factor", {})
    assert done.status_code == 303
    async with database.read_sessions() as s:
        assert not await second_factor.is_enabled(s, int(user_id))
    client.cookies.clear()
    assert (await _api_login(client, manager)).status_code == 200  # the password alone again
