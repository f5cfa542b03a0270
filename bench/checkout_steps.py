"""Where a guest checkout's time goes, step by step: CPU and SQL statements per request.

    python bench/checkout_steps.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``python bench/inventory.py --load``). The app runs in this process
(no HTTP server, no worker: httpx calls it through ASGI), and one guest at a time places
``--orders`` orders through the pages as ``bench/storefront.py``'s guests do: the product page,
the buy form, the cart, the checkout form, its POST (cash on delivery), the order's page. For
each step it prints the median and mean CPU of the app per request (time.process_time while
the request is in the app: its Python, SQLAlchemy, asyncpg and Jinja; not PostgreSQL's, nor
the client's), the statements sent to the database, and the mean CPU they cost PostgreSQL
(from /proc, the server otherwise idle). ``--profile FILE`` writes a cProfile
(of CPU time) of the measured orders.

This is the checkout's cost per order without the server or the load generator, to compare
one tree with another (``PYTHONPATH=<worktree>``); ``bench/oscar/compare.py`` gives the
throughput beside the peer.
"""

from __future__ import annotations

import asyncio
import cProfile
import logging
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))
from storefront import buyable_products
from support import (
    cash_checkout,
    cpu_seconds,
    form_value,
    parser_with_database,
    postgres_pids,
    vacuum_analyze,
)

# Runs one request of a step and keeps its figures: (step's name, the request) → its answer.
Step = Callable[[str, Awaitable[httpx.Response]], Awaitable[httpx.Response]]
STEPS = ("product page", "add to cart", "cart", "checkout form", "place order", "order page")


class Profiler:
    """``--profile``: a cProfile of CPU time (not the wall clock: waiting on PostgreSQL is not
    the app's cost) of the measured orders, paused while the bench reads /proc (reading every
    process's stat file for PostgreSQL's CPU was two fifths of its samples). Does nothing
    without a file to write."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        self.profile = cProfile.Profile(time.process_time) if path else None
        self.running = False

    def start(self) -> None:
        if self.profile:
            self.profile.enable()
            self.running = True

    def outside(self, read: Callable[[], float]) -> float:
        """``read()``, not profiled."""
        if not (self.profile and self.running):
            return read()
        self.profile.disable()
        try:
            return read()
        finally:
            self.profile.enable()

    def save(self) -> None:
        if self.profile and self.path:
            self.profile.disable()
            self.profile.dump_stats(self.path)


class Timed:
    """The app, the CPU it uses counted (this process's, while a request is in it: the app's
    Python, SQLAlchemy, asyncpg and the event loop; not the client's, which is httpx's)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cpu = 0.0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        started = time.process_time()
        try:
            await self.app(scope, receive, send)
        finally:
            self.cpu += time.process_time() - started


class Counter:
    """Statements sent on the app's engine."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._one)

    def _one(self, *_: object) -> None:
        self.count += 1


async def _order(
    client: httpx.AsyncClient, product: tuple[int, str], province: str, commune: str, step: Step
) -> bool:
    pid, slug = product
    page = await step("product page", client.get(f"/products/{slug}"))
    if 'action="/cart/lines"' not in page.text:
        return False
    added = await step(
        "add to cart",
        client.post(
            "/cart/lines",
            data={"product_id": pid, "quantity": 1, "_csrf_token": form_value(page.text, "_csrf_token")},
        ),
    )
    if added.status_code != 303:
        return False
    await step("cart", client.get("/cart"))
    form = await step("checkout form", client.get("/checkout"))
    placed = await step(
        "place order", client.post("/checkout", data=cash_checkout(form.text, province, commune))
    )
    if placed.status_code != 303:
        raise SystemExit(f"checkout answered {placed.status_code}: {placed.text[:500]}")
    shown = await step("order page", client.get(placed.headers["location"]))
    return shown.status_code == 200


async def run(url: str, orders: int, warmup: int, profile: str | None) -> None:
    from shop.app import create_app
    from shop.settings import Settings

    products, province, commune = await buyable_products(url, orders + warmup)
    # No scheduler: past a minute it would regenerate the 20 000 products' shopping feeds in
    # this process, and their CPU would be counted as the orders'.
    app = create_app(Settings.from_env(database_url=url, jobs_interval=0))
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line a request is not the app's cost
    async with app.lifespan():
        counter = Counter(app.state.db.engine.sync_engine)
        cpu: dict[str, list[float]] = defaultdict(list)
        statements: dict[str, list[int]] = defaultdict(list)
        postgres: dict[str, list[float]] = defaultdict(list)
        measuring = False

        timed = Timed(app)

        profiler = Profiler(profile)

        async def step(name: str, call: Awaitable[httpx.Response]) -> httpx.Response:
            before, sent, pg_before = timed.cpu, counter.count, profiler.outside(_postgres_cpu)
            answer = await call
            if measuring:
                cpu[name].append((timed.cpu - before) * 1000)
                statements[name].append(counter.count - sent)
                postgres[name].append((profiler.outside(_postgres_cpu) - pg_before) * 1000)
            return answer

        transport = httpx.ASGITransport(app=timed)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
            for n, product in enumerate(products):
                if n == warmup:
                    measuring = True
                    profiler.start()
                client.cookies.clear()
                await _order(client, product, province, commune, step)
        profiler.save()
    print(f"{len(cpu['place order'])} orders, one guest at a time, the app in this process")
    print(f"{'step':<15} {'CPU p50 ms':>10} {'mean ms':>8} {'statements':>10} {'PostgreSQL ms':>14}")
    total_cpu = total_statements = total_pg = 0.0
    for name in STEPS:
        mean, pg = statistics.fmean(cpu[name]), statistics.fmean(postgres[name])
        count = statistics.fmean(statements[name])
        total_cpu, total_statements, total_pg = total_cpu + mean, total_statements + count, total_pg + pg
        print(f"{name:<15} {statistics.median(cpu[name]):>10.2f} {mean:>8.2f} {count:>10.1f} {pg:>14.2f}")
    print(f"{'whole order':<15} {'':>10} {total_cpu:>8.2f} {total_statements:>10.1f} {total_pg:>14.2f}")


def _postgres_cpu() -> float:
    """PostgreSQL's CPU seconds so far: the server is otherwise idle while a step runs, so
    the difference is the step's (read in clock ticks: meaningful as a mean over many)."""
    return cpu_seconds(postgres_pids(), ended_children=True)


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--profile", help="write a cProfile of the measured orders to this file")
    args = parser.parse_args()
    asyncio.run(vacuum_analyze(args.database_url))
    asyncio.run(run(args.database_url, args.orders, args.warmup, args.profile))


if __name__ == "__main__":
    main()
