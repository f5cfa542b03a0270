"""Settlement statements over a month of national-scale trade (issue 6).

    python bench/settlement.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Needs the national data (``ocop demo load --scale national``). The producer with the most
consigned stock at the sales points is given a month of till sales (``--sales``, through
the till's own service, one transaction each, one to three lines of its consigned goods;
they stay for the next run, which tops them up to the number asked). Then it times:
computing that producer's draft (``statements.prepare``, the median of five), its Excel and
CSV exports, and preparing every active producer's draft for the month. Prints the figures;
nothing is asserted. The drafts are rolled back, so the database keeps only the sales.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
import uuid

import sqlalchemy as sa

from shop.accounts.models import PiccoloUser, Role, TokenKind
from shop.accounts.services import CurrentUser
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import Database
from shop.db_types import utcnow
from shop.demo.users import ADMIN
from shop.errors import DomainError
from shop.inventory.models import Location, LocationKind, Ownership, StockLevel
from shop.settlement import exports, statements
from shop.settlement.lines import month_bounds
from shop.settlement.views import statement_out
from shop.till import sales, shifts
from shop.till.models import Sale, SaleLine
from shop.till.schemas import PaymentIn, SaleIn, SaleLineIn, ShiftIn

DEFAULT_BP = 1000


async def _busiest_producer(db: Database) -> tuple[int, dict[int, list[tuple[int, int]]]]:
    """The producer with the most consigned, sellable units at sales points, and where they
    are: location id → [(product id, price)]."""
    async with db.read_sessions() as s:
        producer_id = await s.scalar(
            sa.select(Product.producer_id)
            .join(StockLevel, StockLevel.product_id == Product.id)
            .join(Location, Location.id == StockLevel.location_id)
            .where(
                StockLevel.ownership == Ownership.consigned,
                Location.kind == LocationKind.sales_point,
                StockLevel.on_hand - StockLevel.reserved > 5,
                sellable_product_clause(today()),
            )
            .group_by(Product.producer_id)
            .order_by(sa.func.count().desc())
            .limit(1)
        )
        rows = await s.execute(
            sa.select(StockLevel.location_id, Product.id, Product.price_vnd)
            .join(Product, Product.id == StockLevel.product_id)
            .join(Location, Location.id == StockLevel.location_id)
            .where(
                Product.producer_id == producer_id,
                StockLevel.ownership == Ownership.consigned,
                Location.kind == LocationKind.sales_point,
                StockLevel.on_hand - StockLevel.reserved > 5,
                sellable_product_clause(today()),
            )
            .distinct()
        )
        where: dict[int, list[tuple[int, int]]] = {}
        for location_id, product_id, price in rows:
            where.setdefault(location_id, []).append((product_id, price))
    assert producer_id is not None, "no consigned stock: load the national data first"
    return int(producer_id), where


async def _sales_this_month(db: Database, producer_id: int) -> int:
    start, end = month_bounds(today().replace(day=1))
    async with db.read_sessions() as s:
        found = await s.scalar(
            sa.select(sa.func.count(sa.distinct(Sale.id)))
            .join(SaleLine, SaleLine.sale_id == Sale.id)
            .join(Product, Product.id == SaleLine.product_id)
            .where(Product.producer_id == producer_id, Sale.recorded_at >= start, Sale.recorded_at < end)
        )
    return int(found or 0)


async def _sell(db: Database, where: dict[int, list[tuple[int, int]]], count: int) -> float:
    """``count`` till sales of the producer's consigned goods; answers sales per second."""
    rng = random.Random(6)
    async with db.read_sessions() as s:
        admin_id = await s.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == ADMIN[0]))
        locations = {
            loc.id: loc for loc in await s.scalars(sa.select(Location).where(Location.id.in_(where)))
        }
    assert admin_id is not None
    user = CurrentUser(admin_id, ADMIN[0], Role.admin, None, frozenset(where), TokenKind.bearer)
    shift_of: dict[int, int] = {}
    started = time.perf_counter()
    done = 0
    while done < count and where:
        location_id = rng.choice(list(where))
        picked = rng.sample(where[location_id], k=min(len(where[location_id]), rng.randint(1, 3)))
        lines = [SaleLineIn(product_id=p, quantity=1) for p, _ in picked]
        total = sum(price for _, price in picked)
        async with db.write_sessions() as s:
            location = await s.merge(locations[location_id], load=False)
            if location_id not in shift_of:
                shift_of[location_id] = (
                    await shifts.open_shift(s, user, location, ShiftIn(opening_float=0))
                ).id
            data = SaleIn(
                id=uuid.uuid4(),
                sold_at=utcnow(),
                lines=lines,
                payments=[PaymentIn(method="cash", amount=total)],
                shift_id=shift_of[location_id],
            )
            try:
                await sales.record(s, user, location, data)
                await s.commit()
                done += 1
            except DomainError as refused:  # sold out there (or no longer sellable): try others
                await s.rollback()
                if refused.code not in ("insufficient_stock", "not_sellable"):
                    raise
                where[location_id] = [p for p in where[location_id] if p not in picked]
                if not where[location_id]:
                    del where[location_id]
                if not where:
                    print(f"the producer's consigned stock ran out after {done} sales", flush=True)
                    break
    return done / (time.perf_counter() - started)


async def _time_statements(db: Database, producer_id: int) -> None:
    month = today().replace(day=1)
    async with db.write_sessions() as s:
        producer = await s.get(Producer, producer_id)
        assert producer is not None
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            statement = await statements.prepare(s, producer, month, default_bp=DEFAULT_BP)
            runs.append(time.perf_counter() - started)
        out = await statement_out(s, statement, producer)
        started = time.perf_counter()
        xlsx = exports.to_xlsx(out)
        xlsx_s = time.perf_counter() - started
        started = time.perf_counter()
        csv = exports.to_csv(out)
        csv_s = time.perf_counter() - started
        print(f"producer {producer.code}: {len(out.lines or [])} lines, due {out.amount_due_vnd:,} VND")
        print(
            f"  prepare (compute + store): median {statistics.median(runs) * 1000:.0f} ms,"
            f" max {max(runs) * 1000:.0f} ms"
        )
        print(
            f"  export: Excel {xlsx_s * 1000:.0f} ms ({len(xlsx) // 1024} KiB),"
            f" CSV {csv_s * 1000:.0f} ms ({len(csv) // 1024} KiB)"
        )
        started = time.perf_counter()
        active = await statements.active_producers(s, month)
        found_s = time.perf_counter() - started
        started = time.perf_counter()
        drafts = await statements.prepare_month(s, month, default_bp=DEFAULT_BP)
        month_s = time.perf_counter() - started
        print(f"  active producers this month: {len(active)} (found in {found_s * 1000:.0f} ms)")
        print(f"  prepare every active producer's draft: {len(drafts)} in {month_s:.2f} s")
        await s.rollback()


async def main(url: str, wanted: int) -> None:
    db = Database.connect(url)
    try:
        producer_id, where = await _busiest_producer(db)
        have = await _sales_this_month(db, producer_id)
        if have < wanted:
            rate = await _sell(db, dict(where), wanted - have)
            print(f"recorded till sales at {rate:.0f} sales/s (one process, one transaction each)")
            have = await _sales_this_month(db, producer_id)
        print(f"{have} till sales of the producer this month, at {len(where)} sales points", flush=True)
        await _time_statements(db, producer_id)
    finally:
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sales", type=int, default=2000, help="till sales of the producer this month")
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.sales))
