"""What the bench scripts share: ``ocop serve`` in a child process, wrk and its figures, the
processes of /proc (CPU, memory), percentiles and the usual options.

Not a script; the scripts import it (``bench.support``) once the repository is on sys.path.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OCOP = str(ROOT / ".venv" / "bin" / "ocop")
SERVER_PYTHON = ROOT / ".venv" / "bin" / "python"  # the Python ``OCOP`` runs on


def interpreter(python: Path) -> str:
    """The interpreter under a virtual environment's ``python``: its version, base prefix and
    ``sys.version`` (which carries the build's date), or "" if it does not start. Builds of one
    version differ by a quarter in speed (tools/pick_python.py)."""
    code = "import sys; print(sys.version.split()[0], sys.base_prefix, sys.version)"
    try:
        done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=False)
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def server_interpreter() -> str:
    """The version and base prefix of the Python the server runs on."""
    return " ".join(interpreter(SERVER_PYTHON).split()[:2])


_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


# --- options ---------------------------------------------------------------------------------


def parser_with_database(doc: str | None) -> argparse.ArgumentParser:
    """The scripts' parser: the module's docstring as help, and ``--database-url``."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default=os.environ.get("OCOP_DATABASE_URL", "sqlite+aiosqlite:///var/bench.db")
    )
    return parser


async def vacuum_analyze(database_url: str) -> None:
    """A PostgreSQL database as one in service is: vacuumed and analysed, as autovacuum would
    within minutes. Where autovacuum is off (as on the machine of these figures), the rows of
    earlier runs leave the planner statistics of an emptier database (bench/oscar/compare.py's
    ``vacuum`` says what that cost). Nothing for SQLite."""
    if not database_url.startswith("postgresql"):
        return
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(database_url, isolation_level="AUTOCOMMIT")  # VACUUM refuses a transaction
    try:
        async with engine.connect() as connection:
            await connection.execute(text("VACUUM ANALYZE"))
    finally:
        await engine.dispose()


def need_wrk(what: str = "") -> None:
    """Stop unless wrk is installed; ``what``: what it is needed for."""
    if not shutil.which("wrk"):
        raise SystemExit(f"wrk is needed{' for ' + what if what else ''}: apt-get install wrk")


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(base: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start")


def serve_command(port: int, workers: int) -> list[str]:
    return [OCOP, "serve", "--port", str(port), "--workers", str(workers)]


@contextmanager
def running(
    command: list[str], env: dict[str, str], port: int, up_timeout: float = 60, stop_timeout: float = 30
) -> Iterator[tuple[str, int]]:
    """``command`` (a server on ``port``) in a child process for the duration; yields its base
    URL and process id once it answers /health. It is stopped by SIGTERM."""
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, up_timeout)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=stop_timeout)


@contextmanager
def serving(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    """``ocop serve`` in a child process for the duration; yields its base URL once it is up."""
    with running(serve_command(port, workers), env, port) as (base, _pid):
        yield base


def load_national(env: dict[str, str]) -> None:
    """Migrate the database of ``env`` and load the national demo data (idempotent)."""
    subprocess.run([OCOP, "db", "upgrade"], env=env, check=True)
    started = time.monotonic()
    subprocess.run([OCOP, "demo", "load", "--scale", "national"], env=env, check=True)
    print(f"national load: {time.monotonic() - started:.1f} s")


# --- a guest's checkout through the pages -----------------------------------------------------

BUYER = {"name": "Nguyễn Văn Bench", "email": "bench@example.com", "phone": "0912345678"}


def form_value(html: str, name: str) -> str:
    """The value of the form field ``name`` in ``html`` (a hidden field: CSRF token, key)."""
    match = re.search(rf'name="{name}"\s+value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"\s+name="{name}"', html
    )
    if match is None:
        raise LookupError(name)
    return match.group(1)


def cash_checkout(form_html: str, province: str, commune: str) -> dict[str, object]:
    """What a guest submits on our checkout form: ``BUYER``, shipped to a street of
    ``commune``, cash on delivery (the form's token and idempotency key read from it)."""
    return {
        "_csrf_token": form_value(form_html, "_csrf_token"),
        "idempotency_key": form_value(form_html, "idempotency_key"),
        **BUYER,
        "delivery": "ship",
        "province_code": province,
        "commune_code": commune,
        "street": "1 Bench St",
        "payment": "cod",
    }


# --- wrk -------------------------------------------------------------------------------------


def millis(text: str) -> float:
    """A wrk latency (``812.00us``, ``3.5ms``, ``1.2s``) in milliseconds."""
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if match is None:
        raise SystemExit(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def run_wrk(
    target: str,
    seconds: int,
    connections: int,
    *options: str,
    lua: str | None = None,
    script_args: Sequence[str] = (),
    threads: int | None = None,
    where: str = "",
) -> str:
    """wrk's output (with its latency distribution) for ``target``; ``options``: more of wrk's,
    ``lua``: a script's text (``script_args`` after ``--``), ``threads``: min(2, connections)
    unless given, ``where``: named if wrk fails."""
    command = [
        *("wrk", f"-t{threads or min(2, connections)}", f"-c{connections}", f"-d{seconds}s"),
        *options,
        "--latency",
    ]
    script = None
    if lua is not None:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua)
        command += ["-s", script.name]
    command.append(target)
    if script_args:
        command += ["--", *script_args]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60)
    finally:
        if script is not None:
            os.unlink(script.name)
    if "Latency Distribution" not in done.stdout:
        raise SystemExit(f"wrk failed{' on ' + where if where else ''}:\n{done.stdout}{done.stderr}")
    return done.stdout


