"""Catalog API throughput and latency with wrk, next to /health on the same server.

    python bench/catalog.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench --load

``--load`` migrates the database and loads national-scale data first (idempotent). The server
runs as ``ocop serve`` in a child process; wrk (Debian package ``wrk``) drives it on loopback.
Prints req/s, p50 and p99 per URL and the catalog/health throughput ratio. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
OCOP = str(ROOT / ".venv" / "bin" / "ocop")
TARGETS = {
    "health": "/health",
    "first page": "/api/v1/products",
    "filtered": "/api/v1/products?province=" + quote("Hà Giang") + "&min_stars=4&sort=-price",
    "search": "/api/v1/products?q=" + quote("mật ong"),
}
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _millis(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if match is None:
        raise SystemExit(f"cannot read wrk latency {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


def wrk(url: str, seconds: int, connections: int, token: str | None = None) -> dict[str, float]:
    """wrk's req/s, p50 and p99 (ms) and non-2xx count; ``token``: a bearer token to send."""
    auth = ["-H", f"Authorization: Bearer {token}"] if token else []
    completed = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", *auth, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
    )
    out = completed.stdout
    if "Latency Distribution" not in out:
        raise SystemExit(f"wrk failed on {url}:\n{out}{completed.stderr}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _millis(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _millis(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "errors": float(errors.group(1)) if errors else 0.0}


@contextmanager
def serving(env: dict[str, str], port: int, workers: int) -> Iterator[str]:
    """``ocop serve`` in a child process for the duration; yields its base URL once it is up."""
    server = subprocess.Popen(
        [OCOP, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("OCOP_DATABASE_URL", "sqlite+aiosqlite:///var/bench.db")
    )
    parser.add_argument("--load", action="store_true", help="migrate and load national data first")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    env = {**os.environ, "OCOP_DATABASE_URL": args.database_url}
    if args.load:
        subprocess.run([OCOP, "db", "upgrade"], env=env, check=True)
        started = time.monotonic()
        subprocess.run([OCOP, "demo", "load", "--scale", "national"], env=env, check=True)
        print(f"national load: {time.monotonic() - started:.1f} s")
    with serving(env, args.port, args.workers) as base:
        for path in TARGETS.values():  # warm caches and connection pools
            wrk(base + path, 2, args.connections)
        results = {name: wrk(base + path, args.seconds, args.connections) for name, path in TARGETS.items()}
    db = args.database_url.split(":", 1)[0]
    print(f"\n{db}, {args.workers} worker(s), {args.connections} connections, {args.seconds} s per URL")
    print(f"{'url':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, r in results.items():
        print(f"{name:<12}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>10.0f}")
    health = results["health"]["rps"]
    for name in ("first page", "filtered", "search"):
        print(f"{name} / health throughput: {results[name]['rps'] / health:.2f}")


if __name__ == "__main__":
    main()
