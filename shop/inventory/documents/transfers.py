"""Moving stock between two locations: draft → sent (in transit) → received, or cancelled.

Sending picks the batches first-expiring-first and takes them off the source; what is in
transit is the transfer's items. Receiving puts what arrived at the destination; any
difference from what was sent (short or over) is recorded on the item with its reason.
Consigned goods stay their producer's wherever they go, except back in its own warehouse.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory import access, ledger, picking, stock_changes
from shop.inventory.documents import lines
from shop.inventory.documents.models import (
    Transfer,
    TransferItem,
    TransferLine,
    TransferStatus,
    claim_client_id,
)
from shop.inventory.documents.receipts import check_open
from shop.inventory.models import Batch, DocumentKind, Location, LocationKind, MovementKind, Ownership
from shop.inventory.schemas import ReceivedLineIn, TransferIn, TransferReceiveIn


def ownership_at(
    destination: Location, source: Location, ownership: Ownership, producer_id: int
) -> Ownership:
    """Whose the goods are once they arrive."""
    if destination.kind is LocationKind.producer and destination.producer_id == producer_id:
        return Ownership.owned  # back home: the producer's own stock again
    if source.kind is LocationKind.producer and source.producer_id == producer_id:
        return Ownership.consigned  # a producer's own goods placed at a sales point stay its
    return ownership


async def _destination(session: AsyncSession, code: str) -> Location:
    found = await session.scalar(sa.select(Location).where(Location.code == code))
    if found is None or not found.is_active:
        raise InvalidInput(errors=[field_error("to_location", N_("No location {code}."), code=code)])
    return found


async def create(session: AsyncSession, user: CurrentUser, data: TransferIn, *, today: dt.date) -> Transfer:
    """A draft transfer (sent at once with ``send``); the same client id is a no-op."""
    if data.client_id is not None:
        await claim_client_id(session, data.client_id)
        done = await session.scalar(sa.select(Transfer.id).where(Transfer.client_id == data.client_id))
        if done is not None:
            return await find(session, user, done)  # someone else's answers 404, never their document
    source = await access.location(session, user, data.from_location, change=True)
    destination = await _destination(session, data.to_location)
    if destination.id == source.id:
        raise InvalidInput(
            errors=[field_error("to_location", N_("A transfer needs two different locations."))]
        )
    check_open(destination, today)
    found = await lines.products(session, (line.product_id for line in data.lines))
    lines.raise_if(lines.missing_products(data.lines, found))
    named = await lines.existing_batches(session, data.lines)
    transfer = Transfer(
        client_id=data.client_id,
        from_location_id=source.id,
        to_location_id=destination.id,
        note=data.note,
        created_by=user.id,
    )
    session.add(transfer)
    await session.flush()
    session.add_all(
        TransferLine(
            transfer_id=transfer.id,
            product_id=line.product_id,
            batch_id=batch.id if (batch := named[i]) else None,
            quantity=line.quantity,
        )
        for i, line in enumerate(data.lines)
    )
    await session.flush()
    if data.send:
        await send(session, user, transfer.id, today=today)
    return transfer


async def find(session: AsyncSession, user: CurrentUser, transfer_id: int, *, lock: bool = False) -> Transfer:
    """A transfer the user may see: one whose source or destination is theirs.

    ``lock``: its status is about to change. The row is locked (PostgreSQL; SQLite's write
    transactions are serial anyway), so two clicks on "Send" cannot both see a draft."""
    transfer = await session.get(Transfer, transfer_id, with_for_update=lock, populate_existing=lock)
    if transfer is not None:
        ends = await session.scalars(
            sa.select(Location).where(Location.id.in_([transfer.from_location_id, transfer.to_location_id]))
        )
        if any(access.can_change(user, end) for end in ends):
            return transfer
    raise NotFound(N_("No transfer {id}."), id=transfer_id)


async def _end(session: AsyncSession, user: CurrentUser, location_id: int) -> Location:
    location = await session.get_one(Location, location_id)
    if not access.can_change(user, location):
        raise NotFound(N_("No location {code}."), code=location.code)
    return location


def _require(transfer: Transfer, status: TransferStatus) -> None:
    if transfer.status is not status:
        messages = {
            TransferStatus.draft: N_("Transfer {id} was already sent or cancelled."),
            TransferStatus.sent: N_("Transfer {id} is not in transit (it is {status})."),
        }
        raise Conflict(messages[status], id=transfer.id, status=transfer.status.value)


async def send(session: AsyncSession, user: CurrentUser, transfer_id: int, *, today: dt.date) -> Transfer:
    """Take the goods off the source, first-expiring first; they are in transit."""
    transfer = await find(session, user, transfer_id, lock=True)
    source = await _end(session, user, transfer.from_location_id)
    _require(transfer, TransferStatus.draft)
    check_open(await session.get_one(Location, transfer.to_location_id), today)
    requested = list(
        await session.scalars(sa.select(TransferLine).where(TransferLine.transfer_id == transfer.id))
    )
    names = {
        p.id: p.name for p in (await lines.products(session, (r.product_id for r in requested))).values()
    }
    stock = await picking.candidates(session, source.id, {r.product_id for r in requested})
    taken: dict[int, int] = {}
    changes, items = [], []
    for line in requested:
        picked = picking.allocate(
            stock.get(line.product_id, []),
            line.quantity,
            product_id=line.product_id,
            name=names.get(line.product_id),
            batch_id=line.batch_id,
            taken=taken,
        )
        for level, quantity in picked:
            changes.append(
                stock_changes.Change(
                    level.level_id, MovementKind.transfer_out, -quantity, unit_value=level.unit_cost
                )
            )
            items.append(_item(transfer, line, level, quantity))
    await ledger.apply(session, changes, stock_changes.Entry(DocumentKind.transfer, transfer.id, user.id))
    session.add_all(items)
    transfer.status, transfer.sent_at, transfer.sent_by = TransferStatus.sent, utcnow(), user.id
    await session.flush()
    return transfer


def _item(transfer: Transfer, line: TransferLine, level: picking.Candidate, quantity: int) -> TransferItem:
    return TransferItem(
        transfer_id=transfer.id,
        line_id=line.id,
        product_id=line.product_id,
        batch_id=level.batch_id,
        ownership=level.ownership,
        unit_cost_vnd=level.unit_cost,
        commission_bp=level.commission_bp,
        quantity_sent=quantity,
    )


async def _item_codes(session: AsyncSession, items: Sequence[TransferItem]) -> dict[int, str | None]:
    rows = await session.execute(
        sa.select(Batch.id, Batch.code).where(Batch.id.in_({i.batch_id for i in items}))
    )
    return dict(rows.all())


def _match(
    items: Sequence[TransferItem], codes: dict[int, str | None], line: ReceivedLineIn, field: str
) -> list[tuple[TransferItem, int]]:
    """Which items a received line speaks of, and how many of each arrived."""
    mine = [i for i in items if i.product_id == line.product_id]
    if line.ownership is not None:  # one lot sent both as own stock and on consignment
        mine = [i for i in mine if i.ownership.value == line.ownership]
    if line.batch_code is not None:
        mine = [i for i in mine if codes.get(i.batch_id) == line.batch_code]
    elif len(mine) > 1 and line.quantity != sum(i.quantity_sent for i in mine):
        mine = [i for i in mine if codes.get(i.batch_id) is None] or mine  # no code: the unlabelled lot
    if not mine:
        raise InvalidInput(
            errors=[field_error(f"{field}.product_id", N_("This product was not sent on this transfer."))]
        )
    if len(mine) == 1:
        return [(mine[0], line.quantity)]
    if line.quantity == sum(i.quantity_sent for i in mine):
        return [(i, i.quantity_sent) for i in mine]
    raise InvalidInput(
        errors=[
            field_error(
                f"{field}.batch_code", N_("Several batches of this product were sent: say which one.")
            )
        ]
    )


def _received(
    items: Sequence[TransferItem], codes: dict[int, str | None], data: TransferReceiveIn
) -> list[dict[str, Any]]:
    """Set each item's received quantity and reason; the errors of lines that do not add up."""
    errors: list[dict[str, Any]] = []
    for i, line in enumerate(data.lines):
        field = f"lines[{i}]"
        for item, quantity in _match(items, codes, line, field):
            item.quantity_received = quantity
            if quantity != item.quantity_sent:
                item.discrepancy_reason = line.reason
                if not line.reason:
                    message = (
                        N_("More arrived than was sent: say why.")
                        if quantity > item.quantity_sent
                        else N_("Less arrived than was sent: say why.")
                    )
                    errors.append(field_error(f"{field}.reason", message))
    for item in items:
        if item.quantity_received is None:
            item.quantity_received = item.quantity_sent  # not mentioned: arrived as sent
    return errors