def wrk_figures(out: str) -> dict[str, float]:
    """From wrk's output: req/s, p50 and p99 (ms) and the non-2xx or 3xx count."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = millis(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = millis(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": float(errors.group(1)) if errors else 0.0}


def wrk_count(out: str, pattern: str) -> float:
    """The number ``pattern``'s group finds in wrk's output, 0 if none."""
    found = re.search(pattern, out)
    return float(found.group(1)) if found else 0.0


def wrk(url: str, seconds: int, connections: int, token: str | None = None) -> dict[str, float]:
    """wrk's req/s, p50 and p99 (ms) and non-2xx count; ``token``: a bearer token to send."""
    auth = ["-H", f"Authorization: Bearer {token}"] if token else []
    return wrk_figures(run_wrk(url, seconds, connections, *auth, where=url))


def random_paths_lua(paths: list[str]) -> str:
    """A wrk Lua script asking a random one of ``paths`` on each request."""
    lines = ",\n".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    return f"""
paths = {{
{lines}
}}
math.randomseed(os.time())
request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


def print_wrk_table(label: str, width: int, results: dict[str, dict[str, float]]) -> None:
    """req/s, p50, p99 and non-2xx of each of ``results``, ``label`` heading their names."""
    print(f"{label:<{width}}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, r in results.items():
        print(f"{name:<{width}}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>10.0f}")


def percentile(values: list[float], share: float) -> float:
    """The value at ``share`` (0 to 1) of ``values`` sorted, nearest rank; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- processes (/proc) -----------------------------------------------------------------------


def parents() -> dict[int, int]:
    """Every process's parent, from /proc."""
    found: dict[int, int] = {}
    for pid, fields in _stats():
        found[pid] = int(fields[1])
    return found


def _stats() -> Iterator[tuple[int, list[str]]]:
    """Each process's /proc/PID/stat fields after its name (field 3 on: state, ppid, …)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                yield int(entry), stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue


def server_cpu() -> float:
    """CPU seconds used so far by this process's children (the server and its workers; wrk
    is not running when this is read). On a shared machine the time a request takes
    depends on the neighbours; the CPU the server spends on it much less."""
    ticks = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    used: dict[int, int] = {}
    for pid, fields in _stats():
        parent[pid] = int(fields[1])
        used[pid] = int(fields[11]) + int(fields[12])
    me, total = os.getpid(), 0
    for pid in used:
        p = parent.get(pid)
        while p is not None and p != me and p > 1:
            p = parent.get(p)
        if p == me:
            total += used[pid]
    return total / ticks


def cpu_seconds(pids: Iterable[int], *, ended_children: bool = False) -> float:
    """CPU seconds (user and system) these processes have used so far, 0 for one gone; with
    ``ended_children``, also their children's that have ended (PostgreSQL's backends end with
    their connections, and the server's main process collects their time)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        if ended_children:
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends come and go)."""
    found = []
    for pid, _ in _stats():
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "postgres":
                found.append(pid)
        except OSError:
            continue
    return found


def proc_kib(path: Path, key: str) -> int:
    """The kB figure of the line starting with ``key`` in a /proc file (status, smaps_rollup);
    0 if the process is gone."""
    try:
        for line in path.read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def rss_mib(pid: int) -> float:
    return proc_kib(Path(f"/proc/{pid}/status"), "VmRSS:") / 1024
