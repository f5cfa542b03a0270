"""Memory of ``ocop serve`` (the master and its workers) before, during and after a load mix.

    python bench/memory.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``python bench/inventory.py --load``). Starts ``ocop serve
--workers 2`` (with card payments through the tests' local Stripe-compatible server), and
reads the RSS of the master and of each worker from /proc every 0.2 s while wrk drives, at
16 connections, a random listing page of the whole catalog, a random product's page of the
20 000, the filtered listing and the search, then buyers check out (cash on delivery and
card, through the API). Prints each process's RSS at start (up, nothing asked yet), at the end
(after the whole mix) and the peak of the sum, the issue's figure (target ≤ about 280 MiB).
``--rounds`` repeats the mix to show whether the workers keep growing. Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.storefront import PAGES, _all_slugs, _buyers, buyable_products, server_env
from bench.support import (
    free_port,
    need_wrk,
    parser_with_database,
    random_paths_lua,
    rss_mib,
    run_wrk,
    running,
    serve_command,
    wrk_figures,
)
from tests.stripe_server import FakeStripe

LISTING_PAGE_SIZE = 24  # the storefront's page size: page numbers range over the catalog


def _children(pid: int) -> list[int]:
    """The children of ``pid`` (from each of its threads), each once."""
    found: set[int] = set()
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found.update(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    return sorted(found)


def snapshot(master: int) -> dict[str, float]:
    """RSS in MiB of the master and of each process under it (its workers, and the
    resource tracker that multiprocessing started beside the workers uvicorn spawned, when a
    revision before shop.supervisor is measured)."""
    out = {"master": rss_mib(master)}
    stack, seen, visited = _children(master), 0, {master}
    while stack:
        pid = stack.pop(0)
        if pid in visited:
            continue
        visited.add(pid)
        try:
            tracker = b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if not tracker:
            seen += 1
        out["tracker" if tracker else f"worker {seen}"] = rss_mib(pid)
        stack += _children(pid)
    return out


class Watcher(threading.Thread):
    """Samples the processes' RSS until stopped; keeps the peak of the sum."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.master, self.peak = master, 0.0
        self.peak_at: dict[str, float] = {}
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.wait(0.2):
            sample = snapshot(self.master)
            if (total := sum(sample.values())) > self.peak:
                self.peak, self.peak_at = total, sample

    def stop(self) -> None:
        self._done.set()
        self.join()


def _table(rows: dict[str, dict[str, float]]) -> None:
    names = sorted({n for r in rows.values() for n in r}, key=lambda n: (n != "master", n == "tracker", n))
    print(f"{'MiB':<12}" + "".join(f"{n:>12}" for n in names) + f"{'sum':>12}")
    for when, sample in rows.items():
        cells = "".join(f"{sample.get(n, 0.0):>12.0f}" for n in names)
        print(f"{when:<12}{cells}{sum(sample.values()):>12.0f}")


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10, help="per part of the mix")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=1, help="times the whole mix is run")
    args = parser.parse_args()
    need_wrk()
    products, province, commune = asyncio.run(buyable_products(args.database_url, 200))
    slugs = asyncio.run(_all_slugs(args.database_url))
    if len(products) < 10 or len(slugs) < 1000:
        raise SystemExit("load the national data first: python bench/inventory.py --load")
    rng = random.Random(20)
    pages = len(slugs) // LISTING_PAGE_SIZE
    listing = [f"/products?page={rng.randint(1, pages)}" for _ in range(2000)]
    scripts = {
        "listing, random page": random_paths_lua(listing),
        "product, random": random_paths_lua([f"/products/{rng.choice(slugs)}" for _ in range(4000)]),
        **{name: random_paths_lua([path]) for name, path in PAGES.items()},
    }
    stripe = FakeStripe(webhook_url=None).start()
    port = free_port()
    env = server_env(args.database_url, stripe)
    rows: dict[str, dict[str, float]] = {}
    try:
        # a busy machine starts workers slowly
        with running(serve_command(port, args.workers), env, port, up_timeout=300) as (base, master):
            time.sleep(2)  # every worker up, not only the one that answered
            rows["start"] = snapshot(master)
            watcher = Watcher(master)
            watcher.start()
            ids = [pid for pid, _ in products]
            for round_no in range(1, args.rounds + 1):
                for name, script in scripts.items():
                    r = wrk_figures(run_wrk(base, args.seconds, args.connections, lua=script))
                    print(
                        f"round {round_no} {name:<22}{r['rps']:>8.0f} req/s  p99 {r['p99']:>7.1f} ms"
                        f"  non-2xx {r['errors']:.0f}"
                    )
                for method in ("cod", "card"):
                    done, _, refused = asyncio.run(
                        _buyers(base, ids, province, commune, method, args.seconds, args.buyers)
                    )
                    rate = done / args.seconds
                    print(f"round {round_no} checkout {method:<13}{rate:>8.1f} orders/s ({refused} refused)")
                rows[f"after {round_no}" if args.rounds > 1 else "end"] = snapshot(master)
            watcher.stop()
            rows["peak"] = watcher.peak_at
    finally:
        stripe.stop()
    print(f"\nocop serve --workers {args.workers}, RSS from /proc (sum: master and workers)")
    _table(rows)
    print(f"peak sum: {watcher.peak:.0f} MiB (target: ≤ about 280 MiB, django-oscar's)")


if __name__ == "__main__":
    main()
