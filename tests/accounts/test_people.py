"""People at /office/people/: the office creates accounts, changes roles and scopes, resets
passwords and deactivates accounts, and Piccolo Admin's flags follow every change."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa

from shop.accounts.models import Account, AccountLocation, PiccoloUser, Role
from tests import factories as f

PASSWORD = "password123"


def _token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def _log_in(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/login?lang=en")
    return await client.post(
        "/login", data={"username": username, "password": password, "_csrf_token": _token(page.text)}
    )


async def _post(
    client: httpx.AsyncClient, page_url: str, action: str, data: dict[str, object]
) -> httpx.Response:
    page = await client.get(page_url)
    assert page.status_code == 200, page.text
    return await client.post(action, data={"_csrf_token": _token(page.text), **data})


async def _read(client: httpx.AsyncClient, stmt: sa.Executable) -> list[sa.Row]:
    """Rows as the app sees them now (its own read session: the test's write session would
    hold SQLite's lock)."""
    async with client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        return list((await fresh.execute(stmt)).all())


async def _flags(client: httpx.AsyncClient, username: str) -> tuple[str, bool, bool, bool]:
    """The account's role and Piccolo Admin's flags: admin, superuser, active."""
    (row,) = await _read(
        client,
        sa.select(Account.role, PiccoloUser.admin, PiccoloUser.superuser, PiccoloUser.active)
        .join(Account, Account.user_id == PiccoloUser.id)
        .where(PiccoloUser.username == username),
    )
    return row[0].value, row[1], row[2], row[3]


async def _user_id(client: httpx.AsyncClient, username: str) -> int:
    (row,) = await _read(client, sa.select(PiccoloUser.id).where(PiccoloUser.username == username))
    return int(row[0])


async def _locations(client: httpx.AsyncClient, username: str) -> list[int]:
    rows = await _read(
        client,
        sa.select(AccountLocation.location_id)
        .join(Account, Account.id == AccountLocation.account_id)
        .join(PiccoloUser, PiccoloUser.id == Account.user_id)
        .where(PiccoloUser.username == username),
    )
    return sorted(r[0] for r in rows)


async def test_the_office_creates_a_cooperative_account_with_its_producer(client, session):
    office = await f.user(session, Role.admin)
    maker = await f.producer(session, code="HTX-MIEN", name="HTX Miến Na Rì")
    await session.commit()
    await _log_in(client, office)
    listed = await client.get("/office/people/?lang=en")
    assert listed.status_code == 200 and office in listed.text
    missing = await _post(
        client,
        "/office/people/new",
        "/office/people/new",
        {
            "username": "lan.htx",
            "full_name": "Nguyễn Thị Lan",
            "password": "coop-pass-1",
            "role": "cooperative",
        },
    )
    assert missing.status_code == 422 and "A cooperative user needs a producer." in missing.text
    assert 'value="lan.htx"' in missing.text  # what was typed is kept
    created = await _post(
        client,
        "/office/people/new",
        "/office/people/new",
        {
            "username": "lan.htx",
            "full_name": "Nguyễn Thị Lan",
            "email": "",
            "password": "coop-pass-1",
            "role": "cooperative",
            "producer": f"{maker.name} ({maker.code})",
        },
    )
    assert created.status_code == 303, created.text
    page = await client.get(created.headers["location"])
    assert "Nguyễn Thị Lan" in page.text and "HTX Miến Na Rì" in page.text
    assert await _flags(client, "lan.htx") == ("cooperative", False, False, True)
    client.cookies.clear()
    landed = await _log_in(client, "lan.htx", "coop-pass-1")
    assert landed.status_code == 303 and landed.headers["location"] == "/coop/"


async def test_a_role_changes_and_the_admin_flags_follow(client, session):
    office = await f.user(session, Role.admin)
    one, two = await f.location(session, code="SP-ONE"), await f.location(session, code="SP-TWO")
    maker = await f.producer(session)
    staff = await f.user(session, Role.staff, location_codes=[one.code])
    await session.commit()
    await _log_in(client, office)
    user_id = await _user_id(client, staff)
    url = f"/office/people/{user_id}"

    managed = await _post(
        client, url, f"{url}/role", {"role": "manager", "sales_point": [one.code, two.code]}
    )
    assert managed.status_code == 303
    assert await _locations(client, staff) == sorted([one.id, two.id])
    assert await _flags(client, staff) == ("manager", False, False, True)

    promoted = await _post(client, url, f"{url}/role", {"role": "admin"})
    assert promoted.status_code == 303
    assert await _flags(client, staff) == ("admin", True, True, True)  # may now use /admin
    no_producer = await _post(client, url, f"{url}/role", {"role": "cooperative", "producer": ""})
    assert no_producer.status_code == 422 and "A cooperative user needs a producer." in no_producer.text
    assert await _flags(client, staff) == ("admin", True, True, True)  # nothing half-done
    coop = await _post(client, url, f"{url}/role", {"role": "cooperative", "producer": maker.code})
    assert coop.status_code == 303
    assert await _flags(client, staff) == ("cooperative", False, False, True)
    assert await _locations(client, staff) == []


async def test_a_reset_password_ends_the_old_logins(client, session):
    office = await f.user(session, Role.admin)
    shop = await f.location(session)
    staff = await f.user(session, Role.staff, location_codes=[shop.code])
    await session.commit()
    device = await f.bearer(client, staff)
    await _log_in(client, office)
    user_id = await _user_id(client, staff)
    url = f"/office/people/{user_id}"
    short = await _post(client, url, f"{url}/password", {"password": "short"})
    assert short.status_code == 422 and "Use 8 to" in short.text
    done = await _post(client, url, f"{url}/password", {"password": "a-new-secret-9"})
    assert done.status_code == 303
    assert (await client.get("/api/v1/auth/me", headers=device)).status_code == 401
    client.cookies.clear()
    assert (await _log_in(client, staff)).status_code == 401
    assert (await _log_in(client, staff, "a-new-secret-9")).headers["location"] == "/pos/"


async def test_a_deactivated_account_cannot_log_in_and_the_office_cannot_lock_itself_out(client, session):
    office = await f.user(session, Role.admin)
    shop = await f.location(session)
    staff = await f.user(session, Role.staff, location_codes=[shop.code])
    await session.commit()
    await _log_in(client, office)
    ids = {name: await _user_id(client, name) for name in (office, staff)}
    own = f"/office/people/{ids[office]}"
    page = await client.get(own + "?lang=en")
    assert 'id="person-role"' not in page.text and 'id="person-active"' not in page.text
    refused = await _post(client, own, f"{own}/active", {"active": "0"})
    assert refused.status_code == 409 and "You cannot deactivate your own account." in refused.text
    refused = await _post(client, own, f"{own}/role", {"role": "staff", "sales_point": shop.code})
    assert refused.status_code == 409 and "You cannot change your own role." in refused.text

    url = f"/office/people/{ids[staff]}"
    off = await _post(client, url, f"{url}/active", {"active": "0"})
    assert off.status_code == 303
    assert await _flags(client, staff) == ("staff", False, False, False)
    listed = await client.get("/office/people/?q=" + staff)
    assert "Deactivated" in listed.text or "Đã khoá" in listed.text
    client.cookies.clear()
    assert (await _log_in(client, staff)).status_code == 401
    await _log_in(client, office)
    on = await _post(client, url, f"{url}/active", {"active": "1"})
    assert on.status_code == 303 and (await _flags(client, staff))[3] is True


async def test_only_the_office_manages_people(client, session):
    shop = await f.location(session)
    manager = await f.user(session, Role.manager, location_codes=[shop.code])
    await session.commit()
    await _log_in(client, manager)
    assert (await client.get("/office/people/")).status_code == 403
    assert (await client.get("/office/people/new")).status_code == 403


async def test_the_api_manages_people_as_the_page_does(client, session):
    office = await f.user(session, Role.admin)
    shop = await f.location(session, code="SP-API")
    maker = await f.producer(session, code="HTX-API")
    staff = await f.user(session, Role.staff, location_codes=[shop.code])
    await session.commit()
    admin = await f.bearer(client, office)
    assert (await client.get("/api/v1/users", headers=await f.bearer(client, staff))).status_code == 403
    made = await client.post(
        "/api/v1/users",
        json={
            "username": "api.coop",
            "password": "coop-pass-9",
            "role": "cooperative",
            "producer": "HTX-API",
            "full_name": "Đặng Văn Bình",
        },
        headers=admin,
    )
    assert made.status_code == 201, made.text
    person = made.json()
    assert (
        person["producer"] == {"code": maker.code, "name": maker.name}
        and person["full_name"] == "Đặng Văn Bình"
    )
    listed = (await client.get("/api/v1/users", params={"role": "cooperative"}, headers=admin)).json()[
        "items"
    ]
    assert [p["username"] for p in listed] == ["api.coop"]
    staff_id = await _user_id(client, staff)
    moved = await client.put(
        f"/api/v1/users/{staff_id}/role", json={"role": "manager", "sales_points": ["SP-API"]}, headers=admin
    )
    assert moved.status_code == 200 and moved.json()["role"] == "manager"
    assert await _flags(client, staff) == ("manager", False, False, True)
    off = await client.post(f"/api/v1/users/{person['id']}/deactivate", headers=admin)
    assert off.status_code == 200 and off.json()["active"] is False
    own = await client.post(f"/api/v1/users/{await _user_id(client, office)}/deactivate", headers=admin)
    assert own.status_code == 409 and own.json()["code"] == "own_account"
