"""Storefront pages under load, and checkout throughput by card and by cash on delivery.

    python bench/storefront.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``python bench/inventory.py --load``). The server runs as ``ocop
serve``; wrk drives the listing, a search and a product page at 16 connections (issue 5's
target: p99 < 80 ms). Then buyers with their own carts check out concurrently for a fixed
time: each creates a cart, adds one product held in its producer's warehouse, and checks out
(cash on delivery, or card through the local Stripe-compatible server of the tests, which
the app's SDK really calls). Prints pages' req/s, p50 and p99, and checkouts/s with the
checkout call's p50 and p99. Stock reserved by the run stays reserved (unpaid card orders
expire with ``ocop jobs run``; COD orders wait for fulfilment).

Issue 20 adds the two paths no cache helps: a random product page of the whole catalog (wrk
with a Lua script choosing among every product's slug), and guest checkouts through the
pages as a browser makes them (the product page, the buy form, the cart, the checkout form,
its POST, the order's page; cookies and CSRF tokens as a browser has them), cash on delivery,
ended by a no-oversell check: no stock level below zero or reserving more than it holds, and
the units reserved at the warehouses bought from grew by exactly the units of the orders
placed. ``--only`` runs a subset, e.g. ``--only product,pages`` for these two.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (
    free_port,
    need_wrk,
    parser_with_database,
    percentile,
    random_paths_lua,
    run_wrk,
    running,
    server_cpu,
    serving,
    wrk,
    wrk_count,
    wrk_figures,
)
from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import Database
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.inventory.models import Batch, Location, LocationKind, StockLevel
from shop.orders.models import Order, OrderLine
from tests.stripe_server import FakeStripe

PAGES = {
    "listing": "/products",
    "listing, filtered": "/products?min_stars=4&sort=-price&max_price=300000",
    "search": "/products?q=" + quote("mật ong"),
}


async def _all_slugs(url: str) -> list[str]:
    """Every product's slug: a random product page is one of the whole catalog."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            return list(await s.scalars(sa.select(Product.slug).order_by(Product.id)))
    finally:
        await db.dispose()


def wrk_random(base: str, paths: list[str], seconds: int, connections: int) -> dict[str, float]:
    """wrk over a random one of ``paths`` per request: req/s, p50, p99 (ms), non-2xx."""
    # --timeout: a slow page is counted, not dropped as an error (wrk's 2 s)
    out = run_wrk(base, seconds, connections, "--timeout", "30s", lua=random_paths_lua(paths))
    return {**wrk_figures(out), "requests": wrk_count(out, r"(\d+) requests in")}


_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')
PAGE_BUYER = "bench-pages@example.com"


async def _page_buyers(
    base: str, products: list[tuple[int, str]], province: str, commune: str, seconds: int, concurrency: int
) -> tuple[int, list[float], list[float], int, dict[str, int]]:
    """Guests buying through the pages for ``seconds``: (orders placed, POST /checkout
    latencies, whole-visit latencies (ms), refusals, bytes of the last checkout form)."""
    done, posts, visits, refused = 0, [], [], 0
    sizes: dict[str, int] = {}
    deadline = time.monotonic() + seconds
    rng = random.Random(11)

    async def buyer() -> None:
        nonlocal done, refused
        while time.monotonic() < deadline:
            async with httpx.AsyncClient(base_url=base, timeout=60) as client:  # a new guest
                started = time.perf_counter()
                _pid, slug = rng.choice(products)
                page = await client.get(f"/products/{slug}")
                token = _CSRF.search(page.text)
                product_id = re.search(r'name="product_id" value="(\d+)"', page.text)
                if page.status_code != 200 or not token or not product_id:
                    refused += 1
                    continue
                added = await client.post(
                    "/cart/lines",
                    data={"product_id": product_id.group(1), "quantity": "1", "_csrf_token": token.group(1)},
                    follow_redirects=True,
                )
                form = await client.get("/checkout")
                sizes["product page"] = len(page.content)
                sizes["cart page"] = len(added.content)
                sizes["checkout page"] = len(form.content)
                key, token = _KEY.search(form.text), _CSRF.search(form.text)
                if form.status_code != 200 or not key or not token:
                    refused += 1
                    continue
                fields = {
                    "_csrf_token": token.group(1),
                    "idempotency_key": key.group(1),
                    "name": "Bench Guest",
                    "email": PAGE_BUYER,
                    "phone": "0912345678",
                    "delivery": "ship",
                    "province_code": province,
                    "commune_code": commune,
                    "street": "1 Bench St",
                    "payment": "cod",
                }
                posted = time.perf_counter()
                answer = await client.post("/checkout", data=fields)
                posts.append((time.perf_counter() - posted) * 1000)
                if answer.status_code != 303 or "placed=1" not in answer.headers.get("location", ""):
                    refused += 1
                    continue
                tracking = await client.get(answer.headers["location"])
                visits.append((time.perf_counter() - started) * 1000)
                sizes["order page"] = len(tracking.content)
                done += 1

    await asyncio.gather(*(buyer() for _ in range(concurrency)))
    return done, posts, visits, refused, sizes


