"""The end of a trade fair: what is left, where it came from, and sending it back.

By the end of a fair every unit is sold or moved back. The reconciliation lists what is
left with its origin (the location it was transferred from, or the producer that brought
it), so staff can send each lot home with one transfer or one return to its producer.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer
from shop.inventory import schemas
from shop.inventory.documents.models import Receipt, Transfer, TransferItem, TransferStatus
from shop.inventory.models import Batch, DocumentKind, Location, Movement, MovementKind, StockLevel
from shop.inventory.queries.stock import product_refs

ARRIVALS = (MovementKind.receipt, MovementKind.transfer_in)


async def _origins(
    session: AsyncSession, location_id: int, level_ids: list[int]
) -> dict[int, tuple[str, str]]:
    """For each level, where its first arrival came from: ("location"|"producer", code)."""
    if not level_ids:
        return {}
    first = (
        sa.select(sa.func.min(Movement.id))
        .where(
            Movement.location_id == location_id,
            Movement.stock_level_id.in_(level_ids),
            Movement.kind.in_(ARRIVALS),
        )
        .group_by(Movement.stock_level_id)
    )
    arrivals = list(await session.scalars(sa.select(Movement).where(Movement.id.in_(first))))
    transfers = {m.document_id for m in arrivals if m.document_kind is DocumentKind.transfer}
    receipts = {m.document_id for m in arrivals if m.document_kind is DocumentKind.receipt}
    sources = dict(
        (
            await session.execute(
                sa.select(Transfer.id, Location.code)
                .join(Location, Location.id == Transfer.from_location_id)
                .where(Transfer.id.in_(transfers))
            )
        ).all()
    )
    producers = dict(
        (
            await session.execute(
                sa.select(Receipt.id, Producer.code)
                .join(Producer, Producer.id == Receipt.producer_id)
                .where(Receipt.id.in_(receipts))
            )
        ).all()
    )
    out = {}
    for m in arrivals:
        if m.document_kind is DocumentKind.transfer and m.document_id in sources:
            out[m.stock_level_id] = ("location", sources[m.document_id])
        elif m.document_kind is DocumentKind.receipt and m.document_id in producers:
            out[m.stock_level_id] = ("producer", producers[m.document_id])
    return out


async def reconciliation(
    session: AsyncSession, location: Location, *, today: dt.date
) -> schemas.ReconciliationOut:
    rows = (
        await session.execute(
            sa.select(StockLevel, Batch)
            .join(Batch, Batch.id == StockLevel.batch_id)
            .where(StockLevel.location_id == location.id, StockLevel.on_hand > 0)
            .order_by(StockLevel.product_id, StockLevel.id)
        )
    ).all()
    origins = await _origins(session, location.id, [level.id for level, _ in rows])
    refs = await product_refs(session, {level.product_id for level, _ in rows}, on=today)
    in_transit = await session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(TransferItem.quantity_sent), 0))
        .join(Transfer, Transfer.id == TransferItem.transfer_id)
        .where(Transfer.to_location_id == location.id, Transfer.status == TransferStatus.sent)
    )
    lines = []
    for level, batch in rows:
        kind, code = origins.get(level.id, (None, None))
        lines.append(
            schemas.ReconciliationLineOut(
                product=refs[level.product_id],
                batch_code=batch.code,
                ownership=level.ownership.value,
                on_hand=level.on_hand,
                came_from=code,
                came_from_kind=kind,  # type: ignore[arg-type]  # "location" | "producer" | None
            )
        )
    return schemas.ReconciliationOut(
        location=location.code,
        ends_on=location.ends_on,
        ended=bool(location.ends_on and location.ends_on < today),
        units_left=sum(line.on_hand for line in lines),
        in_transit_in=int(in_transit or 0),
        lines=lines,
    )
