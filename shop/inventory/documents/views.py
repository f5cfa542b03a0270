"""Transfers and counts as the API and the pages show them."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.inventory import schemas
from shop.inventory.documents import count_review
from shop.inventory.documents.models import (
    CountStatus,
    StockCount,
    StockCountLine,
    Transfer,
    TransferItem,
    TransferLine,
    TransferStatus,
)
from shop.inventory.models import Batch, Location, StockLevel


async def _names(session: AsyncSession, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict((await session.execute(sa.select(Product.id, Product.name).where(Product.id.in_(ids)))).all())


async def _batches(session: AsyncSession, ids: set[int]) -> dict[int, Batch]:
    if not ids:
        return {}
    return {b.id: b for b in await session.scalars(sa.select(Batch).where(Batch.id.in_(ids)))}


async def transfer_out(session: AsyncSession, transfer: Transfer) -> schemas.TransferOut:
    requested = list(
        await session.scalars(
            sa.select(TransferLine).where(TransferLine.transfer_id == transfer.id).order_by(TransferLine.id)
        )
    )
    items = list(
        await session.scalars(
            sa.select(TransferItem).where(TransferItem.transfer_id == transfer.id).order_by(TransferItem.id)
        )
    )
    names = await _names(session, {r.product_id for r in requested})
    found = await _batches(
        session, {r.batch_id for r in requested if r.batch_id} | {i.batch_id for i in items}
    )
    ends = {
        loc.id: loc
        for loc in await session.scalars(
            sa.select(Location).where(Location.id.in_([transfer.from_location_id, transfer.to_location_id]))
        )
    }
    source, destination = ends[transfer.from_location_id], ends[transfer.to_location_id]
    received = [i.quantity_received for i in items]
    return schemas.TransferOut(
        id=transfer.id,
        status=transfer.status.value,
        from_location=source.code,
        from_name=source.name,
        to_location=destination.code,
        to_name=destination.name,
        note=transfer.note,
        created_at=transfer.created_at,
        sent_at=transfer.sent_at,
        received_at=transfer.received_at,
        lines=[
            schemas.TransferLineOut(
                r.product_id,
                names.get(r.product_id, ""),
                found[r.batch_id].code if r.batch_id else None,
                r.quantity,
            )
            for r in requested
        ],
        items=[
            schemas.TransferItemOut(
                product_id=i.product_id,
                product_name=names.get(i.product_id, ""),
                batch_code=found[i.batch_id].code,
                expires_on=found[i.batch_id].expires_on,
                ownership=i.ownership.value,
                quantity_sent=i.quantity_sent,
                quantity_received=i.quantity_received,
                discrepancy_reason=i.discrepancy_reason,
            )
            for i in items
        ],
        units_sent=sum(i.quantity_sent for i in items),
        units_received=sum(r or 0 for r in received) if transfer.status is TransferStatus.received else None,
    )


async def list_transfers(
    session: AsyncSession,
    location: Location,
    *,
    direction: str | None = None,
    status: TransferStatus | None = None,
    limit: int = 100,
) -> list[schemas.TransferOut]:
    """Transfers into or out of a location, newest first."""
    stmt = transfers_select(location, direction=direction, status=status).limit(limit)
    return [await transfer_out(session, t) for t in await session.scalars(stmt)]


def transfers_select(
    location: Location, *, direction: str | None = None, status: TransferStatus | None = None
) -> sa.Select[Transfer]:
    outgoing, incoming = Transfer.from_location_id == location.id, Transfer.to_location_id == location.id
    where = {"out": outgoing, "in": incoming}.get(direction or "", sa.or_(outgoing, incoming))
    stmt = sa.select(Transfer).where(where).order_by(Transfer.id.desc())
    if status is not None:
        stmt = stmt.where(Transfer.status == status)
    return stmt


async def count_out(session: AsyncSession, user: CurrentUser, count: StockCount) -> schemas.CountOut:
    sheet = list(
        await session.scalars(
            sa.select(StockCountLine).where(StockCountLine.count_id == count.id).order_by(StockCountLine.id)
        )
    )
    names = await _names(session, {cl.product_id for cl in sheet})
    found = await _batches(session, {cl.batch_id for cl in sheet})
    location = await session.get_one(Location, count.location_id)
    is_open = count.status is CountStatus.open
    live = await _on_hand(session, location.id, sheet) if is_open and not count.blind else {}
    out_lines = []
    for cl in sheet:
        expected = cl.expected  # fixed when the line was counted
        if is_open and expected is None:
            expected = live.get((cl.batch_id, cl.ownership.value))
        if is_open and count.blind:
            expected = None  # a blind count shows no expected figure until it is posted
        difference = cl.counted - expected if cl.counted is not None and expected is not None else None
        out_lines.append(
            schemas.CountLineOut(
                product_id=cl.product_id,
                product_name=names.get(cl.product_id, ""),
                batch_code=found[cl.batch_id].code,
                ownership=cl.ownership.value,
                counted=cl.counted,
                expected=expected,
                difference=difference,
                reason=cl.reason,
            )
        )
    posted = count.status is CountStatus.posted
    return schemas.CountOut(
        id=count.id,
        location=location.code,
        scope=count.scope.value,
        blind=count.blind,
        status=count.status.value,
        note=count.note,
        created_at=count.created_at,
        posted_at=count.posted_at,
        lines=out_lines,
        counted_lines=sum(1 for cl in sheet if cl.counted is not None),
        adjusted_units=sum(line.difference or 0 for line in out_lines) if posted else 0,
    )


async def _on_hand(
    session: AsyncSession, location_id: int, sheet: Sequence[StockCountLine]
) -> dict[tuple[int, str], int]:
    rows = await session.execute(
        sa.select(StockLevel.batch_id, StockLevel.ownership, StockLevel.on_hand).where(
            StockLevel.location_id == location_id, StockLevel.batch_id.in_({cl.batch_id for cl in sheet})
        )
    )
    return {(batch_id, ownership.value): on_hand for batch_id, ownership, on_hand in rows}


async def list_counts(
    session: AsyncSession, user: CurrentUser, location: Location, limit: int = 50
) -> list[schemas.CountOut]:
    stmt = counts_select(location).limit(limit)
    return [await count_out(session, user, c) for c in await session.scalars(stmt)]


def counts_select(location: Location) -> sa.Select[StockCount]:
    """A location's counts, newest first."""
    return sa.select(StockCount).where(StockCount.location_id == location.id).order_by(StockCount.id.desc())


