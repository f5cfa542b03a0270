"""Inventory latency and throughput against national data (issue 3's targets).

    python bench/inventory.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench --load

``--load`` migrates the database and loads national-scale data first (idempotent). The server
runs as ``ocop serve`` in a child process on a free loopback port, driven as the national
admin (a bearer token from ``POST /api/v1/auth/tokens``). Measures:

(a) one location's stock list, ``GET /api/v1/sales-points/{code}/stock``, with wrk (p50, p99);
(b) 50-line receipts, ``POST …/receipts``, one at a time (median, p95);
(c) single-unit write-offs, ``POST …/write-offs``, from concurrent clients for a fixed time,
    spread over several stock levels and then all on one row (decrements per second);
(d) ``ocop check ledger`` wall time over every movement.

Receipts and write-offs change the data (that is what they are for); the ledger stays
consistent. Prints a table of figures next to their targets. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from shop.catalog.models import Producer, Product
from shop.db import Database
from shop.demo.users import ADMIN
from shop.inventory import schemas, stock_changes
from shop.inventory.documents import write_offs
from shop.inventory.models import Batch, Location, LocationKind, MovementKind, StockLevel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (
    OCOP,
    free_port,
    load_national,
    need_wrk,
    parser_with_database,
    percentile,
    serving,
    wrk,
)

SPREAD_PRODUCERS = 5  # of 4 products each: 20 stock levels for the spread write-offs
TOP_UP = 200_000  # units received before the write-offs, so none runs out


async def pick(url: str) -> dict[str, Any]:
    """Two sales points holding most stock as loaded: the busiest is read (its stock list);
    the next one takes the receipts and write-offs, so the writes never grow what is read.
    And producers whose goods the writing one lacks."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            busiest = (
                sa.select(Location.code, Location.id)
                .join(StockLevel, StockLevel.location_id == Location.id)
                .join(Batch, Batch.id == StockLevel.batch_id)
                .where(
                    Location.kind == LocationKind.sales_point,
                    Location.code.like("NAT-%"),
                    Batch.code.not_like("BENCH-%"),
                )
                .group_by(Location.code, Location.id)
                .order_by(sa.func.count().desc(), Location.code)
                .limit(2)
            )
            (code, _), (write_code, location_id) = (await s.execute(busiest)).all()
            held = sa.select(StockLevel.product_id).where(StockLevel.location_id == location_id)
            counts = (
                sa.select(Producer.code)
                .join(Product, Product.producer_id == Producer.id)
                .where(Producer.code.like("NAT-%"), Product.id.not_in(held))
                .group_by(Producer.code)
                .having(sa.func.count() == 4)
                .order_by(Producer.code)
                .limit(SPREAD_PRODUCERS + 12)
            )
            producers = [(c, await _products_of(s, c)) for c in (await s.scalars(counts)).all()]
    finally:
        await db.dispose()
    return {"code": code, "write_code": write_code, "producers": producers}


async def _products_of(s: Any, producer_code: str) -> list[int]:
    stmt = sa.select(Product.id).join(Producer).where(Producer.code == producer_code).order_by(Product.id)
    return list(await s.scalars(stmt))


def receipt(producer: str, products: list[int], lines: int, quantity: int, tag: str) -> dict[str, Any]:
    produced = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=3)
    return {
        "kind": "purchase",
        "producer_code": producer,
        "client_id": str(uuid.uuid4()),
        "lines": [
            {
                "product_id": products[i % len(products)],
                "quantity": quantity,
                "unit_cost": 40_000,
                "batch": {
                    "code": f"BENCH-{tag}-{i // len(products)}",
                    "produced_on": produced.isoformat(),
                    "expires_on": (produced + dt.timedelta(days=400)).isoformat(),
                },
            }
            for i in range(lines)
        ],
    }


