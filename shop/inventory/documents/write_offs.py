"""Taking goods off a location's books: write-offs (damaged, expired, lost) and returns of
unsold goods to their producer. Both pick first-expiring first unless a batch is named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.catalog.services import find_producer
from shop.errors import Conflict, field_error
from shop.i18n import N_
from shop.inventory import ledger, picking, stock_changes
from shop.inventory.documents import lines
from shop.inventory.documents.models import ProducerReturn, WriteOff, WriteOffReason, claim_client_id
from shop.inventory.models import Batch, DocumentKind, Location, Movement, MovementKind, Ownership
from shop.inventory.schemas import DocumentLineOut, LineIn, ProducerReturnIn, WriteOffIn


async def take(
    session: AsyncSession,
    location: Location,
    wanted: Sequence[LineIn],
    kind: MovementKind,
    entry: stock_changes.Entry,
    *,
    prefer: Ownership | None = None,
) -> None:
    """Decrement each line from the location's stock (FEFO, or the named batch).

    The hot path of every sale: the stock is read (and locked) once, and products are read
    only to explain a refusal (an unknown product, or whose stock is short)."""
    named = await lines.existing_batches(session, wanted)
    stock = await picking.candidates(session, location.id, {line.product_id for line in wanted})
    taken: dict[int, int] = {}
    changes = []
    for i, line in enumerate(wanted):
        batch = named[i]
        try:
            picked = picking.allocate(
                stock.get(line.product_id, []),
                line.quantity,
                product_id=line.product_id,
                batch_id=batch.id if batch else None,
                taken=taken,
                prefer=prefer,
            )
        except stock_changes.InsufficientStock as short:
            await _explain(session, wanted, short)
        changes += [stock_changes.Change(lv.level_id, kind, -q, unit_value=lv.unit_cost) for lv, q in picked]
    await ledger.apply(session, changes, entry)


async def _explain(
    session: AsyncSession, wanted: Sequence[LineIn], short: stock_changes.InsufficientStock
) -> NoReturn:
    """A refusal as the person needs it: which product does not exist, or which one is short."""
    found = await lines.products(session, (line.product_id for line in wanted))
    lines.raise_if(lines.missing_products(wanted, found))
    raise stock_changes.InsufficientStock(
        product_id=short.product_id,
        requested=short.requested,
        available=short.available,
        name=found[short.product_id].name,
    ) from None


def _same_location(location_id: int, location: Location) -> None:
    """A client id names one document: reused at another location it is a mistake."""
    if location_id != location.id:
        raise Conflict(N_("This client id was already used for another document."))


async def write_off(
    session: AsyncSession, user: CurrentUser, location: Location, data: WriteOffIn
) -> WriteOff:
    if data.client_id is not None:
        await claim_client_id(session, data.client_id)
        done = await session.scalar(sa.select(WriteOff).where(WriteOff.client_id == data.client_id))
        if done is not None:
            _same_location(done.location_id, location)
            return done
    document = WriteOff(
        client_id=data.client_id,
        location_id=location.id,
        reason=WriteOffReason(data.reason),
        note=data.note,
        user_id=user.id,
    )
    session.add(document)
    await session.flush()
    # The movement carries the person's words; why (damaged, expired…) is on its document.
    entry = stock_changes.Entry(
        DocumentKind.write_off, document.id, user.id, reason=(data.note or "")[:300] or None
    )
    await take(session, location, data.lines, MovementKind.write_off, entry)
    return document


async def return_to_producer(
    session: AsyncSession, user: CurrentUser, location: Location, data: ProducerReturnIn
) -> ProducerReturn:
    """Hand unsold goods back to their producer (only that producer's products)."""
    if data.client_id is not None:
        await claim_client_id(session, data.client_id)
        done = await session.scalar(
            sa.select(ProducerReturn).where(ProducerReturn.client_id == data.client_id)
        )
        if done is not None:
            _same_location(done.location_id, location)
            return done
    producer = await find_producer(session, data.producer_code, field="producer_code")
    found = await lines.products(session, (line.product_id for line in data.lines))
    errors = [
        field_error(
            f"lines[{i}].product_id",
            N_("{product} is not made by {producer}."),
            product=p.name,
            producer=producer.name,
        )
        for i, line in enumerate(data.lines)
        if (p := found.get(line.product_id)) is not None and p.producer_id != producer.id
    ]
    lines.raise_if(errors)
    if location.producer_id == producer.id:
        raise Conflict(N_("These goods are already at their producer's warehouse."))
    document = ProducerReturn(
        client_id=data.client_id,
        location_id=location.id,
        producer_id=producer.id,
        note=data.note,
        user_id=user.id,
    )
    session.add(document)
    await session.flush()
    entry = stock_changes.Entry(DocumentKind.producer_return, document.id, user.id, reason=data.note)
    await take(session, location, data.lines, MovementKind.producer_return, entry, prefer=Ownership.consigned)
    return document


async def movement_lines(
    session: AsyncSession, kind: DocumentKind, document_id: int
) -> list[DocumentLineOut]:
    """A write-off's or return's lines: its movements, read back."""
    stmt = (
        sa.select(Movement, Product.name, Batch.code, Batch.expires_on)
        .join(Product, Product.id == Movement.product_id)
        .join(stock_changes.LEVEL, stock_changes.LEVEL.c.id == Movement.stock_level_id)
        .join(Batch, Batch.id == stock_changes.LEVEL.c.batch_id)
        .where(Movement.document_kind == kind, Movement.document_id == document_id)
        .order_by(Movement.id)
    )
    return [
        DocumentLineOut(m.product_id, name, code, -m.quantity, m.unit_value_vnd, expires)
        for m, name, code, expires in (await session.execute(stmt))
    ]