def _variance_out(v: count_review.Variance, *, hidden: bool) -> schemas.CountVarianceOut:
    return schemas.CountVarianceOut(
        line=v.index,
        product_id=v.product_id,
        product_name=v.product_name,
        batch_code=v.batch_code,
        ownership=v.ownership,
        counted=v.counted,
        expected=None if hidden else v.expected,
        difference=None if hidden else v.difference,
        value_vnd=None if hidden else v.value_vnd,
        reason=v.reason,
    )


async def review_out(session: AsyncSession, count: StockCount) -> schemas.CountReviewOut:
    """The review of a count; an open blind count keeps every figure of the books hidden."""
    found = await count_review.review(session, count)
    hidden = count.blind and count.status is CountStatus.open
    return schemas.CountReviewOut(
        count_id=count.id,
        blind=count.blind,
        lines_on_sheet=found.lines_on_sheet,
        lines_counted=found.lines_counted,
        units_counted=found.units_counted,
        reason_over_vnd=found.threshold_vnd,
        units_lost=None if hidden else found.units_lost,
        units_found=None if hidden else found.units_found,
        value_lost_vnd=None if hidden else found.value_lost_vnd,
        value_found_vnd=None if hidden else found.value_found_vnd,
        largest=[] if hidden else [_variance_out(v, hidden=False) for v in found.largest],
        need_reason=[_variance_out(v, hidden=hidden) for v in found.need_reason],
    )