async def receipts(
    client: httpx.AsyncClient, code: str, producers: list[tuple[str, list[int]]], n: int
) -> list[float]:
    """``n`` 50-line receipts (after 3 unmeasured), each with new batches; milliseconds each."""
    times = []
    run = uuid.uuid4().hex[:6]
    for i in range(n + 3):
        producer, products = producers[i % len(producers)]
        body = receipt(producer, products, 50, 12, f"{run}{i}")
        started = time.perf_counter()
        response = await client.post(f"/api/v1/sales-points/{code}/receipts", json=body)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 201:
            raise SystemExit(f"receipt failed: {response.status_code} {response.text[:500]}")
        if i >= 3:
            times.append(elapsed)
    return times


async def decrements(
    client: httpx.AsyncClient, code: str, products: list[int], clients: int, seconds: float
) -> tuple[float, int, list[float]]:
    """Single-unit write-offs from ``clients`` loops; (per second, failures, latencies ms)."""
    deadline = time.monotonic() + seconds
    latencies: list[float] = []
    failures = 0

    async def loop(n: int) -> None:
        nonlocal failures
        k = n
        while time.monotonic() < deadline:
            body = {
                "reason": "damaged",
                "lines": [{"product_id": products[k % len(products)], "quantity": 1}],
            }
            k += clients
            started = time.perf_counter()
            response = await client.post(f"/api/v1/sales-points/{code}/write-offs", json=body)
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 201:
                failures += 1

    started = time.monotonic()
    await asyncio.gather(*(loop(n) for n in range(clients)))
    return len(latencies) / (time.monotonic() - started), failures, latencies


async def ledger_decrements(
    url: str, code: str, products: list[int], clients: int, seconds: float
) -> tuple[float, int]:
    """The same single-unit decrements without HTTP: each client its own connection and one
    transaction per decrement (lock FEFO, conditional update, movement, commit), as the till
    and checkout will call them. (per second, insufficient-stock failures)."""
    db = Database.connect(url)
    deadline = time.monotonic() + seconds
    done = failures = 0
    async with db.read_sessions() as session:
        location = await session.scalar(sa.select(Location).where(Location.code == code))
    assert location is not None

    async def loop(n: int) -> None:
        nonlocal done, failures
        k = n
        while time.monotonic() < deadline:
            line = schemas.LineIn(product_id=products[k % len(products)], quantity=1)
            k += clients
            async with db.write_sessions() as session:
                entry = stock_changes.Entry(None, None, None, reason="bench")
                try:
                    await write_offs.take(session, location, [line], MovementKind.write_off, entry)
                    await session.commit()
                    done += 1
                except stock_changes.InsufficientStock:
                    failures += 1

    started = time.monotonic()
    await asyncio.gather(*(loop(n) for n in range(clients)))
    elapsed = time.monotonic() - started
    await db.dispose()
    return done / elapsed, failures


async def drive(base: str, args: argparse.Namespace, picked: dict[str, Any]) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=args.clients + 2)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        response = await client.post("/api/v1/auth/tokens", json={"username": ADMIN[0], "password": ADMIN[1]})
        response.raise_for_status()
        token = response.json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        read_code, code, producers = picked["code"], picked["write_code"], picked["producers"]
        stock_url = f"{base}/api/v1/sales-points/{read_code}/stock"
        out: dict[str, Any] = {"code": read_code, "write_code": code}
        wrk(stock_url, 2, args.connections, token)  # warm up
        out["stock_one"] = wrk(stock_url, args.seconds, 1, token)  # one tablet: latency
        out["stock"] = wrk(stock_url, args.seconds, args.connections, token)  # several: throughput
        out["receipts"] = await receipts(client, code, producers[SPREAD_PRODUCERS + 1 :], args.receipts)
        spread = [p for _, products in producers[:SPREAD_PRODUCERS] for p in products]
        for producer, products in producers[: SPREAD_PRODUCERS + 1]:  # stock to take from
            body = receipt(producer, products, len(products), TOP_UP, "TOPUP")
            (await client.post(f"/api/v1/sales-points/{code}/receipts", json=body)).raise_for_status()
        one_row = producers[SPREAD_PRODUCERS][1][:1]
        await decrements(client, code, spread, args.clients, 2)  # warm up
        out["spread"] = await decrements(client, code, spread, args.clients, args.seconds)
        out["one_row"] = await decrements(client, code, one_row, args.clients, args.seconds)
        out["spread_rows"] = len(spread)
        url = args.database_url
        out["ledger_spread"] = await ledger_decrements(url, code, spread, args.clients, args.seconds)
        out["ledger_one_row"] = await ledger_decrements(url, code, one_row, args.clients, args.seconds)
    return out


