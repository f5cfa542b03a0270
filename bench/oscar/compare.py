"""Our shop side by side with django-oscar 4.2.1 on the same catalog (issue 20's targets).

    .venv/bin/python bench/oscar/compare.py

Prepares both (idempotent): our database (``--database``, default ``ocop_bench_peer``) is
migrated and given the national demo data (20 000 products); oscar is installed from PyPI into
``var/bench-oscar/venv`` with the same catalog copied in (``bench/oscar/install.py``); both
databases are then vacuumed and analysed, as autovacuum leaves a database in service (again
before each run, ``--skip-prepare`` or not). Starts
both with 2 workers (``ocop serve --workers 2``; gunicorn with 2 gthread workers of 4 threads,
``--oscar-worker-class sync`` for sync workers) and runs interleaved rounds, ours then
oscar's for each measurement:

- a random product's page (wrk with a Lua script choosing among every product's URL),
  req/s, p50 and p99 at 16 connections;
- a random page of the whole catalog's list, the same;
- guest checkout through the pages by ``--buyers`` concurrent buyers (aiohttp's client, whose
  parser is C: httpx's cost about 10 ms of CPU an order on the same two cores as the servers),
  each order from a fresh visitor: the product page, add to cart, the checkout form(s), place
  the order (cash on delivery for ours; oscar's default flow, which takes no payment),
  following every redirect to the page the buyer lands on; orders/s and the whole order's
  p50 and p99, and the CPU an order cost the server (its master and workers) and PostgreSQL
  (from /proc): on two cores shared by the servers, the database and the buyers, orders/s
  says how the cores were shared as much as what an order costs; the CPU says the latter.
  Also printed: how the buyers' connections were shared between the workers halfway through
  (each buyer keeps one keep-alive connection, with the worker that accepted it, for the whole
  round: 8/0 left one worker doing every order, our orders/s a fifth lower, before shop.worker).

Then once, the oversell check: ``--race-buyers`` buyers (16) race for one product with little
stock (ours: the sellable product whose producer holds the fewest free units, at least 5, as
the shop sells online only what the producer holds; oscar: the same product given the same
units), each buying one unit until refused three times; orders placed must not exceed the
units, and the stock left is read from each database.

The memory of each server (RSS summed over the master and its workers, from /proc) is read at
the start, sampled every half second for the peak, and read at the end with PSS (shared pages
counted once). Prints our figures, oscar's and the ratios; writes everything to
``var/bench-oscar/results.json``. Nothing is asserted. The orders made stay in both databases.
"""

# ruff: noqa: S608 - the SQL here is built from constants, integers and the databases named on the command line

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))  # bench.support, with our venv's python
sys.path.insert(0, str(HERE))
import install  # noqa: E402 - beside this file

from bench.support import (  # noqa: E402 - the repository is on sys.path now
    BUYER,
    OCOP,
    cash_checkout,
    cpu_seconds,
    form_value,
    free_port,
    need_wrk,
    parents,
    percentile,
    postgres_pids,
    proc_kib,
    run_wrk,
    server_interpreter,
    vacuum_analyze,
    wrk_count,
    wrk_figures,
)

ROOT = install.ROOT
VAR = install.VAR
PAGE_SIZE = 24  # both lists: ours (shop.storefront.catalog_pages) and oscar's (settings)
LUA = """
local paths = {}
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() * 1000 + id)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
"""


# --- data -------------------------------------------------------------------------------------


