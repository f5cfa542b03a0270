"""Logging in, sessions with CSRF, bearer tokens, the rate limit, and users."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from shop.accounts.models import PiccoloUser, Role
from shop.errors import Conflict, InvalidInput
from tests import factories as f


async def test_login_sets_a_session_cookie_and_me_answers(client, session):
    name = await f.user(session, Role.admin)
    await session.commit()
    response = await client.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
    assert response.status_code == 200, response.text
    assert "ocop_session" in response.cookies
    assert response.json()["user"]["role"] == "admin"
    me = await client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json()["username"] == name


async def test_wrong_password_is_401_and_does_not_say_which_part_was_wrong(client, session):
    name = await f.user(session)
    await session.commit()
    wrong = await client.post("/api/v1/auth/login", json={"username": name, "password": "nope-nope"})
    unknown = await client.post("/api/v1/auth/login", json={"username": "ghost", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["detail"] == unknown.json()["detail"]


async def test_login_is_rate_limited(client, session):
    name = await f.user(session)
    await session.commit()
    for _ in range(5):
        response = await client.post("/api/v1/auth/login", json={"username": name, "password": "bad-pass"})
        assert response.status_code == 401
    response = await client.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0


async def test_bearer_tokens_work_and_bad_ones_are_refused(client, session):
    name = await f.user(session, Role.admin)
    await session.commit()
    headers = await f.bearer(client, name)
    assert (await client.get("/api/v1/auth/me", headers=headers)).json()["role"] == "admin"
    bad = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    assert bad.headers["content-type"].startswith("application/problem+json")


async def test_cookie_writes_to_the_api_need_the_csrf_token(client, session):
    name = await f.user(session, Role.admin)
    await session.commit()
    login = await client.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
    csrf = login.json()["csrf_token"]
    payload = {"code": "X1", "kind": "cooperative", "name": "HTX X"}
    refused = await client.post("/api/v1/producers", json=payload)
    assert refused.status_code == 403
    accepted = await client.post("/api/v1/producers", json=payload, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201, accepted.text


async def test_logout_ends_the_session(client, session):
    name = await f.user(session)
    await session.commit()
    login = await client.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
    out = await client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": login.json()["csrf_token"]})
    assert out.status_code == 200
    assert (await client.get("/api/v1/auth/me")).status_code == 401


async def test_login_page_with_csrf_and_redirect(client, session):
    name = await f.user(session)
    await session.commit()
    page = await client.get("/login?next=/producers")
    assert page.status_code == 200
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    no_csrf = await client.post("/login", data={"username": name, "password": "password123"})
    assert no_csrf.status_code == 403
    response = await client.post(
        "/login",
        data={"username": name, "password": "password123", "next": "/producers", "_csrf_token": token},
    )
    assert response.status_code == 303 and response.headers["location"] == "/producers"
    assert (await client.get("/api/v1/auth/me")).status_code == 200


async def test_login_page_shows_a_translated_error(client, session):
    page = await client.get("/login?lang=en")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/login", data={"username": "ghost", "password": "whatever1", "_csrf_token": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password." in response.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil"])
async def test_login_never_redirects_off_site(client, session, target):
    name = await f.user(session)
    await session.commit()
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/login", data={"username": name, "password": "password123", "next": target, "_csrf_token": token}
    )
    assert response.headers["location"] == "/office/"  # where an office user works, never off-site


@pytest.mark.parametrize(
    ("role", "landing"),
    [(Role.admin, "/office/"), (Role.manager, "/pos/"), (Role.staff, "/pos/"), (Role.cooperative, "/coop/")],
)
async def test_each_role_lands_where_it_works_after_logging_in(client, session, role, landing):
    scope: dict[str, object] = {}
    if role in (Role.manager, Role.staff):
        scope["location_codes"] = [(await f.location(session)).code]
    if role is Role.cooperative:
        scope["producer_code"] = (await f.producer(session)).code
    name = await f.user(session, role, **scope)
    await session.commit()
    page = await client.get("/login")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    response = await client.post(
        "/login", data={"username": name, "password": "password123", "next": "/", "_csrf_token": token}
    )
    assert response.status_code == 303 and response.headers["location"] == landing
    assert (await client.get(landing, follow_redirects=True)).status_code == 200
    page = await client.get("/login?next=/products")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    asked = await client.post(
        "/login",
        data={"username": name, "password": "password123", "next": "/products", "_csrf_token": token},
    )
    assert asked.headers["location"] == "/products"  # a page asked for first wins


async def test_passwords_are_stored_hashed(session):
    name = await f.user(session, password="correct-horse")
    stored = await session.scalar(sa.select(PiccoloUser.password).where(PiccoloUser.username == name))
    assert stored.startswith("pbkdf2_sha256$") and "correct-horse" not in stored


def test_the_longest_password_is_piccolos():
    """Admin and app check one hash: a password the app takes, Piccolo's sign-in takes too."""
    from piccolo.apps.user.tables import BaseUser

    from shop.accounts.security import MAX_PASSWORD_LENGTH, hash_password, verify_password

    assert BaseUser._max_password_length == MAX_PASSWORD_LENGTH
    longest = "p" * MAX_PASSWORD_LENGTH
    assert verify_password(longest, hash_password(longest))
    assert not verify_password(longest + "p", hash_password(longest))


