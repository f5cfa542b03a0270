"""The national stock: batches, stock levels, thresholds and a year of ledger (issue 3).

Planned in Python from one seeded ``random.Random`` (the same data every time), written with
``shop.demo.bulk`` (``COPY`` on PostgreSQL), the ledger played by ``shop.demo.national_ledger``.

- Each product has a few lots, produced over the last year with expiry from its shelf life:
  some expire soon, some already have (and may still be on a shelf).
- A producer's warehouse holds every lot of its own products, as its own (``owned``) stock.
- Sales points and fairs hold a mix: products of producers with a warehouse mostly arrive by
  transfer from it and stay the producer's (``consigned``, as ``transfers.ownership_at``
  says); others are bought (``owned``) or taken on consignment, at an agreed price or for a
  commission. A fair holds only lots made before it opened, and fairs yet to open hold none.
- Stock levels start empty and are set to what their movements add up to at the end.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser
from shop.catalog.models import Product
from shop.db import table_of
from shop.db_types import utcnow
from shop.demo import users
from shop.demo.bulk import Bulk
from shop.demo.national_ledger import DOCUMENTS, Ledger, Level, columns
from shop.inventory.models import Batch, Location, LocationKind, Movement, StockLevel, StockThreshold

Log = Callable[[str], object]
SEED = 20_251_201
TRACE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DAY = 86_400.0
NO_SHELF_LIFE = 540  # days: how far back lots of goods that do not expire go
THRESHOLD_SHARE = 0.12  # of the products a sales point holds
LEVEL_COLUMNS = columns(
    "id location_id product_id batch_id ownership on_hand reserved unit_cost_vnd commission_bp updated_at"
)


@dataclass(frozen=True)
class StockScale:
    levels: int = 200_000
    movements: int = 5_000_000
    history_days: int = 360
    windows: int = 24
    lots_per_product: int = 6


@dataclass(frozen=True)
class ProductInfo:
    id: int
    producer_id: int
    price: int
    shelf_life_days: int | None


@dataclass(frozen=True)
class Lot:
    id: int
    product: ProductInfo
    produced_on: dt.date
    expires_on: dt.date | None


@dataclass(frozen=True)
class Terms:
    """How a producer consigns its goods: an agreed price, or a commission."""

    commission_bp: int | None
    consigns: float  # share of its goods at a sales point taken on consignment


@dataclass
class Plan:
    rng: random.Random
    scale: StockScale
    start: dt.date
    end: dt.date
    terms: dict[int, Terms]
    warehouse_of: dict[int, dict[int, Level]]  # producer id → lot id → its warehouse level
    levels: list[Level]
    next_level: int
    taken: set[tuple[int, int, str]]

    def seconds(self, day: dt.date) -> float:
        return (day - self.start).days * DAY

    def add(self, location: Location, lot: Lot, ownership: str, opens: float, closes: float) -> Level:
        p, rng = lot.product, self.rng
        warehouse = location.kind is LocationKind.producer
        source = None if warehouse else self.warehouse_of.get(p.producer_id, {}).get(lot.id)
        receipt_kind = "purchase"
        if source is not None and ownership == "owned":
            source = None  # bought outright from a producer that also runs a warehouse
        if source is None and ownership == "consigned":
            receipt_kind = "consignment"
        commission = self.terms[p.producer_id].commission_bp if receipt_kind == "consignment" else None
        cost = int(p.price * (0.45 if warehouse else rng.uniform(0.6, 0.75))) // 100 * 100
        if source is not None:
            cost = source.unit_cost or cost
        level = Level(
            id=self.next_level,
            location_id=location.id,
            product_id=p.id,
            producer_id=p.producer_id,
            batch_id=lot.id,
            ownership=ownership,
            warehouse=warehouse,
            unit_cost=None if commission is not None else cost,
            commission_bp=commission,
            price=p.price,
            expires_on=lot.expires_on,
            source=source,
            receipt_kind=receipt_kind,
            open_at=opens,
            close_at=closes,
            opening=rng.randint(40, 160) if warehouse else rng.randint(8, 40),
        )
        self.next_level += 1
        self.levels.append(level)
        self.taken.add((location.id, lot.id, ownership))
        return level


def _trace_codes(rng: random.Random, taken: set[str]) -> Callable[[], str]:
    def code() -> str:
        while True:
            made = "".join(rng.choices(TRACE_ALPHABET, k=10))
            if made not in taken:
                taken.add(made)
                return made

    return code


def _lots(
    rng: random.Random, products: Sequence[ProductInfo], first_id: int, today: dt.date, per_product: int
) -> list[Lot]:
    out, lot_id = [], first_id
    for p in products:
        span = min(int((p.shelf_life_days or NO_SHELF_LIFE) * 1.1), 360)
        for _ in range(rng.randint(max(1, per_product - 3), per_product + 3)):
            produced = today - dt.timedelta(days=rng.randint(2, max(3, span)))
            expires = produced + dt.timedelta(days=p.shelf_life_days) if p.shelf_life_days else None
            out.append(Lot(lot_id, p, produced, expires))
            lot_id += 1
    return out


def _opens(plan: Plan, lot: Lot, location: Location) -> tuple[float, float] | None:
    """When this location first gets this lot and until when it trades; None if it cannot."""
    rng, end = plan.rng, plan.seconds(plan.end)
    made = plan.seconds(lot.produced_on) + DAY
    if location.kind is LocationKind.fair:
        assert location.starts_on is not None
        assert location.ends_on is not None
        opens = plan.seconds(location.starts_on) - DAY
        if opens <= made or opens >= end:
            return None
        return max(0.0, opens) + rng.uniform(7, 10) * 3_600, min(end, plan.seconds(location.ends_on) + DAY)
    opens = max(0.0, made + (0 if location.kind is LocationKind.producer else rng.randint(0, 20) * DAY))
    return min(opens, end - DAY) + rng.uniform(7, 17) * 3_600, end


def _quotas(plan: Plan, public: Sequence[Location], wanted: int) -> list[int]:
    end = plan.end
    weights = [
        0.0
        if loc.kind is LocationKind.fair and (loc.starts_on or end) >= end
        else (0.25 if loc.kind is LocationKind.fair else 1.0) * plan.rng.uniform(0.6, 1.4)
        for loc in public
    ]
    total = sum(weights) or 1.0
    quotas = [int(wanted * w / total) for w in weights]
    live = [i for i, w in enumerate(weights) if w > 0] or [0]
    for i in range(wanted - sum(quotas)):
        quotas[live[i % len(live)]] += 1
    return quotas


def _fill(plan: Plan, location: Location, lots: dict[int, list[Lot]], quota: int) -> int:
    """Up to ``quota`` levels at a sales point or fair; how many it got."""
    rng, made = plan.rng, 0
    product_ids = list(lots)
    for _ in range(quota * 20):
        if made >= quota:
            break
        product_id = rng.choice(product_ids)
        terms = plan.terms[lots[product_id][0].product.producer_id]
        supplied = lots[product_id][0].product.producer_id in plan.warehouse_of
        for lot in rng.sample(lots[product_id], k=min(len(lots[product_id]), rng.choice((1, 1, 2, 3)))):
            ownership = "consigned" if rng.random() < (0.75 if supplied else terms.consigns) else "owned"
            window = _opens(plan, lot, location)
            if made >= quota or window is None or (location.id, lot.id, ownership) in plan.taken:
                continue
            plan.add(location, lot, ownership, *window)
            made += 1
    return made


def _budgets(plan: Plan, movements: int) -> None:
    """Slots per level (at least 3, popular products more), adding up to ``movements``."""
    levels, rng, size = plan.levels, plan.rng, plan.seconds(plan.end) / plan.scale.windows
    spare = movements - 3 * len(levels)
    if spare < 0:
        raise ValueError(f"{movements} movements cannot cover {len(levels)} stock levels (3 each)")
    weights = [min(rng.paretovariate(1.6), 30.0) * (0.5 if lv.warehouse else 1.0) for lv in levels]
    total = sum(weights)
    for level, weight in zip(levels, weights, strict=True):
        level.slots = 3 + int(spare * weight / total)
        level.first = min(plan.scale.windows - 1, int(level.open_at // size))
        level.last = min(plan.scale.windows - 1, int((level.close_at - 1) // size))
    short = movements - sum(lv.slots for lv in levels)
    for i in rng.sample(range(len(levels)), k=short) if short <= len(levels) else range(short):
        levels[i % len(levels)].slots += 1


async def _read(
    session: AsyncSession, product_ids: Sequence[int], location_ids: Sequence[int]
) -> tuple[list[ProductInfo], list[Location]]:
    rows = await session.execute(
        sa.select(Product.id, Product.producer_id, Product.price_vnd, Product.shelf_life_days)
        .where(Product.id.in_(list(product_ids)))
        .order_by(Product.id)
    )
    products = [ProductInfo(*row) for row in rows]
    locations = list(
        await session.scalars(
            sa.select(Location).where(Location.id.in_(list(location_ids))).order_by(Location.id)
        )
    )
    return products, locations


def _plan(
    rng: random.Random,
    scale: StockScale,
    products: list[ProductInfo],
    locations: list[Location],
    lots: list[Lot],
    today: dt.date,
    first_level: int,
) -> Plan:
    producers = sorted({p.producer_id for p in products})
    terms = {
        pid: Terms(rng.choice((1_500, 2_000, 2_500)) if rng.random() < 0.2 else None, rng.uniform(0.2, 0.7))
        for pid in producers
    }
    start = today - dt.timedelta(days=scale.history_days)
    plan = Plan(rng, scale, start, today, terms, {}, [], first_level, set())
    by_producer: dict[int, list[Lot]] = {}
    by_product: dict[int, list[Lot]] = {}
    for lot in lots:
        by_producer.setdefault(lot.product.producer_id, []).append(lot)
        by_product.setdefault(lot.product.id, []).append(lot)
    for location in locations:
        if location.kind is LocationKind.producer and location.producer_id in by_producer:
            mine = plan.warehouse_of.setdefault(location.producer_id, {})
            for lot in by_producer[location.producer_id]:
                if len(plan.levels) < scale.levels and (window := _opens(plan, lot, location)):
                    mine[lot.id] = plan.add(location, lot, "owned", *window)
    public = [loc for loc in locations if loc.kind is not LocationKind.producer]
    carry = 0
    for location, quota in zip(public, _quotas(plan, public, scale.levels - len(plan.levels)), strict=True):
        carry += quota
        if carry:
            carry -= _fill(plan, location, by_product, carry)
    if carry:
        raise ValueError(f"{carry} stock levels did not fit: too few products or lots for {scale.levels}")
    return plan


async def load_stock(
    session: AsyncSession,
    *,
    product_ids: Sequence[int],
    location_ids: Sequence[int],
    today: dt.date,
    log: Log,
    scale: StockScale | None = None,
    seed: int = SEED,
) -> int:
    """Write the stock and its ledger; returns the number of stock levels."""
    scale = scale or StockScale()
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 - reproducible benchmark data, not security
    bulk = Bulk(session)
    products, locations = await _read(session, product_ids, location_ids)
    tables = [table_of(m) for m in (Batch, StockLevel, StockThreshold, Movement)]
    tables += [table_of(model) for model, _ in DOCUMENTS.values()]
    async with bulk.checks_suspended(tables):
        plan = await _write_plan(bulk, rng, scale, products, locations, today)
        log(f"Stock: {len(plan.levels)} stock levels ({time.perf_counter() - started:.1f} s)")
        user_id = await session.scalar(
            sa.select(PiccoloUser.id).where(PiccoloUser.username == users.ADMIN[0])
        )
        ledger = Ledger(
            bulk,
            rng,
            dt.datetime.combine(plan.start, dt.time(), dt.UTC),
            plan.seconds(plan.end) / scale.windows,
            scale.windows,
            user_id,
            await bulk.next_id(table_of(Movement)),
            {kind: await bulk.next_id(table_of(model)) for kind, (model, _) in DOCUMENTS.items()},
        )

        async def progress(w: int) -> None:
            if (w + 1) % 6 == 0 or w + 1 == scale.windows:
                log(f"Movements: {ledger.written} ({time.perf_counter() - started:.1f} s)")

        await ledger.play(plan.levels, progress)
        final = [(lv.id, lv.on_hand, lv.reserved) for lv in plan.levels]
        await bulk.update(table_of(StockLevel), ("id", "on_hand", "reserved"), final)
    await bulk.finish()
    log(f"Stock levels balanced, keys checked ({time.perf_counter() - started:.1f} s)")
    return len(plan.levels)


async def _write_plan(
    bulk: Bulk,
    rng: random.Random,
    scale: StockScale,
    products: list[ProductInfo],
    locations: list[Location],
    today: dt.date,
) -> Plan:
    """Batches, empty stock levels and thresholds, written; the plan the ledger plays."""
    batch, level_table = table_of(Batch), table_of(StockLevel)
    lots = _lots(rng, products, await bulk.next_id(batch), today, scale.lots_per_product)
    trace, now = _trace_codes(rng, set(await bulk.session.scalars(sa.select(Batch.trace_code)))), utcnow()
    await bulk.copy(
        batch,
        columns("id product_id code produced_on expires_on trace_code created_at"),
        [
            (b.id, b.product.id, f"L{b.produced_on:%y%m%d}-{b.id}", b.produced_on, b.expires_on, trace(), now)
            for b in lots
        ],
    )
    plan = _plan(rng, scale, products, locations, lots, today, await bulk.next_id(level_table))
    _budgets(plan, scale.movements)
    empty = [(lv.id, lv.location_id, lv.product_id, lv.batch_id, lv.ownership) for lv in plan.levels]
    costs = [(0, 0, lv.unit_cost, lv.commission_bp, now) for lv in plan.levels]
    await bulk.copy(level_table, LEVEL_COLUMNS, [a + b for a, b in zip(empty, costs, strict=True)])
    await _thresholds(bulk, rng, plan, now)
    return plan


async def _thresholds(bulk: Bulk, rng: random.Random, plan: Plan, now: dt.datetime) -> None:
    held = sorted({(lv.location_id, lv.product_id) for lv in plan.levels if not lv.warehouse})
    first = await bulk.next_id(table_of(StockThreshold))
    chosen = [pair for pair in held if rng.random() < THRESHOLD_SHARE]
    rows = [(first + i, loc, pid, rng.randint(3, 15), now) for i, (loc, pid) in enumerate(chosen)]
    await bulk.copy(
        table_of(StockThreshold), ("id", "location_id", "product_id", "minimum", "updated_at"), rows
    )
