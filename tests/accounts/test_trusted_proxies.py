"""OCOP_TRUSTED_PROXIES: the client's address (which the login limits count by) comes from
X-Forwarded-For only when the connection is from a trusted proxy; by default never."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import uvicorn

from shop import cli
from shop.accounts.models import LoginFailure
from shop.settings import Settings, trusted_proxies
from tests.live import serving

FORGED = "203.0.113.7"


def test_the_setting_reads_addresses_and_networks_and_refuses_a_typo():
    assert trusted_proxies("") == ()
    assert trusted_proxies(" 10.0.0.5, 192.168.0.0/16 ,::1") == ("10.0.0.5", "192.168.0.0/16", "::1")
    with pytest.raises(ValueError, match="OCOP_TRUSTED_PROXIES"):
        trusted_proxies("10.0.0.5, nginx")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", (False, None)), ("127.0.0.1, 10.1.0.0/16", (True, ["127.0.0.1", "10.1.0.0/16"]))],
)
def test_serve_trusts_forwarded_headers_only_from_the_setting(monkeypatch, tmp_path, value, expected):
    seen: dict[str, Any] = {}
    monkeypatch.setenv("OCOP_TRUSTED_PROXIES", value)
    monkeypatch.setattr(cli, "_settings", lambda: Settings.from_env(var_dir=tmp_path))
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    cli.serve.callback(host="127.0.0.1", port=8000, workers=1)  # type: ignore[misc]
    assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == expected


@contextmanager
def _serve(database_url: str, var_dir: Path, proxies: str | None) -> Iterator[str]:
    """``ocop serve`` with OCOP_TRUSTED_PROXIES as given (unset when None), the jobs off."""
    with serving(
        database_url,
        var_dir,
        OCOP_TRUSTED_PROXIES=proxies,
        FORWARDED_ALLOW_IPS=None,  # uvicorn's own variable would bypass the setting
        OCOP_JOBS_INTERVAL="0",
    ) as server:
        yield server.base_url


@pytest.mark.parametrize(("proxies", "seen_as"), [(None, "127.0.0.1"), ("127.0.0.1", FORGED)])
async def test_a_forged_forwarded_address_counts_only_through_a_trusted_proxy(
    database_url, session, tmp_path, proxies, seen_as
):
    with _serve(database_url, tmp_path / "var", proxies) as base:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            answer = await client.post(
                "/api/v1/auth/login",
                json={"username": "someone", "password": "wrong password"},
                headers={"X-Forwarded-For": FORGED},
                timeout=30,
            )
    assert answer.status_code == 401, answer.text
    clients = (await session.scalars(sa.select(LoginFailure.client))).all()
    assert clients == [seen_as]