async def receive(
    session: AsyncSession, user: CurrentUser, transfer_id: int, data: TransferReceiveIn, *, today: dt.date
) -> Transfer:
    """Put what arrived into the destination's stock, recording shortages and surpluses."""
    transfer = await find(session, user, transfer_id, lock=True)
    destination = await _end(session, user, transfer.to_location_id)
    _require(transfer, TransferStatus.sent)
    source = await session.get_one(Location, transfer.from_location_id)
    items = list(
        await session.scalars(sa.select(TransferItem).where(TransferItem.transfer_id == transfer.id))
    )
    errors = _received(items, await _item_codes(session, items), data)
    if errors:
        raise InvalidInput(errors=errors)
    producers = dict(
        (
            await session.execute(
                sa.select(Product.id, Product.producer_id).where(
                    Product.id.in_({i.product_id for i in items})
                )
            )
        ).all()
    )
    changes = []
    for item in items:
        if not item.quantity_received:
            continue
        ownership = ownership_at(destination, source, item.ownership, producers[item.product_id])
        level_id = await ledger.ensure_level(
            session,
            location_id=destination.id,
            product_id=item.product_id,
            batch_id=item.batch_id,
            ownership=ownership,
        )
        changes.append(
            stock_changes.Change(
                level_id,
                MovementKind.transfer_in,
                item.quantity_received,
                unit_value=item.unit_cost_vnd,
                reason=item.discrepancy_reason,
                unit_cost=item.unit_cost_vnd,
                commission_bp=item.commission_bp if ownership is Ownership.consigned else None,
                agreement=ownership is Ownership.consigned,
            )
        )
    await ledger.apply(session, changes, stock_changes.Entry(DocumentKind.transfer, transfer.id, user.id))
    transfer.status, transfer.received_at, transfer.received_by = TransferStatus.received, utcnow(), user.id
    await session.flush()
    return transfer


async def cancel(session: AsyncSession, user: CurrentUser, transfer_id: int) -> Transfer:
    transfer = await find(session, user, transfer_id, lock=True)
    await _end(session, user, transfer.from_location_id)
    _require(transfer, TransferStatus.draft)
    transfer.status, transfer.cancelled_at = TransferStatus.cancelled, utcnow()
    await session.flush()
    return transfer
