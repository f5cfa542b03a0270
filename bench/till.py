"""Till sale throughput and latency against national data (issue 20's target: 300 sales/s, p99 < 50 ms).

    python bench/till.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``python bench/inventory.py --load`` or ``ocop demo load --scale
national``). Ten tills at ten sales points: each gets a cashier (``bench-till-N``), its
products topped up by a receipt, and an open shift. Then ``wrk`` with ten connections posts
``POST /api/v1/sales-points/{code}/sales`` for a fixed time, one wrk thread and connection
per till (each till sends its next sale when the last is answered): new UUIDs, one to three
lines of that point's products, paid in cash. Prints sales/s, p50
and p99, the sales the database gained and the server's CPU per sale (robust on a shared
machine). Nothing is asserted.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

from shop.accounts.models import PiccoloUser
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import Database
from shop.demo.users import ADMIN
from shop.inventory.models import Location, LocationKind, StockLevel
from shop.till.models import Sale

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.support import (
    OCOP,
    free_port,
    need_wrk,
    parser_with_database,
    run_wrk,
    server_cpu,
    server_interpreter,
    serving,
    vacuum_analyze,
    wrk_figures,
)

TILLS, PRODUCTS_EACH, TOP_UP = 10, 8, 100_000
PASSWORD = "bench-till-12345"  # noqa: S105 - a benchmark cashier on a local database

# Each request: a fresh UUID, one to three lines of one till's products, paid exactly in cash.
LUA = r"""
local tills = %(tills)s
local threads = 0
-- One wrk thread, one connection, one till: each till sends its next sale after the last.
function setup(thread)
  threads = threads + 1
  thread:set("till_index", threads)
end
function init(args)
  math.randomseed(os.time() * 100 + till_index)
end
local function uuid()
  return (string.gsub("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx", "[xy]", function(c)
    local v = (c == "x") and math.random(0, 15) or math.random(8, 11)
    return string.format("%%x", v)
  end))
