"""``ocop serve --workers N``: one small parent (``shop.supervisor``) and N workers sharing its
socket (issue 20: keep the supervisor process small).

The server runs for real, on a copy of the test template database: the tests read its
processes from /proc, kill a worker, ask for a rolling restart and stop it as a service
manager would, asking /health all along.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from shop import supervisor
from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent
OCOP = str(Path(sys.executable).parent / "ocop")


class Served:
    def __init__(self, process: subprocess.Popen[bytes], base_url: str, log: Path) -> None:
        self.process, self.base_url, self.log = process, base_url, log

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        return sorted(int(pid) for pid in children.split())

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/health", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False

    def wait_for(self, condition: Callable[[], bool], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if self.process.poll() is not None:
                pytest.fail(f"the server stopped: {self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"not within {seconds} s: {self.log.read_text()[-3000:]}")
            time.sleep(0.2)


@contextmanager
def serve_two(sqlite_template: Path, tmp_path: Path) -> Iterator[Served]:
    database = tmp_path / "shop.db"
    shutil.copyfile(sqlite_template, database)
    port = free_port()
    env = {
        **os.environ,
        "OCOP_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "OCOP_VAR_DIR": str(tmp_path / "var"),
        "OCOP_SECRET_KEY": "supervisor-test",
        "OCOP_JOBS_INTERVAL": "0",
    }
    env.pop("OCOP_REDIS_URL", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [OCOP, "serve", "--port", str(port), "--workers", "2"], env=env, stdout=out, stderr=out
        )
    served = Served(process, f"http://127.0.0.1:{port}", log)
    try:
        served.wait_for(lambda: served.healthy() and len(served.workers()) == 2)
        yield served
    finally:
        if process.poll() is None:
            workers = served.workers()  # before the parent goes: its children are then orphans
            process.kill()
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        process.wait()


def _cmdline(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")


def test_the_parent_is_the_small_supervisor_and_each_worker_serves_its_socket(sqlite_template, tmp_path):
    with serve_two(sqlite_template, tmp_path) as served:
        parent = _cmdline(served.process.pid)
        # ocop serve became it (exec), isolated and without site: the standard library only.
        assert parent[1:4] == ["-I", "-S", str(ROOT / "shop" / "supervisor.py")], parent
        workers = [_cmdline(pid) for pid in served.workers()]
        command = ["-X", "no_debug_ranges", "-m", "shop", "serve"]
        assert all(w[1:6] == command and "--fd" in w for w in workers), workers
        # No third process: multiprocessing's resource tracker (13 MiB) came with spawning.
        assert not any("resource_tracker" in " ".join(w) for w in workers)
        assert "Listening on http://127.0.0.1:" in served.log.read_text()


def test_a_killed_worker_is_replaced_and_the_other_serves_meanwhile(sqlite_template, tmp_path):
    with serve_two(sqlite_template, tmp_path) as served:
        first, second = served.workers()
        os.kill(first, signal.SIGKILL)
        assert served.healthy()  # the other worker answers on the same socket
        served.wait_for(lambda: len(served.workers()) == 2 and first not in served.workers())
        assert second in served.workers()
        served.wait_for(served.healthy)
        assert "died (status -9); starting another" in served.log.read_text()


def test_a_hangup_replaces_the_workers_one_at_a_time_without_a_refused_request(sqlite_template, tmp_path):
    with serve_two(sqlite_template, tmp_path) as served:
        old = set(served.workers())
        served.process.send_signal(signal.SIGHUP)
        answers = []
        deadline = time.monotonic() + 90
        while old & set(served.workers()) or len(served.workers()) != 2:
            answers.append(served.healthy())
            assert time.monotonic() < deadline, served.log.read_text()[-3000:]
        served.wait_for(served.healthy)
        assert answers and all(answers)  # one worker served while the other was replaced


def test_a_termination_stops_every_worker_gracefully_and_ends_with_status_0(sqlite_template, tmp_path):
    with serve_two(sqlite_template, tmp_path) as served:
        workers = served.workers()
        served.process.terminate()
        assert served.process.wait(timeout=60) == 0
        for pid in workers:
            assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
        log = served.log.read_text()
        assert log.count("Application shutdown complete.") == 2  # each ran the app's shutdown
        assert "Stopping parent process" in log


def _listening() -> socket.socket:
    """The supervisor's socket (``_socket``'s, bare), as a ``socket.socket`` to close with ``with``."""
    return socket.socket(fileno=supervisor.bind("127.0.0.1", 0).detach())


@pytest.fixture
def own_signals() -> Iterator[None]:
    """The supervisor run in the test's process takes SIGTERM, SIGINT and SIGHUP: given back."""
    kept = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    yield
    for sig, handler in kept.items():
        signal.signal(sig, handler)