async def _reserved(url: str, product_ids: list[int]) -> tuple[int, int]:
    """(units reserved at the products' own warehouses, stock levels holding less than
    nothing or reserving more than they hold anywhere)."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            reserved = await s.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(StockLevel.reserved), 0))
                .join(Location, Location.id == StockLevel.location_id)
                .join(Product, Product.id == StockLevel.product_id)
                .where(
                    StockLevel.product_id.in_(product_ids),
                    Location.kind == LocationKind.producer,
                    Location.producer_id == Product.producer_id,
                )
            )
            broken = await s.scalar(
                sa.select(sa.func.count()).where(
                    sa.or_(
                        StockLevel.on_hand < 0,
                        StockLevel.reserved < 0,
                        StockLevel.reserved > StockLevel.on_hand,
                    )
                )
            )
            return int(reserved or 0), int(broken or 0)
    finally:
        await db.dispose()


async def _ordered_units(url: str, since: float) -> int:
    """Units in the orders the page buyers placed since ``since`` (a Unix time)."""
    import datetime as dt

    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            after = dt.datetime.fromtimestamp(since, dt.UTC)
            units = await s.scalar(
                sa.select(sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0))
                .join(Order, Order.id == OrderLine.order_id)
                .where(Order.contact_email == PAGE_BUYER, Order.created_at >= after)
            )
            return int(units or 0)
    finally:
        await db.dispose()


async def buyable_products(url: str, count: int) -> tuple[list[tuple[int, str]], str, str]:
    """Products with plenty in their warehouse (id, slug), and a province and commune code."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            free = sa.func.sum(StockLevel.on_hand - StockLevel.reserved)
            rows = await s.execute(
                sa.select(Product.id, Product.slug)
                .join(StockLevel, StockLevel.product_id == Product.id)
                .join(Location, Location.id == StockLevel.location_id)
                .join(Batch, Batch.id == StockLevel.batch_id)
                .where(
                    Location.kind == LocationKind.producer,
                    Location.producer_id == Product.producer_id,
                    sellable_product_clause(today()),
                    sa.or_(Batch.expires_on.is_(None), Batch.expires_on >= today()),
                )
                .group_by(Product.id, Product.slug, StockLevel.location_id)
                .having(free > 50)
                .limit(count)
            )
            products = [(int(pid), slug) for pid, slug in rows.all()]
            province = await s.scalar(
                sa.select(Place)
                .where(Place.era == PlaceEra.current, Place.level == PlaceLevel.province)
                .limit(1)
            )
            assert province is not None
            commune = await s.scalar(
                sa.select(Place.code).where(
                    Place.province_id == province.id, Place.level == PlaceLevel.commune
                )
            )
            return products, province.code, str(commune)
    finally:
        await db.dispose()


