"""The demo's stock: every /pos/ screen has something to show, and the ledger adds up."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.demo import loader
from shop.demo.sites import MAIN_SALES_POINT
from shop.inventory.check import check_ledger
from shop.inventory.documents.models import StockCount, Transfer, TransferStatus
from shop.inventory.models import Location, Movement, Ownership, StockThreshold
from shop.inventory.queries import shelf
from shop.inventory.queries import stock as queries

TODAY = dt.date(2026, 11, 23)


async def test_demo_stock_is_received_moved_counted_and_consistent(session: AsyncSession) -> None:
    await loader.load(session, scale="demo", today=TODAY, log=lambda _: None)
    await session.commit()

    report = await check_ledger(session)
    assert report.ok and report.movements > 100
    main = await session.scalar(sa.select(Location).where(Location.code == MAIN_SALES_POINT))
    assert main is not None
    stock = await queries.stock_list(session, main, queries.StockFilter(), page=1, page_size=200, today=TODAY)
    assert stock.total >= 5
    assert any(b.ownership == Ownership.consigned for item in stock.items for b in item.batches)
    assert await shelf.expiring(session, main, days=30, today=TODAY)
    assert await session.scalar(sa.select(sa.func.count()).select_from(StockThreshold)) == 5
    received = await session.scalar(sa.select(Transfer).where(Transfer.status == TransferStatus.received))
    assert received is not None
    assert await session.scalar(sa.select(StockCount.id).where(StockCount.location_id == main.id))
    compliance = await shelf.compliance(session, main, today=TODAY)
    assert compliance.certified_share == 1.0 and compliance.own_province_share > 0.5

    movements = await session.scalar(sa.select(sa.func.count()).select_from(Movement))
    await loader.load(session, scale="demo", today=TODAY, log=lambda _: None)
    assert await session.scalar(sa.select(sa.func.count()).select_from(Movement)) == movements
