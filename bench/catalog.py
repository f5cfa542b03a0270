"""Catalog API throughput and latency with wrk, next to /health on the same server.

    python bench/catalog.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench --load

``--load`` migrates the database and loads national-scale data first (idempotent). The server
runs as ``ocop serve`` in a child process; wrk (Debian package ``wrk``) drives it on loopback.
Prints req/s, p50 and p99 per URL and the catalog/health throughput ratio. Nothing is asserted.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import load_national, need_wrk, parser_with_database, print_wrk_table, serving, wrk

TARGETS = {
    "health": "/health",
    "first page": "/api/v1/products",
    "filtered": "/api/v1/products?province=" + quote("Hà Giang") + "&min_stars=4&sort=-price",
    "search": "/api/v1/products?q=" + quote("mật ong"),
}


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--load", action="store_true", help="migrate and load national data first")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8123)
    args = parser.parse_args()
    need_wrk()
    env = {**os.environ, "OCOP_DATABASE_URL": args.database_url}
    if args.load:
        load_national(env)
    with serving(env, args.port, args.workers) as base:
        for path in TARGETS.values():  # warm caches and connection pools
            wrk(base + path, 2, args.connections)
        results = {name: wrk(base + path, args.seconds, args.connections) for name, path in TARGETS.items()}
    db = args.database_url.split(":", 1)[0]
    print(f"\n{db}, {args.workers} worker(s), {args.connections} connections, {args.seconds} s per URL")
    print_wrk_table("url", 12, results)
    health = results["health"]["rps"]
    for name in ("first page", "filtered", "search"):
        print(f"{name} / health throughput: {results[name]['rps'] / health:.2f}")


if __name__ == "__main__":
    main()