async def _buyers(
    base: str, products: list[int], province: str, commune: str, method: str, seconds: int, concurrency: int
) -> tuple[int, list[float], int]:
    """Concurrent buyers for ``seconds``: (orders placed, checkout latencies in ms, refusals)."""
    done, latencies, refused = 0, [], 0
    deadline = time.monotonic() + seconds
    rng = random.Random(7)  # which product a buyer takes

    async def buyer(client: httpx.AsyncClient) -> None:
        nonlocal done, refused
        while time.monotonic() < deadline:
            cart = (await client.post("/api/v1/carts")).json()["id"]
            line = {"product_id": rng.choice(products), "quantity": 1}
            if (await client.post(f"/api/v1/carts/{cart}/lines", json=line)).status_code != 200:
                refused += 1
                continue
            body = {
                "cart_id": cart,
                "idempotency_key": uuid.uuid4().hex,
                "language": "en",
                "contact": {"name": "Bench Buyer", "email": "bench@example.com", "phone": "0912345678"},
                "delivery": {
                    "method": "ship",
                    "address": {"province_code": province, "commune_code": commune, "street": "1 Bench St"},
                },
                "payment": {"method": method},
            }
            started = time.perf_counter()
            answer = await client.post("/api/v1/checkout", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            if answer.status_code == 201:
                done += 1
            else:
                refused += 1

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(buyer(client) for _ in range(concurrency)))
    return done, latencies, refused


def _pct(values: list[float], p: float) -> float:
    return percentile(values, p / 100)


SCENARIOS = ("pages", "product", "api", "guests")


@dataclass
class _Guests:
    done: int
    posts: list[float]  # POST /checkout, ms
    visits: list[float]  # the whole visit, ms
    refused: int
    sizes: dict[str, int]
    cpu_ms: float  # the server's CPU per order placed
    reserved: int  # units newly reserved at the warehouses bought from
    ordered: int  # units in the orders placed
    broken: int  # stock levels below zero or over-reserved


# ``python -m cProfile`` writes nothing here: uvicorn re-raises SIGTERM once it has shut down,
# which ends the process before cProfile's own exit. This writes the profile in that handler.
_PROFILE_RUNNER = """
import cProfile, signal, sys
profile, path = cProfile.Profile(), sys.argv[1]
def stop(*_):
    profile.disable()
    profile.dump_stats(path)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
sys.argv = ["ocop", "serve", "--port", sys.argv[2]]
from shop.cli import main
profile.enable()
try:
    main()
finally:
    stop()
"""


@contextmanager
def _profiled(env: dict[str, str], port: int, profile: str) -> Iterator[str]:
    """``ocop serve`` (one process) under cProfile, which writes ``profile`` when it stops."""
    # uvicorn stops cleanly on SIGTERM, and cProfile writes its file
    command = [sys.executable, "-c", _PROFILE_RUNNER, profile, str(port)]
    with running(command, env, port, stop_timeout=60) as (base, _pid):
        yield base


def _run_guests(url: str, base: str, products: list[tuple[int, str]], args: argparse.Namespace) -> _Guests:
    """Guests checking out through the pages, then the no-oversell check."""
    province, commune = args.province, args.commune
    ids = [pid for pid, _ in products]
    before, _ = asyncio.run(_reserved(url, ids))
    since, cpu = time.time() - 1, server_cpu()
    done, posts, visits, refused, sizes = asyncio.run(
        _page_buyers(base, products, province, commune, args.seconds, args.buyers)
    )
    cpu_ms = (server_cpu() - cpu) * 1000 / max(done, 1)
    after, broken = asyncio.run(_reserved(url, ids))
    units = asyncio.run(_ordered_units(url, since))
    return _Guests(done, posts, visits, refused, sizes, cpu_ms, after - before, units, broken)


def _run_pages(
    base: str, pages: dict[str, str], slugs: list[str], connections: int, seconds: int
) -> dict[str, dict[str, float]]:
    for path in pages.values():  # warm caches and pools
        wrk(base + path, 2, connections)
    results = {name: wrk(base + path, seconds, connections) for name, path in pages.items()}
    if slugs:
        paths = [f"/products/{quote(slug)}" for slug in slugs]
        wrk_random(base, paths, 2, connections)  # warm the pool and the templates
        cpu = server_cpu()
        found = wrk_random(base, paths, seconds, connections)
        found["cpu_ms"] = (server_cpu() - cpu) * 1000 / max(found["requests"], 1)
        results["random product"] = found
    return results


