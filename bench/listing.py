"""Any page of the product list: a random page of the whole catalog, per sort order (issue 20).

    python bench/listing.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (20 000 products: ``ocop demo load --scale national``). The server
runs as ``ocop serve``; wrk at 16 connections asks, for each sort order the list offers, a
random page between 1 and the last (``/products?sort=…&page=…``, and the API's
``/api/v1/products``), a new random page every request. Each of the ~830 pages of a sort is
drawn at most once per the catalog cache's few seconds, so most requests of a run draw
their page afresh: the deep pages' SQL is what is measured. Prints req/s, p50 and p99 per
sort. Target: p99 < 100 ms at 16 connections. Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (
    free_port,
    need_wrk,
    parser_with_database,
    print_wrk_table,
    run_wrk,
    serving,
    wrk_figures,
)
from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import Database

PAGE_SIZE = 24  # the storefront's; the API is asked for the same
SORTS = ("name", "-name", "price", "-price", "-stars", "newest")

LUA = r"""
local path, pages = "%(path)s", %(pages)d
function init(args)
  math.randomseed(os.time() * 1000 + math.floor(os.clock() * 1000000))
end
function request()
  return wrk.format("GET", path .. math.random(1, pages))
end
"""


async def sellable_count(url: str) -> int:
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            counted = sa.select(sa.func.count()).select_from(Product).where(sellable_product_clause(today()))
            return int(await s.scalar(counted) or 0)
    finally:
        await db.dispose()


def random_page(base: str, path: str, pages: int, seconds: int, connections: int) -> dict[str, float]:
    """wrk asking ``path`` followed by a random page number from 1 to ``pages``."""
    lua = LUA % {"path": path, "pages": pages}
    return wrk_figures(run_wrk(base, seconds, connections, lua=lua, where=path))


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sorts", default=",".join(SORTS), help="comma-separated sort orders")
    parser.add_argument("--no-api", action="store_true", help="pages only, not /api/v1/products")
    args = parser.parse_args()
    need_wrk()
    total = asyncio.run(sellable_count(args.database_url))
    pages = max(1, -(-total // PAGE_SIZE))
    env = {**os.environ, "OCOP_DATABASE_URL": args.database_url, "OCOP_JOBS_INTERVAL": "0"}
    targets = {f"page, {sort}": f"/products?sort={sort}&page=" for sort in args.sorts.split(",")}
    if not args.no_api:
        targets["api, price"] = f"/api/v1/products?sort=price&page_size={PAGE_SIZE}&page="
    with serving(env, free_port(), args.workers) as base:
        random_page(base, "/products?page=", pages, 2, args.connections)  # warm the pools
        results = {
            name: random_page(base, path, pages, args.seconds, args.connections)
            for name, path in targets.items()
        }
    db = args.database_url.split(":", 1)[0]
    print(f"\n{db}, {args.workers} worker(s), {args.connections} connections, {args.seconds} s each")
    print(f"random page of {pages} ({total} products)")
    print_wrk_table("list", 16, results)


if __name__ == "__main__":
    main()