def check_ledger(env: dict[str, str]) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run([OCOP, "check", "ledger"], env=env, capture_output=True, text=True, check=False)
    return time.monotonic() - started, (done.stdout.strip().splitlines() or ["?"])[-1]


def report(db: str, args: argparse.Namespace, r: dict[str, Any], ledger: tuple[float, str]) -> None:
    rps, fails, lat = r["spread"]
    one_rps, one_fails, one_lat = r["one_row"]
    print(f"\n{db}, {args.workers} worker(s), stock list of {r['code']}, writes at {r['write_code']}")
    print(f"{'measure':<52}{'value':>16}{'target':>12}")
    one = r["stock_one"]
    rows = [
        (f"(a) stock list p50, one client ({one['rps']:.0f} req/s)", f"{one['p50']:.1f} ms", ""),
        ("(a) stock list p99, one client", f"{one['p99']:.1f} ms", "< 50 ms"),
        (
            f"(a) stock list p50, wrk -c{args.connections} ({r['stock']['rps']:.0f} req/s)",
            f"{r['stock']['p50']:.1f} ms",
            "",
        ),
        (f"(a) stock list p99, wrk -c{args.connections}", f"{r['stock']['p99']:.1f} ms", ""),
        (
            f"(b) 50-line receipt median (n={len(r['receipts'])})",
            f"{statistics.median(r['receipts']):.1f} ms",
            "< 100 ms",
        ),
        ("(b) 50-line receipt p95", f"{percentile(r['receipts'], 0.95):.1f} ms", ""),
        (f"(c) write-offs, {args.clients} clients, {r['spread_rows']} rows", f"{rps:.0f} /s", ">= 300 /s"),
        ("    their p50 / p99", f"{percentile(lat, 0.5):.0f} / {percentile(lat, 0.99):.0f} ms", ""),
        ("    failed", f"{fails}", ""),
        (f"(c) write-offs, {args.clients} clients, all on one row", f"{one_rps:.0f} /s", ""),
        ("    their p50 / p99", f"{percentile(one_lat, 0.5):.0f} / {percentile(one_lat, 0.99):.0f} ms", ""),
        ("    failed", f"{one_fails}", ""),
        (
            f"(c) ledger decrements, {args.clients} connections, {r['spread_rows']} rows",
            f"{r['ledger_spread'][0]:.0f} /s",
            ">= 300 /s",
        ),
        (
            f"(c) ledger decrements, {args.clients} connections, one row",
            f"{r['ledger_one_row'][0]:.0f} /s",
            "",
        ),
        ("(d) ocop check ledger", f"{ledger[0]:.1f} s", "< 60 s"),
    ]
    for name, value, target in rows:
        print(f"{name:<52}{value:>16}{target:>12}")
    print(ledger[1])
    if r["stock"]["errors"]:
        print(f"stock list non-2xx responses: {r['stock']['errors']:.0f}")


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--load", action="store_true", help="migrate and load national data first")
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run and per write-off run")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections for the stock list")
    parser.add_argument("--clients", type=int, default=10, help="concurrent write-off clients")
    parser.add_argument("--receipts", type=int, default=30)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    args = parser.parse_args()
    need_wrk()
    env = {**os.environ, "OCOP_DATABASE_URL": args.database_url}
    if args.load:
        load_national(env)
    picked = asyncio.run(pick(args.database_url))
    with serving(env, args.port or free_port(), args.workers) as base:
        results = asyncio.run(drive(base, args, picked))
    report(args.database_url.split(":", 1)[0], args, results, check_ledger(env))


if __name__ == "__main__":
    main()
