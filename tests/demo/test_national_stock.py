"""The national stock loader, at a tiny scale: exact counts and a consistent ledger."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.demo import national, users
from shop.demo.national_stock import StockScale
from shop.inventory.check import check_ledger
from shop.inventory.documents.models import Receipt, ReceiptLine, Transfer, TransferItem
from shop.inventory.models import Batch, LocationKind, Movement, StockLevel
from tests import factories

TODAY = dt.date(2026, 12, 1)
SCALE = StockScale(levels=120, movements=2_400, history_days=120, windows=6, lots_per_product=3)


async def _count(session: AsyncSession, model: type, *where: sa.ColumnElement[bool]) -> int:
    return int(await session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0)


async def test_tiny_national_stock_adds_up(session: AsyncSession) -> None:
    await users.ensure_user(session, *users.ADMIN)
    makers = [await factories.producer(session) for _ in range(4)]
    products = [
        await factories.product(session, maker, shelf_life_days=life)
        for maker in makers
        for life in (30, 180, None)
    ]
    locations = [await factories.location(session) for _ in range(3)]
    locations.append(await factories.location(session, LocationKind.producer, producer_id=makers[0].id))
    locations.append(
        await factories.location(
            session,
            LocationKind.fair,
            starts_on=TODAY - dt.timedelta(days=20),
            ends_on=TODAY - dt.timedelta(days=16),
        )
    )

    added = await national.load_national_stock(
        session,
        product_ids=[p.id for p in products],
        location_ids=[loc.id for loc in locations],
        today=TODAY,
        log=lambda _: None,
        scale=SCALE,
    )
    await session.commit()

    assert added == SCALE.levels == await _count(session, StockLevel)
    assert await _count(session, Movement) == SCALE.movements
    report = await check_ledger(session)
    assert report.ok, report.mismatches[:3]
    assert (report.levels, report.movements) == (SCALE.levels, SCALE.movements)
    # Running balances: each movement's on_hand_after is the sum so far, never negative.
    rows = (
        await session.execute(
            sa.select(Movement.stock_level_id, Movement.quantity, Movement.on_hand_after).order_by(
                Movement.id
            )
        )
    ).all()
    running: dict[int, int] = {}
    for level_id, quantity, after in rows:
        running[level_id] = running.get(level_id, 0) + quantity
        assert running[level_id] == after >= 0
    kinds = set(await session.scalars(sa.select(Movement.kind).distinct()))
    assert {"receipt", "sale", "transfer_in", "transfer_out"} <= {k.value for k in kinds}
    # The warehouse holds only its producer's goods, as its own.
    warehouse = locations[3]
    held = (
        await session.execute(
            sa.select(Product.producer_id, StockLevel.ownership)
            .join(Product, Product.id == StockLevel.product_id)
            .where(StockLevel.location_id == warehouse.id)
            .distinct()
        )
    ).all()
    assert [(p, o.value) for p, o in held] == [(makers[0].id, "owned")]
    # What a transfer brought from the warehouse stays the producer's: consigned.
    arrived = sa.select(Movement.stock_level_id).where(Movement.kind == "transfer_in")
    assert set(
        await session.scalars(sa.select(StockLevel.ownership).where(StockLevel.id.in_(arrived)).distinct())
    ) == {"consigned"}
    assert await _count(session, Receipt) > 0 and await _count(session, Transfer) > 0
    received = sa.select(sa.func.sum(ReceiptLine.quantity))
    receipts_in = sa.select(sa.func.sum(Movement.quantity)).where(Movement.kind == "receipt")
    assert await session.scalar(received) == await session.scalar(receipts_in)
    sent = sa.select(sa.func.sum(TransferItem.quantity_sent))
    moved = sa.select(-sa.func.sum(Movement.quantity)).where(Movement.kind == "transfer_out")
    assert await session.scalar(sent) == await session.scalar(moved)
    assert await _count(session, Batch, Batch.expires_on < TODAY) > 0