def test_a_worker_that_cannot_start_stops_the_server_with_its_status(own_signals):
    # uvicorn exits with 3 when the app's start-up fails: starting it again would fail again.
    failing = [sys.executable, "-c", "raise SystemExit(3)"]
    with _listening() as sock:
        started = time.monotonic()
        assert supervisor.Supervisor(sock, 2, failing).run() == 3
        assert time.monotonic() - started < 30


def test_a_worker_dying_at_once_stops_the_server_rather_than_restarting_it_forever(own_signals):
    broken = [sys.executable, "-c", "import shop.not_a_module"]  # a broken deployment
    with _listening() as sock:
        assert supervisor.Supervisor(sock, 1, broken).run() == 1


# Workers as the supervisor starts them (``--fd N --ready-fd M`` appended to the command).
READY = "import os, sys, time; os.write(int(sys.argv[-1]), b'1'); time.sleep(120)"
NEVER_READY = "import time; time.sleep(120)"


def test_a_worker_failing_after_it_served_is_replaced(own_signals):
    served_then_failed = "import os, sys; os.write(int(sys.argv[-1]), b'1'); sys.exit(1)"
    with _listening() as sock:
        boss = supervisor.Supervisor(sock, 1, [sys.executable, "-c", served_then_failed])
        (first,) = boss.workers = [boss.start_worker()]
        try:
            first.wait(timeout=30)
            assert boss.replace_dead()  # the server goes on
            assert boss.workers[0].pid != first.pid
        finally:
            boss.stop_all()


def test_a_hangup_keeps_the_workers_when_a_replacement_is_not_ready_in_time(own_signals):
    with _listening() as sock:
        boss = supervisor.Supervisor(sock, 1, [sys.executable, "-c", READY])
        (old,) = boss.workers = [boss.start_worker()]
        try:
            assert boss.said_ready(old, seconds=30)
            boss.command = [sys.executable, "-c", NEVER_READY]  # a broken upgrade, say
            started = time.monotonic()
            boss.replace_all(ready_seconds=1.0)
            assert boss.workers == [old] and old.poll() is None  # still serving
            assert time.monotonic() - started < 30  # the replacement was given up, and killed
            assert len(boss.ready_pipes) == 1
        finally:
            boss.stop_all()


def test_a_termination_during_a_replacement_is_not_kept_waiting(own_signals):
    with _listening() as sock:
        boss = supervisor.Supervisor(sock, 1, [sys.executable, "-c", READY])
        boss.workers = [boss.start_worker()]
        boss.command = [sys.executable, "-c", NEVER_READY]
        boss.signals.append(signal.SIGTERM)  # as the handler queues it, mid-replacement
        started = time.monotonic()
        boss.replace_all()  # would wait a minute for a replacement that never serves
        assert time.monotonic() - started < 30
        assert len(boss.workers) == 1 and boss.workers[0].poll() is None
        boss.stop_all()


def _modules(code: str) -> set[str]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", f"import json, sys; {code}; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return set(json.loads(done.stdout))


def test_the_supervisor_imports_the_standard_library_only():
    added = _modules("import shop.supervisor") - _modules("pass")  # beyond the interpreter's start
    outside = {name for name in added if name.split(".")[0] not in sys.stdlib_module_names}
    assert outside == {"shop", "shop.supervisor"}


def test_the_supervisor_run_without_its_options_says_how_and_stops():
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-I", "-S", str(ROOT / "shop" / "supervisor.py"), "--host", "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "usage: supervisor.py --host HOST --port PORT --workers N" in done.stderr
