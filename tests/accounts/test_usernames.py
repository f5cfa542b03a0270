"""Usernames people use: letters, digits, dots, underscores and hyphens ("nguyen-van-a"),
the same rule for /office/people/, the people API and ``ocop users create`` (issue 15,
item 14); anything else is refused naming the username field."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from shop.accounts.models import Role
from shop.cli import main
from shop.errors import InvalidInput
from tests import factories as f
from tests.accounts.test_people import _log_in, _post
from tests.test_cli_commands import cli_env  # noqa: F401 - the fixture, shared

HYPHENATED = "nguyen-van-a"


@pytest.mark.parametrize("name", [HYPHENATED, "tran_thi.b", "le-2", "Hoa.Nguyen-99"])
async def test_letters_digits_dots_underscores_and_hyphens_are_usernames(session, client, name):
    await f.user(session, Role.admin, username=name)
    await session.commit()
    response = await client.post("/api/v1/auth/login", json={"username": name, "password": "password123"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("name", ["ab", "nguyen van a", "a/b", "---", "x<y>", "a" * 101, "hoa@coop"])
async def test_other_usernames_are_refused_naming_the_field(session, name):
    with pytest.raises(InvalidInput) as refused:
        await f.user(session, Role.admin, username=name)
    assert [e["field"] for e in refused.value.errors] == ["username"]


async def test_the_office_creates_a_hyphenated_account(client, session):
    office = await f.user(session, Role.admin)
    location = await f.location(session, code="NARI")
    await session.commit()
    await _log_in(client, office)
    form = await client.get("/office/people/new?lang=en")
    assert r'pattern="[A-Za-z0-9._\-]+"' in form.text and "hyphens" in form.text
    created = await _post(
        client,
        "/office/people/new",
        "/office/people/new",
        {
            "username": HYPHENATED,
            "full_name": "Nguyễn Văn A",
            "email": "",
            "password": "staff-pass-1",
            "role": "staff",
            "sales_point": location.code,
        },
    )
    assert created.status_code == 303, created.text
    client.cookies.clear()
    assert (await _log_in(client, HYPHENATED, "staff-pass-1")).status_code == 303


def test_ocop_users_create_takes_a_hyphenated_name(cli_env: CliRunner) -> None:  # noqa: F811
    result = cli_env.invoke(
        main, ["users", "create", "--username", HYPHENATED, "--password", "s3cret-pass", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