async def test_user_rules(session):
    with pytest.raises(InvalidInput):
        await f.user(session, Role.cooperative)  # no producer
    with pytest.raises(InvalidInput):
        await f.user(session, Role.staff)  # no sales point
    with pytest.raises(InvalidInput):
        await f.user(session, Role.admin, password="short")
    await f.user(session, Role.admin, username="taken")
    with pytest.raises(Conflict):
        await f.user(session, Role.admin, username="taken")


async def test_staff_scope_lists_their_locations(client, session):
    shop = await f.location(session, code="NARI")
    name = await f.user(session, Role.staff, location_codes=["NARI"])
    await session.commit()
    me = (await client.get("/api/v1/auth/me", headers=await f.bearer(client, name))).json()
    assert me["role"] == "staff" and me["location_ids"] == [shop.id]


async def test_api_writes_take_json_only(client, session):
    """A cross-site form cannot post to the API (no login CSRF through text/plain bodies)."""
    name = await f.user(session)
    await session.commit()
    body = f'{{"username": "{name}", "password": "password123"}}'
    response = await client.post("/api/v1/auth/login", content=body, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert "ocop_session" not in response.cookies


async def test_a_new_login_gets_a_new_csrf_token(client, session):
    name = await f.user(session)
    await session.commit()
    client.cookies.set("ocop_csrf", "planted-token")
    login = await client.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
    assert login.json()["csrf_token"] != "planted-token"
    forged = await client.post(
        "/api/v1/auth/logout",
        headers={"X-CSRF-Token": "planted-token"},
        cookies={"ocop_csrf": "planted-token"},
    )
    assert forged.status_code == 403


async def test_a_token_is_read_with_its_sales_points_in_one_statement(client, session, database):
    """Every signed-in request asks who it is: the user, the role and every sales point of
    the account come in one statement (joined), none of them lost or repeated."""
    from sqlalchemy import event

    from shop.accounts import services
    from shop.accounts.models import TokenKind

    first, second = await f.location(session), await f.location(session)
    staff = await f.user(session, Role.staff, location_codes=[first.code, second.code])
    admin = await f.user(session, Role.admin)
    await session.commit()
    seen: list[str] = []
    listener = lambda *args: seen.append(str(args[2]))  # noqa: E731
    event.listen(database.engine.sync_engine, "before_cursor_execute", listener)
    try:
        for name, expected in ((staff, {first.id, second.id}), (admin, set())):
            token = (await f.bearer(client, name))["Authorization"].removeprefix("Bearer ")
            seen.clear()
            async with database.read_sessions() as s:
                user = await services.user_for_token(s, token, TokenKind.bearer)
            assert user is not None and user.username == name and user.location_ids == expected
            assert len([s for s in seen if s != "BEGIN"]) == 1, seen  # (SQLite begins by hand)
            async with database.read_sessions() as s:
                assert await services.user_for_token(s, token, TokenKind.session) is None  # wrong kind
    finally:
        event.remove(database.engine.sync_engine, "before_cursor_execute", listener)