def psql(database: str, sql: str) -> list[list[str]]:
    out = subprocess.run(
        [
            "psql",
            "-h",
            install.PG["host"],
            "-p",
            install.PG["port"],
            "-U",
            install.PG["user"],
            "-d",
            database,
            "-AtF",
            "\t",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line.split("\t") for line in out.splitlines() if line]


SELLABLE = (
    "p.is_active and p.stars >= 3 and p.certified_from <= current_date and p.certified_until >= current_date"
)
NOT_EXPIRED = "(b.expires_on is null or b.expires_on >= current_date)"


@dataclass
class Catalog:
    """What both sides' clients need, matched product by product (our id → oscar's id)."""

    ours_products: list[str]  # paths of every sellable product's page
    oscar_products: list[str]
    ours_pages: int
    oscar_pages: int
    buy: list[tuple[int, str, int]]  # (our id, slug, oscar id) with plenty of stock
    province: str
    commune: str
    oscar_ids: dict[int, int] = field(default_factory=dict)


def catalog(ours: str, oscar: str) -> Catalog:
    rows = psql(ours, f"select p.id, p.slug from product p where {SELLABLE} order by p.id")
    oscar_ids = {
        int(upc.removeprefix("ocop-")): int(pk)
        for upc, pk in psql(oscar, "select upc, id from catalogue_product where is_public")
    }
    slugs = {int(pid): slug for pid, slug in rows}
    shared = [pid for pid in slugs if pid in oscar_ids]
    plenty = psql(
        ours,
        "select p.id from product p join stock_level sl on sl.product_id = p.id "
        "join location l on l.id = sl.location_id join batch b on b.id = sl.batch_id "
        f"where l.kind = 'producer' and l.producer_id = p.producer_id and {SELLABLE} and {NOT_EXPIRED} "
        "group by p.id, sl.location_id having sum(sl.on_hand - sl.reserved) > 50 order by p.id limit 200",
    )
    buy = [(int(r[0]), slugs[int(r[0])], oscar_ids[int(r[0])]) for r in plenty if int(r[0]) in oscar_ids]
    ((province, province_id),) = psql(
        ours, "select code, id from place where era = 'current' and level = 'province' order by id limit 1"
    )
    ((commune,),) = psql(
        ours,
        f"select code from place where province_id = {int(province_id)} and level = 'commune' "
        "order by id limit 1",
    )
    return Catalog(
        ours_products=[f"/products/{slugs[pid]}" for pid in shared],
        oscar_products=[f"/catalogue/{slugs[pid]}_{oscar_ids[pid]}/" for pid in shared],
        ours_pages=math.ceil(len(rows) / PAGE_SIZE),
        oscar_pages=math.ceil(len(oscar_ids) / PAGE_SIZE),
        buy=buy,
        province=province,
        commune=commune,
        oscar_ids=oscar_ids,
    )


# --- servers and their memory ----------------------------------------------------------------


def tree_of(pid: int) -> list[int]:
    tree: dict[int, list[int]] = {}
    for child, parent in parents().items():
        tree.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += tree.get(p, [])
    return found


def memory(pid: int, pss: bool = False) -> dict[str, float]:
    """MiB of the master and every process under it: RSS summed (and PSS summed if asked)."""
    pids = tree_of(pid)
    out = {
        "processes": float(len(pids)),
        "rss": sum(proc_kib(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids) / 1024,
    }
    if pss:
        out["pss"] = sum(proc_kib(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids) / 1024
    return out


def connections_by_process(pids: list[int], port: int) -> list[int]:
    """How many established TCP connections to ``port`` each of ``pids`` holds, most first (the
    workers' share of the buyers' keep-alive connections; the process that accepted one keeps
    it for as long as the client does)."""
    established: set[str] = set()  # socket inodes
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as rows:
            for row in list(rows)[1:]:
                fields = row.split()
                local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
                if local_port == port and state == "01":
                    established.add(inode)
    counts = []
    for pid in pids:
        held = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    held += link.startswith("socket:[") and link[8:-1] in established
        counts.append(held)
    return sorted((n for n in counts if n), reverse=True)


class Server:
    """A server in a child process (its own process group), its memory watched until stopped."""

    def __init__(
        self, name: str, command: list[str], env: dict[str, str], port: int, cwd: Path | None = None
    ) -> None:
        self.name, self.base, self.port = name, f"http://127.0.0.1:{port}", port
        self.log = open(VAR / f"{name}-server.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.peak, self._stop = 0.0, threading.Event()
        self._watch = threading.Thread(target=self._sample, daemon=True)

    def wait_until_up(self, path: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} server exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=30) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        time.sleep(1)  # let every worker finish booting
                        self._watch.start()
                        return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"{self.name} server did not start; see {self.log.name}")

    def memory(self, pss: bool = False) -> dict[str, float]:
        return memory(self.process.pid, pss)

    def connections(self) -> list[int]:
        """The established connections each of its processes holds, most first."""
        return connections_by_process(tree_of(self.process.pid), self.port)

    def cpu(self) -> float:
        """CPU seconds used so far by the master and its workers."""
        return cpu_seconds(tree_of(self.process.pid))

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            self.peak = max(self.peak, self.memory()["rss"])

    def stop(self) -> None:
        self._stop.set()
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- load: wrk for pages, aiohttp buyers for checkout ---------------------------------------


def wrk_random(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    """wrk requesting a random one of ``paths`` each time: req/s, p50, p99 (ms), non-2xx/3xx."""
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "paths.txt"
        listing.write_text("\n".join(paths) + "\n")
        out = run_wrk(
            base + "/",
            seconds,
            connections,
            "--timeout",
            "30s",
            lua=LUA,
            script_args=[str(listing)],
            where=base,
        )
    return {**wrk_figures(out), "timeouts": wrk_count(out, r"Socket errors:.*timeout (\d+)")}


@dataclass
class Page:
    """What a buyer's request ended on, after following every redirect."""

    status_code: int
    path: str
    text: str

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise BadStatus(f"{self.status_code} at {self.path}")


class BadStatus(Exception):
    pass


class Visitor:
    """One browser: its cookies (forgotten between orders), following redirects."""

    def __init__(self, base: str) -> None:
        self._http = aiohttp.ClientSession(
            base_url=base,
            timeout=aiohttp.ClientTimeout(total=60),
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies from 127.0.0.1 (an IP address)
        )

    async def get(self, path: str) -> Page:
        async with self._http.get(path) as answer:
            return Page(answer.status, answer.url.path, await answer.text())

    async def post(self, path: str, data: dict[str, object]) -> Page:
        form = {name: str(value) for name, value in data.items()}
        async with self._http.post(path, data=form) as answer:
            return Page(answer.status, answer.url.path, await answer.text())

    def forget(self) -> None:
        self._http.cookie_jar.clear()

    async def close(self) -> None:
        await self._http.close()


# A buyer's order: True when placed, False when refused (stock); raises on anything else.
Order = Callable[[Visitor, tuple[int, str, int]], Awaitable[bool]]


def ours_order(province: str, commune: str) -> Order:
    async def order(client: Visitor, product: tuple[int, str, int]) -> bool:
        pid, slug, _ = product
        page = await client.get(f"/products/{slug}")
        page.raise_for_status()
        if 'action="/cart/lines"' not in page.text:
            return False  # sold out online: no buy button
        added = await client.post(
            "/cart/lines",
            data={"product_id": pid, "quantity": 1, "_csrf_token": form_value(page.text, "_csrf_token")},
        )
        if added.status_code in (409, 422) or added.path != "/cart":
            return False
        form = await client.get("/checkout")
        if form.path != "/checkout":
            return False
        placed = await client.post("/checkout", data=cash_checkout(form.text, province, commune))
        if placed.status_code in (409, 422):
            return False
        placed.raise_for_status()
        return placed.path.startswith("/orders/")

    return order


async def oscar_order(client: Visitor, product: tuple[int, str, int]) -> bool:
    _, slug, pk = product
    page = await client.get(f"/catalogue/{slug}_{pk}/")
    page.raise_for_status()
    if f"/basket/add/{pk}/" not in page.text:
        return False  # unavailable: no add-to-basket form
    token = form_value(page.text, "csrfmiddlewaretoken")
    added = await client.post(f"/basket/add/{pk}/", data={"csrfmiddlewaretoken": token, "quantity": 1})
    added.raise_for_status()
    gateway = await client.get("/checkout/")
    if gateway.path != "/checkout/":
        return False  # back to the basket: nothing was added (out of stock)
    address = await client.post(
        "/checkout/",
        data={
            "csrfmiddlewaretoken": form_value(gateway.text, "csrfmiddlewaretoken"),
            "username": BUYER["email"],
            "options": "anonymous",
        },
    )
    if address.path != "/checkout/shipping-address/":
        return False
    payment = await client.post(
        "/checkout/shipping-address/",
        data={
            "csrfmiddlewaretoken": form_value(address.text, "csrfmiddlewaretoken"),
            "first_name": "Văn Bench",
            "last_name": "Nguyễn",
            "line1": "1 Bench St",
            "line4": "Hà Nội",
            "postcode": "100000",
            "country": "VN",
            "phone_number": "",
        },
    )
    if payment.path != "/checkout/payment-details/":
        return False
    preview = await client.get("/checkout/preview/")
    if preview.path != "/checkout/preview/":
        return False
    placed = await client.post(
        "/checkout/preview/",
        data={
            "csrfmiddlewaretoken": form_value(preview.text, "csrfmiddlewaretoken"),
            "action": "place_order",
        },
    )
    placed.raise_for_status()
    return placed.path == "/checkout/thank-you/"


@dataclass
class Buying:
    placed: int = 0
    refused: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


async def _buyers(
    base: str,
    order: Order,
    products: list[tuple[int, str, int]],
    buyers: int,
    seconds: float,
    give_up_after: int | None = None,
) -> Buying:
    """``buyers`` concurrent guests for ``seconds``, a new visitor (no cookies) for each order.
    With ``give_up_after``, a buyer stops after that many refusals (or failures) in a row."""
    result = Buying()
    deadline = time.monotonic() + seconds

    async def buyer(n: int) -> None:
        refusals, i = 0, n
        client = Visitor(base)
        try:
            while time.monotonic() < deadline:
                client.forget()
                product = products[i % len(products)]
                i += buyers
                started = time.perf_counter()
                placed: bool | None
                try:
                    placed = await order(client, product)
                except (aiohttp.ClientError, TimeoutError, BadStatus, LookupError) as error:
                    result.failed += 1
                    if len(result.failures) < 5:
                        result.failures.append(f"{type(error).__name__}: {error}"[:300])
                    placed = None
                if placed:
                    result.placed += 1
                    result.latencies.append((time.perf_counter() - started) * 1000)
                    refusals = 0
                else:
                    result.refused += placed is False
                    refusals += 1
                    if give_up_after and refusals >= give_up_after:
                        return
        finally:
            await client.close()

    await asyncio.gather(*(buyer(n) for n in range(buyers)))
    return result


def checkout_run(
    server: Server, order: Order, products: list[tuple[int, str, int]], buyers: int, seconds: int
) -> dict[str, Any]:
    """Orders placed by ``buyers`` for ``seconds``, and the CPU they cost: the server's (its
    master and workers) and PostgreSQL's, per order placed. The CPU does not depend on how
    the two cores are shared with the load generator and the database; orders/s does."""
    app_cpu, pg_cpu = server.cpu(), cpu_seconds(postgres_pids(), ended_children=True)
    # Halfway through, how the buyers' connections are shared between the workers: each buyer
    # keeps one connection, with the worker that accepted it, for the whole run.
    split: list[int] = []
    halfway = threading.Timer(seconds / 2, lambda: split.extend(server.connections()))
    halfway.start()
    started = time.monotonic()
    try:
        done = asyncio.run(_buyers(server.base, order, products, buyers, seconds))
    finally:
        halfway.cancel()
    elapsed = time.monotonic() - started
    app_cpu = server.cpu() - app_cpu
    pg_cpu = cpu_seconds(postgres_pids(), ended_children=True) - pg_cpu
    placed = max(done.placed, 1)
    return {
        "orders_per_s": done.placed / elapsed,
        "orders": done.placed,
        "server_cpu_ms": app_cpu * 1000 / placed,
        "postgres_cpu_ms": pg_cpu * 1000 / placed,
        "p50": _pct(done.latencies, 50),
        "p99": _pct(done.latencies, 99),
        "refused": done.refused,
        "failed": done.failed,
        "failures": done.failures,
        "connections_per_worker": split,
    }


def _pct(values: list[float], p: float) -> float:
    return percentile(values, p / 100)


# --- the oversell check ----------------------------------------------------------------------


def _ours_free(database: str, pid: int) -> tuple[int, int]:
    """(free units, the lowest free of any stock level) of our product, in batches not expired."""
    ((free, lowest),) = psql(
        database,
        "select coalesce(sum(sl.on_hand - sl.reserved), 0), coalesce(min(sl.on_hand - sl.reserved), 0) "
        "from stock_level sl join batch b on b.id = sl.batch_id "
        f"where sl.product_id = {pid} and {NOT_EXPIRED}",
    )
    return int(free), int(lowest)


def oversell(args: argparse.Namespace, cat: Catalog, ours: Server, oscar: Server) -> dict[str, Any]:
    rows = psql(
        args.database,
        "select p.id, p.slug, sum(sl.on_hand - sl.reserved) from product p "
        "join stock_level sl on sl.product_id = p.id join batch b on b.id = sl.batch_id "
        "join location l on l.id = sl.location_id "
        f"where l.kind = 'producer' and l.producer_id = p.producer_id and {SELLABLE} and {NOT_EXPIRED} "
        "group by p.id, p.slug having sum(sl.on_hand - sl.reserved) >= 5 order by 3, p.id limit 1",
    )
    # What the shop sells online is what the producer holds (sales points sell over the counter).
    pid, slug, units = int(rows[0][0]), rows[0][1], int(rows[0][2])
    free_before, _ = _ours_free(args.database, pid)
    pk = cat.oscar_ids[pid]
    psql(
        args.oscar_database,
        f"update partner_stockrecord set num_in_stock = {units}, num_allocated = 0 where product_id = {pk}",
    )
    sold_before = int(
        psql(
            args.oscar_database, f"select coalesce(sum(quantity), 0) from order_line where product_id = {pk}"
        )[0][0]
    )
    product = [(pid, slug, pk)]
    out: dict[str, Any] = {"product": slug, "units": units, "buyers": args.race_buyers}
    for name, server, order in (
        ("ours", ours, ours_order(cat.province, cat.commune)),
        ("oscar", oscar, oscar_order),
    ):
        done = asyncio.run(_buyers(server.base, order, product, args.race_buyers, 120, give_up_after=3))
        if name == "ours":
            free, lowest = _ours_free(args.database, pid)
            sold = free_before - free
            left = {"free_after": free, "lowest_level_free": lowest}
        else:
            ((in_stock, allocated),) = psql(
                args.oscar_database,
                f"select num_in_stock, num_allocated from partner_stockrecord where product_id = {pk}",
            )
            sold = (
                int(
                    psql(
                        args.oscar_database,
                        f"select coalesce(sum(quantity), 0) from order_line where product_id = {pk}",
                    )[0][0]
                )
                - sold_before
            )
            left = {"num_in_stock": int(in_stock), "num_allocated": int(allocated)}
        out[name] = {
            "orders_placed": done.placed,
            "units_sold": sold,
            "refused": done.refused,
            "failed": done.failed,
            "oversold": max(0, done.placed - units, sold - units),
            **left,
            "failures": done.failures,
        }
    return out


# --- the run ---------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    env = {**os.environ, "OCOP_DATABASE_URL": _ours_url(args.database)}
    if not psql("postgres", f"select 1 from pg_database where datname = '{args.database}'"):
        psql("postgres", f'create database "{args.database}"')
    subprocess.run([OCOP, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([OCOP, "demo", "load", "--scale", "national"], env=env, check=True)
    install.install(args.oscar_database, source=args.database)
    vacuum(args)


def vacuum(args: argparse.Namespace) -> None:
    """Both as a database in service is (``vacuum_analyze``): index-only scans find the
    visibility map set and the planner has statistics. Before every run too: the orders of the
    runs before grow the tables, and where autovacuum is off (as on the machine these figures
    come from), statistics read when a cart had one line of 500 made the planner scan every
    product for each order placed (our PostgreSQL CPU per order went from 5 to 9 ms after
    68 000 orders)."""
    for database in (args.database, args.oscar_database):
        asyncio.run(vacuum_analyze(_ours_url(database)))  # oscar's database: the same server


def _ours_url(database: str) -> str:
    pg = install.PG
    return f"postgresql+asyncpg://{pg['user']}@{pg['host']}:{pg['port']}/{database}"


def start(args: argparse.Namespace) -> tuple[Server, Server]:
    # The catalogs compiled, as a deployment has them (make run, the Containerfile).
    subprocess.run([sys.executable, "-m", "shop.i18n_tools", "compile"], cwd=ROOT, check=True)
    ours_port = free_port()
    ours = Server(
        "ours",
        [OCOP, "serve", "--port", str(ours_port), "--workers", str(args.workers)],
        {**os.environ, "OCOP_DATABASE_URL": _ours_url(args.database), "OCOP_JOBS_INTERVAL": "0"},
        ours_port,
    )
    oscar_port = free_port()
    threads = ["--threads", str(args.oscar_threads)] if args.oscar_worker_class == "gthread" else []
    oscar = Server(
        "oscar",
        [
            str(install.VENV / "bin" / "gunicorn"),
            "oscar_site.wsgi:application",
            "-b",
            f"127.0.0.1:{oscar_port}",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.oscar_worker_class,
            *threads,
            "--timeout",
            "120",
            "--no-control-socket",
        ],
        install.oscar_env(args.oscar_database),
        oscar_port,
        cwd=HERE,
    )
    ours.wait_until_up("/health")
    oscar.wait_until_up("/catalogue/?page=1")
    return ours, oscar


MEASURES = ("product page", "listing page", "checkout")


def run(args: argparse.Namespace) -> dict[str, Any]:
    cat = catalog(args.database, args.oscar_database)
    print(
        f"catalog: {len(cat.ours_products)} products matched, "
        f"{cat.ours_pages} / {cat.oscar_pages} list pages, "
        f"{len(cat.buy)} products to buy"
    )
    ours, oscar = start(args)
    try:
        results: dict[str, Any] = {"memory": {}}
        for name, server in (("ours", ours), ("oscar", oscar)):
            results["memory"][name] = {"start": server.memory(pss=True)}
        paths = {
            "ours": {
                "product page": cat.ours_products,
                "listing page": [f"/products?page={n}" for n in range(1, cat.ours_pages + 1)],
            },
            "oscar": {
                "product page": cat.oscar_products,
                "listing page": [f"/catalogue/?page={n}" for n in range(1, cat.oscar_pages + 1)],
            },
        }
        orders = {"ours": ours_order(cat.province, cat.commune), "oscar": oscar_order}
        servers = {"ours": ours, "oscar": oscar}
        print("warming up both (templates, pools, caches)…")
        for side, server in servers.items():
            for measure in ("product page", "listing page"):
                wrk_random(server.base, paths[side][measure], args.warmup, args.connections)
            checkout_run(server, orders[side], cat.buy, 2, args.warmup)
        rounds: list[dict[str, dict[str, Any]]] = []
        for n in range(1, args.rounds + 1):
            this: dict[str, dict[str, Any]] = {m: {} for m in MEASURES}
            for measure in MEASURES:
                for side, server in servers.items():
                    if measure == "checkout":
                        figures = checkout_run(server, orders[side], cat.buy, args.buyers, args.seconds)
                    else:
                        figures = wrk_random(
                            server.base, paths[side][measure], args.seconds, args.connections
                        )
                    this[measure][side] = figures
                    print(f"round {n} {measure:<13} {side:<6} " + _brief(figures), flush=True)
            rounds.append(this)
        results["rounds"] = rounds
        print("oversell check…", flush=True)
        results["oversell"] = oversell(args, cat, ours, oscar)
        for name, server in servers.items():
            results["memory"][name]["end"] = server.memory(pss=True)
            results["memory"][name]["peak_rss"] = max(server.peak, results["memory"][name]["end"]["rss"])
    finally:
        ours.stop()
        oscar.stop()
    results["medians"] = medians(results["rounds"])
    return results


def _brief(figures: dict[str, Any]) -> str:
    if "orders_per_s" in figures:
        text = (
            f"{figures['orders_per_s']:7.1f} orders/s  "
            f"p50 {figures['p50']:7.1f}  p99 {figures['p99']:7.1f} ms  CPU/order: "
            f"server {figures['server_cpu_ms']:.1f} ms, PostgreSQL {figures['postgres_cpu_ms']:.1f} ms"
        )
        if split := figures.get("connections_per_worker"):
            text += "  connections " + "/".join(map(str, split))
        extra = (
            f"  refused {figures['refused']} failed {figures['failed']}"
            if figures["refused"] or figures["failed"]
            else ""
        )
        return text + extra + (f"  {figures['failures'][0]}" if figures["failures"] else "")
    text = f"{figures['rps']:7.1f} req/s     p50 {figures['p50']:7.1f}  p99 {figures['p99']:7.1f} ms"
    text += f"  non-2xx {figures['errors']:.0f}" if figures["errors"] else ""
    return text + (f"  timeouts {figures['timeouts']:.0f}" if figures["timeouts"] else "")


def medians(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, dict[str, dict[str, float]]]:
    keys = {
        "product page": ("rps", "p50", "p99"),
        "listing page": ("rps", "p50", "p99"),
        "checkout": ("orders_per_s", "p50", "p99", "server_cpu_ms", "postgres_cpu_ms"),
    }
    return {
        m: {
            side: {k: statistics.median(r[m][side][k] for r in rounds) for k in keys[m]}
            for side in ("ours", "oscar")
        }
        for m in MEASURES
    }


def report(results: dict[str, Any], args: argparse.Namespace) -> None:
    med = results["medians"]
    print(
        f"\nmedians of {args.rounds} interleaved rounds, {args.seconds} s each; pages at {args.connections} "
        f"connections, checkout by {args.buyers} buyers; {args.workers} workers each "
        f"(oscar: gunicorn {args.oscar_worker_class}); {os.cpu_count()} CPUs, shared machine; "
        f"both on Python {server_interpreter()}"
    )
    print(f"{'':<26}{'ours':>12}{'oscar':>12}{'ratio':>10}   target")
    lines = [
        (
            "product page req/s",
            med["product page"]["ours"]["rps"],
            med["product page"]["oscar"]["rps"],
            "≥ 10×",
        ),
        ("product page p99 ms", med["product page"]["ours"]["p99"], med["product page"]["oscar"]["p99"], ""),
        ("listing page req/s", med["listing page"]["ours"]["rps"], med["listing page"]["oscar"]["rps"], ""),
        (
            "listing page p99 ms",
            med["listing page"]["ours"]["p99"],
            med["listing page"]["oscar"]["p99"],
            "ours < 100",
        ),
        (
            "checkout orders/s",
            med["checkout"]["ours"]["orders_per_s"],
            med["checkout"]["oscar"]["orders_per_s"],
            "≥ 10×",
        ),
        ("checkout p99 ms", med["checkout"]["ours"]["p99"], med["checkout"]["oscar"]["p99"], ""),
        (
            "checkout server CPU ms/order",
            med["checkout"]["ours"]["server_cpu_ms"],
            med["checkout"]["oscar"]["server_cpu_ms"],
            "",
        ),
        (
            "checkout PG CPU ms/order",
            med["checkout"]["ours"]["postgres_cpu_ms"],
            med["checkout"]["oscar"]["postgres_cpu_ms"],
            "",
        ),
    ]
    mem = results["memory"]
    for when in ("start", "end"):
        lines.append((f"RSS at {when} MiB", mem["ours"][when]["rss"], mem["oscar"][when]["rss"], ""))
    lines.append(("peak RSS MiB", mem["ours"]["peak_rss"], mem["oscar"]["peak_rss"], "ours ≤ oscar"))
    lines.append(("PSS at end MiB", mem["ours"]["end"]["pss"], mem["oscar"]["end"]["pss"], ""))
    ratios = {}
    for label, a, b, target in lines:
        ratio = a / b if b else float("nan")
        ratios[label] = ratio
        print(f"{label:<26}{a:>12.1f}{b:>12.1f}{ratio:>9.2f}×   {target}")
    results["ratios"] = ratios
    over = results["oversell"]
    print(f"\noversell check: {over['units']} units of {over['product']}, {over['buyers']} buyers racing")
    for side in ("ours", "oscar"):
        o = over[side]
        state = {
            k: v
            for k, v in o.items()
            if k not in ("orders_placed", "units_sold", "refused", "failed", "oversold", "failures")
        }
        print(
            f"  {side:<6} orders placed {o['orders_placed']}, units sold {o['units_sold']}, "
            f"oversold {o['oversold']}, refused {o['refused']}, failed {o['failed']}; {state}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", default="ocop_bench_peer", help="our PostgreSQL database (national data)"
    )
    parser.add_argument("--oscar-database", default="oscar_bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15, help="per measurement and side")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--race-buyers", type=int, default=16, help="buyers racing for the scarce product")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--oscar-worker-class", choices=("gthread", "sync"), default="gthread")
    parser.add_argument("--oscar-threads", type=int, default=4)
    parser.add_argument(
        "--skip-prepare", action="store_true", help="both databases are ready (still vacuumed)"
    )
    args = parser.parse_args()
    need_wrk()
    VAR.mkdir(parents=True, exist_ok=True)
    if args.skip_prepare:
        vacuum(args)
    else:
        prepare(args)
    results = run(args)
    report(results, args)
    results["settings"] = {**vars(args), "cpus": os.cpu_count(), "machine": platform.platform()}
    results["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (VAR / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(f"\nwritten to {VAR / 'results.json'}")


if __name__ == "__main__":
    main()
