"""The ``ocop`` command line against a real database file."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from shop.cli import main
from tests.catalog.test_product_import import GOOD
from tests.conftest import BACKENDS, POSTGRES_ENV, _drop_database, _recreate_database


@pytest.fixture
def cli_env(database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("OCOP_DATABASE_URL", database_url)
    monkeypatch.setenv("OCOP_VAR_DIR", str(tmp_path / "var"))
    return CliRunner()


def test_db_upgrade_is_idempotent_and_check_is_clean(cli_env):
    first = cli_env.invoke(main, ["db", "upgrade"])
    assert first.exit_code == 0, first.output
    assert "added 0 places" in first.output
    check = cli_env.invoke(main, ["db", "check"])
    assert check.exit_code == 0 and "matches" in check.output


def test_users_create_never_prints_the_password(cli_env, monkeypatch):
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    result = cli_env.invoke(
        main, ["users", "create", "--username", "office", "--password", "s3cret-pass", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    assert "s3cret-pass" not in result.output
    again = cli_env.invoke(
        main, ["users", "create", "--username", "office", "--password", "s3cret-pass", "--role", "admin"]
    )
    assert again.exit_code == 2 and "taken" in again.output
    coop = cli_env.invoke(
        main, ["users", "create", "--username", "coop", "--password", "s3cret-pass", "--role", "cooperative"]
    )
    assert coop.exit_code == 2
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    vietnamese = cli_env.invoke(
        main, ["users", "create", "--username", "office", "--password", "s3cret-pass", "--role", "admin"]
    )
    assert "đã được sử dụng" in vietnamese.output


def test_import_products_all_or_nothing(cli_env, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(GOOD, encoding="utf-8")
    result = cli_env.invoke(main, ["import", "products", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(GOOD + "X,Y,HTX,Atlantis,food,3,,9/QĐ,2024-01-01\n", encoding="utf-8")
    result = cli_env.invoke(main, ["import", "products", str(bad)])
    assert result.exit_code == 1
    assert "Atlantis" in result.output and "dòng" in result.output


def test_jobs_run_reports_each_job(cli_env):
    result = cli_env.invoke(main, ["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "certificates expired: 0" in result.output


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A database nobody has run ``ocop db upgrade`` on."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
        return
    admin_url = os.environ.get(POSTGRES_ENV)
    if not admin_url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}")
    name = f"ocop_test_{os.getpid()}_empty"
    asyncio.run(_recreate_database(admin_url, name))
    yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_drop_database(admin_url, name))


def test_a_command_on_a_database_not_yet_upgraded_says_to_upgrade(empty_database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("OCOP_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("OCOP_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    products = tmp_path / "products.csv"
    products.write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "products", str(products)])
    assert result.exit_code == 2, result.output
    assert "run `ocop db upgrade` first" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
