"""Demo stock, through the real inventory services: every unit has its receipt and movement.

Each sales point receives goods of the producers of its own province (mostly on
consignment, some bought) in labelled lots; the cooperatives' warehouses hold their own
production; the main sales point has sent part of its stock to the fair, has thresholds,
a lot close to expiry, one damaged unit written off and a posted count — so every /pos/
screen has something to show on the first run.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser, Role, TokenKind
from shop.accounts.services import CurrentUser
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import sellable_product_clause
from shop.demo.sites import FAIR, MAIN_SALES_POINT
from shop.geo.models import Place
from shop.inventory import schemas as s
from shop.inventory.documents import counts, receipts, transfers, write_offs
from shop.inventory.models import Location, LocationKind, StockLevel
from shop.inventory.planning import low_stock

PRODUCERS_PER_POINT = 5
PRODUCTS_PER_RECEIPT = 4


@dataclass
class StockTally:
    receipts: int = 0
    units: int = 0
    transfers: int = 0


async def _office(session: AsyncSession) -> CurrentUser:
    user_id = await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == "admin"))
    if user_id is None:
        raise LookupError("the demo admin user must exist before the demo stock")
    return CurrentUser(user_id, "admin", Role.admin, None, frozenset(), TokenKind.session)


def _batch(product: Product, today: dt.date) -> s.BatchIn:
    """The product's current lot: the same lot reaches every sales point, with the same dates."""
    produced = today - dt.timedelta(days=3 + product.id % 43)
    life = product.shelf_life_days or 365
    expires = max(produced + dt.timedelta(days=life), today + dt.timedelta(days=25 + product.id % 300))
    return s.BatchIn(code=f"{produced:%y%m%d}-{product.id:04d}", produced_on=produced, expires_on=expires)


