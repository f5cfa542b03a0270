"""Fuzzing the API against its own OpenAPI document (schemathesis), as an outsider would.

A real ``ocop serve`` on PostgreSQL with the demo data answers schemathesis twice: once
anonymous, once as the office's admin. Each operation gets a few generated requests, valid
and invalid; the checks are that nothing answers a server error and that every answer
(status, content type, body) is one the document declares. The ledger and the schema are
checked afterwards: what the fuzzer wrote went through the same rules as everyone.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import POSTGRES_ENV, demo_database
from tests.live import LiveServer, serving

pytestmark = pytest.mark.skipif(not os.environ.get(POSTGRES_ENV), reason=f"the fuzzer runs on {POSTGRES_ENV}")

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def fuzzed_server(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    for url in demo_database("postgresql", f"ocop_fuzz_{os.getpid()}", sqlite_template, tmp_path_factory):
        with serving(url, tmp_path_factory.mktemp("fuzz-var")) as server:
            yield server


def _schemathesis(server: LiveServer, report: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(BIN / "st"),
        "run",
        f"{server.base_url}/schema/openapi.json",
        f"--checks={CHECKS}",
        "--max-examples=4",
        # Not the "coverage" phase: its over-long strings that must still match a pattern
        # (every text declares the control-character rule) take hypothesis minutes to draw.
        "--phases=examples,fuzzing",
        "--max-time=30",
        "--seed=2026",
        "--request-timeout=20",
        "--no-color",
        "--report=junit",
        f"--report-junit-path={report}",
        *options,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)  # noqa: S603


def _admin_token(server: LiveServer) -> str:
    answer = httpx.post(
        f"{server.base_url}/api/v1/auth/tokens",
        json={"username": "admin", "password": "admin12345", "name": "fuzzer"},
        timeout=10,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _ocop(server: LiveServer, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OCOP_DATABASE_URL": server.database_url}
    return subprocess.run([str(BIN / "ocop"), *args], capture_output=True, text=True, env=env, check=False)  # noqa: S603


def test_fuzzing_finds_no_server_error_and_no_answer_outside_the_document(
    fuzzed_server: LiveServer, tmp_path: Path
) -> None:
    anonymous = _schemathesis(fuzzed_server, tmp_path / "anonymous.xml")
    assert anonymous.returncode == 0, anonymous.stdout[-6000:] + anonymous.stderr[-2000:]
    token = _admin_token(fuzzed_server)
    admin = _schemathesis(
        fuzzed_server,
        tmp_path / "admin.xml",
        f"--header=Authorization: Bearer {token}",
        # The admin may reset, demote or deactivate anyone, itself included: that would end the
        # run's authority halfway (those operations are fuzzed anonymously above).
        *[
            f"--exclude-operation-id={name}"
            for name in ("resetUserPassword", "changeUserRole", "deactivateUser")
        ],
    )
    assert admin.returncode == 0, admin.stdout[-6000:] + admin.stderr[-2000:]
    # The runs tested the operations (not an empty pass) ...
    for run in (anonymous, admin):
        tested = re.search(r"Tested: (\d+)", run.stdout)
        assert tested is not None and int(tested.group(1)) >= 90, run.stdout[-3000:]
    # ... and left the books and the schema as the rules keep them.
    ledger = _ocop(fuzzed_server, "check", "ledger")
    assert ledger.returncode == 0, ledger.stdout + ledger.stderr
    schema = _ocop(fuzzed_server, "db", "check")
    assert schema.returncode == 0, schema.stdout + schema.stderr
