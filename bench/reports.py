"""Issue 7's targets on national data: every report in < 2 s, the trace page p99 < 50 ms.

    python bench/reports.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``ocop demo load --scale national``). First each report of
``/api/v1/reports/`` is built in-process through the same registry the API uses, three times
(with its default parameters, and the sales report grouped each way), and its slowest time
printed. Then ``ocop serve`` runs and wrk drives ``/t/{code}`` at 16 connections: a
product's code and a batch's, each page counting its scan. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import free_port, need_wrk, print_wrk_table, serving, wrk
from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import Database
from shop.i18n import language
from shop.inventory.models import Batch, StockLevel
from shop.reports import registry

RUNS = 3
VARIANTS: list[tuple[str, dict[str, str]]] = [
    *((name, {}) for name in registry.REPORTS),
    ("certification", {"by": "group"}),
    *(("sales", {"by": by}) for by in ("month", "location", "product", "producer")),
]


async def _reports(url: str) -> None:
    db = Database.connect(url)
    try:
        print(f"{'report':<34}{'rows':>8}{'slowest ms':>12}")
        for name, params in VARIANTS:
            times, rows = [], 0
            for _ in range(RUNS):
                async with db.read_sessions() as s:
                    started = time.perf_counter()
                    with language("vi"):
                        table = await registry.build(s, name, params)
                    times.append(time.perf_counter() - started)
                    rows = len(table.rows)
            label = name + (f" by {params['by']}" if "by" in params else "")
            print(f"{label:<34}{rows:>8}{max(times) * 1000:>12.0f}", flush=True)
    finally:
        await db.dispose()


async def _codes(url: str) -> tuple[str, str]:
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            product = await s.scalar(
                sa.select(Product.trace_code)
                .where(sellable_product_clause(today()))
                .order_by(Product.id)
                .limit(1)
            )
            batch = await s.scalar(
                sa.select(Batch.trace_code)
                .join(StockLevel, StockLevel.batch_id == Batch.id)
                .where(Batch.code.is_not(None), StockLevel.on_hand > 0)
                .limit(1)
            )
    finally:
        await db.dispose()
    if not (product and batch):
        raise SystemExit("load the national data first")
    return product, batch


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(_reports(args.database_url))
    need_wrk("the trace page")
    product, batch = asyncio.run(_codes(args.database_url))
    env = {**os.environ, "OCOP_DATABASE_URL": args.database_url, "OCOP_JOBS_INTERVAL": "0"}
    with serving(env, free_port(), args.workers) as base:
        pages = {"trace, product code": f"/t/{product}", "trace, batch code": f"/t/{batch}"}
        for path in pages.values():
            wrk(base + path, 2, args.connections)  # warm up
        results = {name: wrk(base + path, args.seconds, args.connections) for name, path in pages.items()}
    print(f"\n{args.workers} worker(s), {args.connections} connections, {args.seconds} s each")
    print_wrk_table("page", 22, results)


if __name__ == "__main__":
    main()