def _cost(product: Product) -> int:
    """What the shop pays: about 70% of the retail price, in whole thousands of đồng."""
    return max(1_000, product.price_vnd * 7 // 10 // 1_000 * 1_000)


async def _products_by_producer(session: AsyncSession, today: dt.date) -> dict[int, list[Product]]:
    stmt = (
        sa.select(Product).where(sellable_product_clause(today), Product.price_vnd > 0).order_by(Product.id)
    )
    out: dict[int, list[Product]] = defaultdict(list)
    for product in await session.scalars(stmt):
        out[product.producer_id].append(product)
    return out


async def _province_of(session: AsyncSession, place_id: int | None) -> int | None:
    if place_id is None:
        return None
    return await session.scalar(sa.select(Place.province_id).where(Place.id == place_id))


async def _receive(
    session: AsyncSession,
    office: CurrentUser,
    location: Location,
    producer: Producer,
    products: list[Product],
    *,
    rng: random.Random,
    today: dt.date,
    consigned: bool,
) -> int:
    lines = [
        s.LineIn(
            product_id=p.id,
            quantity=rng.randint(6, 40),
            batch=_batch(p, today),
            unit_cost=_cost(p) if not consigned or rng.random() < 0.6 else None,
        )
        for p in products
    ]
    commission = None if all(line.unit_cost for line in lines) or not consigned else 2_000
    data = s.ReceiptIn(
        kind="consignment" if consigned else "purchase",
        producer_code=producer.code,
        lines=lines,
        commission_rate_bp=commission,
        delivery_note=f"PGH-{rng.randint(1000, 9999)}",
    )
    await receipts.receive(session, office, location, data, today=today)
    return sum(line.quantity for line in lines)


async def _stock_point(
    session: AsyncSession,
    office: CurrentUser,
    location: Location,
    makers: list[Producer],
    catalog: dict[int, list[Product]],
    *,
    rng: random.Random,
    today: dt.date,
    tally: StockTally,
) -> None:
    # A producer's own warehouse holds its whole range (online orders ship from there).
    per_receipt = None if location.kind is LocationKind.producer else PRODUCTS_PER_RECEIPT
    for producer in makers:
        products = catalog.get(producer.id, [])[:per_receipt]
        if not products:
            continue
        consigned = location.kind is not LocationKind.producer and rng.random() < 0.7
        tally.units += await _receive(
            session, office, location, producer, products, rng=rng, today=today, consigned=consigned
        )
        tally.receipts += 1


async def add_demo_stock(session: AsyncSession, *, today: dt.date, rng: random.Random) -> StockTally:
    office = await _office(session)
    catalog = await _products_by_producer(session, today)
    producers = list(
        await session.scalars(sa.select(Producer).where(Producer.id.in_(catalog)).order_by(Producer.id))
    )
    # Today's province of each producer's products (producers' own addresses may use old units).
    provinces = {p.id: catalog[p.id][0].origin_province_id for p in producers}
    tally = StockTally()
    locations = list(
        await session.scalars(
            sa.select(Location).where(Location.kind != LocationKind.fair).order_by(Location.id)
        )
    )
    for location in locations:
        if location.kind is LocationKind.producer:
            makers = [p for p in producers if p.id == location.producer_id]
        else:
            here = await _province_of(session, location.place_id)
            local = [p for p in producers if provinces[p.id] == here]
            makers = rng.sample(local, min(PRODUCERS_PER_POINT, len(local))) if local else []
            makers += rng.sample(producers, 1)  # and one from elsewhere
        await _stock_point(session, office, location, makers, catalog, rng=rng, today=today, tally=tally)
    await _main_point_story(session, office, catalog, rng=rng, today=today, tally=tally)
    return tally


async def _main_point_story(
    session: AsyncSession,
    office: CurrentUser,
    catalog: dict[int, list[Product]],
    *,
    rng: random.Random,
    today: dt.date,
    tally: StockTally,
) -> None:
    """The main sales point's history: a fair, thresholds, a near-expiry lot, a write-off, a count."""
    main = await session.scalar(sa.select(Location).where(Location.code == MAIN_SALES_POINT))
    fair = await session.scalar(sa.select(Location).where(Location.code == FAIR))
    if main is None or fair is None:
        return
    stock = await _held(session, main.id)
    if not stock:
        return
    first, *rest = stock
    short_lot = s.BatchIn(
        code=f"{today:%y%m}-SAP-HET-HAN",
        produced_on=today - dt.timedelta(days=150),
        expires_on=today + dt.timedelta(days=20),
    )
    producer_code = await session.scalar(sa.select(Producer.code).join(Product).where(Product.id == first))
    await receipts.receive(
        session,
        office,
        main,
        s.ReceiptIn(
            kind="purchase",
            producer_code=producer_code or "",
            lines=[s.LineIn(product_id=first, quantity=6, batch=short_lot, unit_cost=30_000)],
        ),
        today=today,
    )
    to_fair = [s.LineIn(product_id=pid, quantity=3) for pid in stock[:4]]
    sent = await transfers.create(
        session,
        office,
        s.TransferIn(from_location=main.code, to_location=fair.code, lines=to_fair, send=True),
        today=today,
    )
    await transfers.receive(session, office, sent.id, s.TransferReceiveIn(), today=today)
    tally.transfers += 1
    await low_stock.set_thresholds(
        session, main, [s.ThresholdIn(product_id=pid, minimum=rng.randint(8, 15)) for pid in rest[:5]]
    )
    await write_offs.write_off(
        session,
        office,
        main,
        s.WriteOffIn(
            reason="damaged", note="Vỡ bao bì khi xếp kệ", lines=[s.LineIn(product_id=first, quantity=1)]
        ),
    )
    await counts.create(
        session,
        office,
        main,
        s.CountIn(scope="partial", product_ids=[rest[0]] if rest else [first], lines=[], post=False),
    )


async def _held(session: AsyncSession, location_id: int) -> list[int]:
    rows = await session.scalars(
        sa.select(StockLevel.product_id)
        .where(StockLevel.location_id == location_id, StockLevel.on_hand > 3)
        .distinct()
        .order_by(StockLevel.product_id)
    )
    return list(rows)