def _report(
    args: argparse.Namespace,
    results: dict[str, dict[str, float]],
    checkouts: dict[str, tuple[int, list[float], int]],
    guests: _Guests | None,
) -> None:
    db = args.database_url.split(":", 1)[0]
    print(f"\n{db}, {args.workers} worker(s); pages at {args.connections} connections, {args.seconds} s each")
    if results:
        print(f"{'page':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}{'CPU ms/req':>12}")
        for name, r in results.items():
            cpu_ms = f"{r['cpu_ms']:>12.1f}" if "cpu_ms" in r else ""
            print(
                f"{name:<20}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>10.0f}{cpu_ms}"
            )
    if checkouts:
        print(f"\ncheckout, {args.buyers} concurrent buyers, {args.seconds} s each (cart + line + checkout)")
        print(f"{'payment':<10}{'orders/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'refused':>10}")
        for method, (done, latencies, refused) in checkouts.items():
            p50, p99 = _pct(latencies, 50), _pct(latencies, 99)
            print(f"{method:<10}{done / args.seconds:>10.1f}{p50:>10.1f}{p99:>10.1f}{refused:>10}")
        if checkouts["card"][1]:
            mean = statistics.mean(checkouts["card"][1])
            print(f"card checkout mean: {mean:.1f} ms (includes the Stripe session call)")
    if guests is not None:
        g = guests
        print(f"\nguest checkout through the pages, {args.buyers} concurrent guests, {args.seconds} s (COD)")
        print(
            f"{'orders/s':>10}{'POST p50':>10}{'POST p99':>10}"
            f"{'visit p50':>10}{'visit p99':>10}{'refused':>10}"
        )
        print(
            f"{g.done / args.seconds:>10.1f}{_pct(g.posts, 50):>10.1f}{_pct(g.posts, 99):>10.1f}"
            f"{_pct(g.visits, 50):>10.1f}{_pct(g.visits, 99):>10.1f}{g.refused:>10}"
        )
        print(f"server CPU per order (the whole visit, 6 requests): {g.cpu_ms:.1f} ms")
        print("page sizes (bytes): " + ", ".join(f"{k} {v}" for k, v in g.sizes.items()))
        oversold = g.broken or g.reserved != g.ordered
        print(
            f"no-oversell check: reserved +{g.reserved} units for {g.ordered} units ordered; "
            f"{g.broken} stock levels below zero or over-reserved: {'FAILED' if oversold else 'ok'}"
        )
        if oversold:
            raise SystemExit(1)


def server_env(url: str, stripe: FakeStripe) -> dict[str, str]:
    """The server's environment: the database at ``url``, card payments through ``stripe``
    (the tests' local Stripe-compatible server), no scheduled jobs (their CPU is not a page's)."""
    return {
        **os.environ,
        "OCOP_DATABASE_URL": url,
        "OCOP_JOBS_INTERVAL": "0",
        "OCOP_STRIPE_SECRET_KEY": stripe.api_key,
        "OCOP_STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "OCOP_STRIPE_API_BASE": stripe.base_url,
    }


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="run the server (one process) under cProfile and write its profile there "
        "(python -m pstats FILE; sort cumulative)",
    )
    parser.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help="pages (fixed listing, search, product), product (a random product page), "
        "api (checkout by the API, COD and card), guests (guest checkout through the pages)",
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    need_wrk()
    products, args.province, args.commune = asyncio.run(buyable_products(args.database_url, 200))
    if len(products) < 10:
        raise SystemExit("no products with warehouse stock: load the national data first")
    slugs = asyncio.run(_all_slugs(args.database_url)) if "product" in only else []
    port = free_port()
    stripe = FakeStripe(webhook_url=None).start()
    env = server_env(args.database_url, stripe)
    pages = dict(PAGES, **{"product page": f"/products/{products[0][1]}"}) if "pages" in only else {}
    checkouts: dict[str, tuple[int, list[float], int]] = {}
    guests = None
    server = _profiled(env, port, args.profile) if args.profile else serving(env, port, args.workers)
    with server as base:
        results = _run_pages(base, pages, slugs, args.connections, args.seconds)
        ids = [pid for pid, _ in products]
        if "api" in only:
            checkouts = {
                method: _buyers_run(base, ids, args.province, args.commune, method, args.seconds, args.buyers)
                for method in ("cod", "card")
            }
        if "guests" in only:
            guests = _run_guests(args.database_url, base, products, args)
    stripe.stop()
    _report(args, results, checkouts, guests)


def _buyers_run(
    base: str, ids: list[int], province: str, commune: str, method: str, seconds: int, concurrency: int
) -> tuple[int, list[float], int]:
    return asyncio.run(_buyers(base, ids, province, commune, method, seconds, concurrency))


if __name__ == "__main__":
    main()