end
function request()
  local till = tills[((till_index - 1) %% #tills) + 1]
  local lines, total, used = {}, 0, {}
  for i = 1, math.random(1, 3) do
    local p = till.products[math.random(1, #till.products)]
    if not used[p.id] then
      used[p.id] = true
      local q = math.random(1, 2)
      total = total + q * p.price
      lines[#lines + 1] = string.format('{"product_id":%%d,"quantity":%%d}', p.id, q)
    end
  end
  local body = string.format(
    '{"id":"%%s","sold_at":"%%s","shift_id":%%d,"lines":[%%s],"payments":[{"method":"cash","amount":%%d}]}',
    uuid(), os.date("!%%Y-%%m-%%dT%%H:%%M:%%SZ"), till.shift, table.concat(lines, ","), total)
  return wrk.format("POST", till.path, {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. till.token}, body)
end
"""


async def pick(url: str) -> list[dict[str, Any]]:
    """Ten busy sales points and, for each, sellable products with stock there."""
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            busiest = (
                await s.execute(
                    sa.select(Location.id, Location.code)
                    .join(StockLevel, StockLevel.location_id == Location.id)
                    .where(Location.kind == LocationKind.sales_point)
                    .group_by(Location.id, Location.code)
                    .order_by(sa.func.count().desc(), Location.id)
                    .limit(TILLS)
                )
            ).all()
            out = []
            for location_id, code in busiest:
                rows = (
                    await s.execute(
                        sa.select(Product.id, Product.price_vnd, Product.producer_id)
                        .join(StockLevel, StockLevel.product_id == Product.id)
                        .where(StockLevel.location_id == location_id, sellable_product_clause(today()))
                        .distinct()
                        .order_by(Product.id)
                        .limit(PRODUCTS_EACH)
                    )
                ).all()
                out.append({"code": code, "products": [dict(r._mapping) for r in rows]})
            return out
    finally:
        await db.dispose()


async def sales_count(url: str) -> int:
    db = Database.connect(url)
    try:
        async with db.read_sessions() as s:
            return int(await s.scalar(sa.select(sa.func.count()).select_from(Sale)) or 0)
    finally:
        await db.dispose()


def cashier(env: dict[str, str], n: int, code: str) -> str:
    name = f"bench_till_{n}"
    subprocess.run(  # fails harmlessly when the cashier exists from an earlier run
        [
            OCOP,
            "users",
            "create",
            "--username",
            name,
            "--password",
            PASSWORD,
            "--role",
            "staff",
            "--sales-point",
            code,
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    return name


async def prepare(base: str, env: dict[str, str], picked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Top up each till's products, log its cashier in, open its shift."""
    db = Database.connect(env["OCOP_DATABASE_URL"])
    async with db.read_sessions() as s:
        ids = {p["producer_id"] for t in picked for p in t["products"]}
        producers = dict(
            (await s.execute(sa.select(Producer.id, Producer.code).where(Producer.id.in_(ids)))).all()
        )
        made = sa.select(PiccoloUser.username).where(PiccoloUser.username.like("bench_till_%"))
        cashiers = set((await s.scalars(made)).all())
    await db.dispose()
    tills = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        admin = await client.post("/api/v1/auth/tokens", json={"username": ADMIN[0], "password": ADMIN[1]})
        headers = {"Authorization": f"Bearer {admin.json()['access_token']}"}
        for n, till in enumerate(picked):
            for producer_id in {p["producer_id"] for p in till["products"]}:
                lines = [
                    {"product_id": p["id"], "quantity": TOP_UP, "unit_cost": max(p["price_vnd"] // 2, 1)}
                    for p in till["products"]
                    if p["producer_id"] == producer_id
                ]
                body = {"kind": "purchase", "producer_code": producers[producer_id], "lines": lines}
                done = await client.post(
                    f"/api/v1/sales-points/{till['code']}/receipts", json=body, headers=headers
                )
                done.raise_for_status()
            name = f"bench_till_{n}"
            if name not in cashiers:  # made once: a subprocess each run was slow
                cashier(env, n, till["code"])
            token = await client.post("/api/v1/auth/tokens", json={"username": name, "password": PASSWORD})
            token.raise_for_status()
            mine = {"Authorization": f"Bearer {token.json()['access_token']}"}
            shift = await client.post(f"/api/v1/sales-points/{till['code']}/shifts", json={}, headers=mine)
            shift.raise_for_status()
            tills.append(
                {
                    "path": f"/api/v1/sales-points/{till['code']}/sales",
                    "token": token.json()["access_token"],
                    "shift": shift.json()["id"],
                    "products": [{"id": p["id"], "price": p["price_vnd"]} for p in till["products"]],
                }
            )
    return tills


def lua_table(value: Any) -> str:
    """JSON as a Lua table literal (arrays and string-keyed objects)."""
    if isinstance(value, dict):
        return "{" + ",".join(f"[{json.dumps(k)}]={lua_table(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "{" + ",".join(lua_table(v) for v in value) + "}"
    return json.dumps(value)


def sell(base: str, tills: list[dict[str, Any]], seconds: int, connections: int) -> dict[str, float]:
    """Each connection a till selling (one wrk thread each): req/s, p50 and p99 (ms), non-2xx."""
    lua = LUA % {"tills": lua_table(tills)}
    return wrk_figures(run_wrk(base, seconds, connections, lua=lua, threads=connections))


def main() -> None:
    parser = parser_with_database(__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=TILLS, help="concurrent tills")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    need_wrk()
    # No scheduled jobs in the server: their CPU is not a sale's (bench/storefront.py does so too).
    env = {**os.environ, "OCOP_DATABASE_URL": args.database_url, "OCOP_JOBS_INTERVAL": "0"}
    asyncio.run(vacuum_analyze(args.database_url))
    picked = asyncio.run(pick(args.database_url))
    with serving(env, free_port(), args.workers) as base:
        tills = asyncio.run(prepare(base, env, picked))
        sell(base, tills, 3, args.connections)  # warm up
        before = asyncio.run(sales_count(args.database_url))
        started, cpu = time.monotonic(), server_cpu()
        figures = sell(base, tills, args.seconds, args.connections)
        elapsed, cpu = time.monotonic() - started, server_cpu() - cpu
        gained = asyncio.run(sales_count(args.database_url)) - before
    db = args.database_url.split(":", 1)[0]
    print(
        f"\n{db}, {args.workers} worker(s), {len(tills)} tills, "
        f"{args.connections} connections, {args.seconds} s; Python {server_interpreter()}"
    )
    print(f"{'measure':<44}{'value':>14}{'target':>12}")
    for name, value, target in (
        ("till sales per second (wrk)", f"{figures['rps']:.0f} /s", ">= 300 /s"),
        ("sales recorded in the database, per second", f"{gained / elapsed:.0f} /s", ""),
        ("latency p50", f"{figures['p50']:.1f} ms", ""),
        ("latency p99", f"{figures['p99']:.1f} ms", "< 50 ms"),
        ("non-2xx responses", f"{figures['errors']:.0f}", "0"),
        # The CPU the server spends on a sale depends much less on the neighbours on a shared
        # machine than its latency does (the database's is not counted).
        ("server CPU per sale", f"{cpu * 1000 / max(gained, 1):.2f} ms", ""),
    ):
        print(f"{name:<44}{value:>14}{target:>12}")


if __name__ == "__main__":
    main()
