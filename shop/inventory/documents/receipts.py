"""Receiving goods from a producer: a purchase at a unit cost, or a consignment.

On consignment the producer keeps ownership: the stock is ``consigned`` and carries the
agreed producer price or the commission rate, so its sales can be settled with the producer.
A producer's own warehouse receives its production as its own stock.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser
from shop.accounts.services import CurrentUser
from shop.catalog.models import Producer, Product
from shop.catalog.services import find_producer
from shop.errors import Conflict, NotFound, field_error
from shop.i18n import N_
from shop.inventory import access, batches, ledger, stock_changes
from shop.inventory.documents import lines
from shop.inventory.documents.models import Receipt, ReceiptKind, ReceiptLine, claim_client_id
from shop.inventory.models import Batch, DocumentKind, Location, LocationKind, MovementKind, Ownership
from shop.inventory.schemas import DocumentLineOut, ReceiptIn, ReceiptOut


def check_open(location: Location, today: dt.date) -> None:
    """Stock can come into an active location, and into a fair only until it ends."""
    if not location.is_active:
        raise Conflict(N_("{name} is closed."), name=location.name)
    if location.kind is LocationKind.fair and location.ends_on and location.ends_on < today:
        raise Conflict(N_("The fair {name} ended on {date}."), name=location.name, date=location.ends_on)


def _line_errors(data: ReceiptIn, found: dict[int, Product], producer: Producer) -> list[dict[str, Any]]:
    errors = lines.missing_products(data.lines, found)
    for i, line in enumerate(data.lines):
        product = found.get(line.product_id)
        if product is not None and product.producer_id != producer.id:
            errors.append(
                field_error(
                    f"lines[{i}].product_id",
                    N_("{product} is not made by {producer}."),
                    product=product.name,
                    producer=producer.name,
                )
            )
        if data.kind == "purchase" and line.unit_cost is None:
            errors.append(field_error(f"lines[{i}].unit_cost", N_("A purchase needs the unit cost.")))
        if data.kind == "consignment" and line.unit_cost is None and data.commission_rate_bp is None:
            errors.append(
                field_error(
                    f"lines[{i}].unit_cost",
                    N_("A consignment needs the agreed producer price or a commission rate."),
                )
            )
    if data.kind == "purchase" and data.commission_rate_bp is not None:
        errors.append(field_error("commission_rate_bp", N_("Only a consignment has a commission rate.")))
    return errors


def _wanted_batches(data: ReceiptIn, today: dt.date) -> tuple[list[batches.NewBatch], list[dict[str, Any]]]:
    wanted, errors = [], []
    for i, line in enumerate(data.lines):
        spec = line.batch
        code = spec.code if spec else None
        produced, expires = (spec.produced_on, spec.expires_on) if spec else (None, None)
        errors += batches.check_dates(f"lines[{i}].batch", produced, expires, today)
        wanted.append(
            batches.NewBatch(batches.BatchKey(line.product_id, code), produced, expires, f"lines[{i}].batch")
        )
    return wanted, errors


async def _already(session: AsyncSession, data: ReceiptIn, location: Location) -> Receipt | None:
    if data.client_id is None:
        return None
    await claim_client_id(session, data.client_id)
    receipt = await session.scalar(sa.select(Receipt).where(Receipt.client_id == data.client_id))
    if receipt is not None and receipt.location_id != location.id:
        raise Conflict(N_("This client id was already used for another document."))
    return receipt


async def receive(
    session: AsyncSession, user: CurrentUser, location: Location, data: ReceiptIn, *, today: dt.date
) -> Receipt:
    """Record the receipt, its batches, stock and movements; the same client id is a no-op."""
    if (done := await _already(session, data, location)) is not None:
        return done
    check_open(location, today)
    producer = await find_producer(session, data.producer_code, field="producer_code")
    if location.kind is LocationKind.producer and location.producer_id != producer.id:
        raise Conflict(N_("A producer's warehouse receives only that producer's goods."))
    found = await lines.products(session, (line.product_id for line in data.lines))
    wanted, date_errors = _wanted_batches(data, today)
    lines.raise_if(_line_errors(data, found, producer) + date_errors)
    by_key, errors = await batches.find_or_create(session, wanted)
    lines.raise_if(errors)
    own_stock = data.kind == "purchase" or location.kind is LocationKind.producer
    receipt = Receipt(
        client_id=data.client_id,
        location_id=location.id,
        producer_id=producer.id,
        kind=ReceiptKind.purchase if data.kind == "purchase" else ReceiptKind.consignment,
        commission_bp=data.commission_rate_bp,
        delivery_note=data.delivery_note,
        note=data.note,
        user_id=user.id,
    )
    session.add(receipt)
    await session.flush()
    ownership = Ownership.owned if own_stock else Ownership.consigned
    keys = [
        ledger.LevelKey(location.id, line.product_id, by_key[want.key].id, ownership)
        for line, want in zip(data.lines, wanted, strict=True)
    ]
    level_ids = await ledger.ensure_levels(session, keys)  # two statements for all the lines
    changes = []
    for line, want, key in zip(data.lines, wanted, keys, strict=True):
        batch = by_key[want.key]
        level_id = level_ids[key]
        changes.append(
            stock_changes.Change(
                level_id,
                MovementKind.receipt,
                quantity=line.quantity,
                unit_value=line.unit_cost,
                unit_cost=line.unit_cost,
                commission_bp=None if own_stock else data.commission_rate_bp,
                agreement=not own_stock,
            )
        )
        session.add(
            ReceiptLine(
                receipt_id=receipt.id,
                product_id=line.product_id,
                batch_id=batch.id,
                quantity=line.quantity,
                unit_cost_vnd=line.unit_cost,
            )
        )
    await ledger.apply(session, changes, stock_changes.Entry(DocumentKind.receipt, receipt.id, user.id))
    await session.flush()
    return receipt


async def find(session: AsyncSession, user: CurrentUser, receipt_id: int) -> Receipt:
    """A receipt of a location the user works at (404 otherwise)."""
    receipt = await session.get(Receipt, receipt_id)
    if receipt is not None and access.can_change(user, await session.get_one(Location, receipt.location_id)):
        return receipt
    raise NotFound(N_("No receipt {id}."), id=receipt_id)


async def find_at(session: AsyncSession, user: CurrentUser, location: Location, receipt_id: int) -> Receipt:
    """A receipt of this location that the user may see (404 otherwise)."""
    receipt = await find(session, user, receipt_id)
    if receipt.location_id != location.id:
        raise NotFound(N_("No receipt {id}."), id=receipt_id)
    return receipt


async def receipt_out(session: AsyncSession, receipt: Receipt) -> ReceiptOut:
    stmt = (
        sa.select(ReceiptLine, Product.name, Batch.code, Batch.expires_on)
        .join(Product, Product.id == ReceiptLine.product_id)
        .join(Batch, Batch.id == ReceiptLine.batch_id)
        .where(ReceiptLine.receipt_id == receipt.id)
        .order_by(ReceiptLine.id)
    )
    out_lines = [
        DocumentLineOut(line.product_id, name, code, line.quantity, line.unit_cost_vnd, expires)
        for line, name, code, expires in (await session.execute(stmt))
    ]
    location_code = await session.scalar(sa.select(Location.code).where(Location.id == receipt.location_id))
    producer = await session.get_one(Producer, receipt.producer_id)
    user = await username(session, receipt.user_id)
    return ReceiptOut(
        id=receipt.id,
        location=location_code or "",
        kind=receipt.kind.value,
        producer_code=producer.code,
        producer_name=producer.name,
        commission_rate_bp=receipt.commission_bp,
        delivery_note=receipt.delivery_note,
        note=receipt.note,
        received_at=receipt.received_at,
        user=user,
        lines=out_lines,
        total_vnd=sum(line.quantity * (line.unit_cost_vnd or 0) for line in out_lines),
    )


async def username(session: AsyncSession, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return await session.scalar(sa.select(PiccoloUser.username).where(PiccoloUser.id == user_id))
