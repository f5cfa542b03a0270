"""Storefront pages under load, and checkout throughput by card and by cash on delivery.

    python bench/storefront.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``python bench/inventory.py --load``). The server runs as ``ocop
serve``; wrk drives the listing, a search and a product page at 16 connections (issue 5's
target: p99 < 80 ms). Then buyers with their own carts check out concurrently for a fixed
time: each creates a cart, adds one product held in its producer's warehouse, and checks out
(cash on delivery, or card through the local Stripe-compatible server of the tests, which
the app's SDK really calls). Prints pages' req/s, p50 and p99, and checkouts/s with the
checkout call's p50 and p99. Stock reserved by the run stays reserved (unpaid card orders
expire with ``ocop jobs run``; COD orders wait for fulfilment). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.catalog import serving, wrk
from bench.inventory import free_port
from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import Database
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.inventory.models import Batch, Location, LocationKind, StockLevel
from tests.stripe_server import FakeStripe

PAGES = {
    "listing": "/products",
    "listing, filtered": "/products?min_stars=4&sort=-price&max_price=300000",
    "search": "/products?q=" + quote("mật ong"),
}


async def _fixtures(url: str, count: int) -> tuple[list[tuple[int, str]], str, str]:
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
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("OCOP_DATABASE_URL", "sqlite+aiosqlite:///var/bench.db")
    )
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    products, province, commune = asyncio.run(_fixtures(args.database_url, 200))
    if len(products) < 10:
        raise SystemExit("no products with warehouse stock: load the national data first")
    port = free_port()
    stripe = FakeStripe(webhook_url=None).start()
    env = {
        **os.environ,
        "OCOP_DATABASE_URL": args.database_url,
        "OCOP_JOBS_INTERVAL": "0",
        "OCOP_STRIPE_SECRET_KEY": stripe.api_key,
        "OCOP_STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "OCOP_STRIPE_API_BASE": stripe.base_url,
    }
    pages = dict(PAGES, **{"product page": f"/products/{products[0][1]}"})
    with serving(env, port, args.workers) as base:
        for path in pages.values():  # warm caches and pools
            wrk(base + path, 2, args.connections)
        results = {name: wrk(base + path, args.seconds, args.connections) for name, path in pages.items()}
        ids = [pid for pid, _ in products]
        checkouts = {
            method: _buyers_run(base, ids, province, commune, method, args.seconds, args.buyers)
            for method in ("cod", "card")
        }
    stripe.stop()
    db = args.database_url.split(":", 1)[0]
    print(f"\n{db}, {args.workers} worker(s); pages at {args.connections} connections, {args.seconds} s each")
    print(f"{'page':<20}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'non-2xx':>10}")
    for name, r in results.items():
        print(f"{name:<20}{r['rps']:>10.0f}{r['p50']:>10.1f}{r['p99']:>10.1f}{r['errors']:>10.0f}")
    print(f"\ncheckout, {args.buyers} concurrent buyers, {args.seconds} s each (cart + line + checkout)")
    print(f"{'payment':<10}{'orders/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'refused':>10}")
    for method, (done, latencies, refused) in checkouts.items():
        rate = done / args.seconds
        print(
            f"{method:<10}{rate:>10.1f}{_pct(latencies, 50):>10.1f}{_pct(latencies, 99):>10.1f}{refused:>10}"
        )
    if checkouts["card"][1]:
        mean = statistics.mean(checkouts["card"][1])
        print(f"card checkout mean: {mean:.1f} ms (includes the Stripe session call)")


def _buyers_run(
    base: str, ids: list[int], province: str, commune: str, method: str, seconds: int, concurrency: int
) -> tuple[int, list[float], int]:
    return asyncio.run(_buyers(base, ids, province, commune, method, seconds, concurrency))


if __name__ == "__main__":
    main()
