"""Requests lost while ``ocop serve --workers 2`` replaces its workers (SIGHUP, after an upgrade).

    python bench/rolling_restart.py --hangups 30

A fresh SQLite database in a temporary folder; four clients each ask ``/health`` on a new
connection, one after the other, while the server is sent ``--hangups`` hangups ``--every``
seconds apart. Prints the requests made, how many got no answer and the first errors. Before
the worker accepted in its loop's reader callback, 30 hangups lost 2 to 4 requests of about
6 000 (a connection accepted as the worker was told to stop). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import OCOP, free_port, serve_command, wait_until_up

CLIENTS = 4


def _ask(base: str) -> str | None:
    """None when /health answered 200, else what went wrong."""
    try:
        status = httpx.get(f"{base}/health", timeout=10).status_code
    except httpx.HTTPError as failure:
        return repr(failure)
    return None if status == 200 else f"status {status}"


def main() -> None:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--hangups", type=int, default=30)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between two hangups")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "OCOP_DATABASE_URL": f"sqlite+aiosqlite:///{folder}/shop.db",
            "OCOP_VAR_DIR": f"{folder}/var",
            "OCOP_JOBS_INTERVAL": "0",
        }
        env.pop("OCOP_REDIS_URL", None)
        subprocess.run([OCOP, "db", "upgrade"], env=env, check=True, capture_output=True)
        server = subprocess.Popen(serve_command(port, 2), env=env, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        errors: list[str] = []
        asked = [0] * CLIENTS
        stop = threading.Event()

        def client(n: int) -> None:
            while not stop.is_set():
                if (error := _ask(base)) is not None:
                    errors.append(error)
                asked[n] += 1

        try:
            wait_until_up(base)
            threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for _ in range(args.hangups):
                server.send_signal(signal.SIGHUP)
                time.sleep(args.every)
            stop.set()
            for thread in threads:
                thread.join()
        finally:
            stop.set()
            server.terminate()
            server.wait(timeout=60)
    print(f"{args.hangups} hangups, {sum(asked)} requests, {len(errors)} without an answer")
    for error in errors[:3]:
        print(f"  {error}")


if __name__ == "__main__":
    main()
