"""Reading stock: a location's stock list, its ledger, near-expiry goods, compliance.

Each read is a fixed handful of statements whatever the page size (no N+1): the page's
products first, then their batches, thresholds and names in one query each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import sellable_product_clause
from shop.inventory import schemas
from shop.inventory.documents.models import WriteOff
from shop.inventory.models import (
    Batch,
    DocumentKind,
    Location,
    Movement,
    MovementKind,
    Ownership,
    StockLevel,
    StockThreshold,
)
from shop.paging import Page
from shop.text import search_terms


@dataclass(frozen=True)
class StockFilter:
    q: str | None = None
    producer_id: int | None = None  # a cooperative sees only its own products
    ownership: Ownership | None = None
    low: bool = False  # only products at or below their threshold
    expiring_within: int | None = None  # days
    product_id: int | None = None


def _search(stmt: sa.Select[*tuple[Any, ...]], q: str | None) -> sa.Select[*tuple[Any, ...]]:
    """Folded words against the product's search text; a scanned barcode matches its GTIN."""
    if not q:
        return stmt
    if q.strip().isascii() and q.strip().isdigit():  # "²".isdigit() is True too
        return stmt.where(sa.or_(Product.gtin == q.strip(), Product.id == int(q.strip()[:9])))
    for term in search_terms(q):
        stmt = stmt.where(Product.search_text.like(f"%{term}%"))
    return stmt


async def product_refs(
    session: AsyncSession, ids: Iterable[int], *, on: dt.date
) -> dict[int, schemas.ProductRef]:
    wanted = set(ids)
    if not wanted:
        return {}
    sellable = sa.case((sellable_product_clause(on), True), else_=False)
    stmt = (
        sa.select(
            Product.id,
            Product.name,
            Product.slug,
            Product.unit,
            Product.gtin,
            Producer.code,
            Producer.name.label("producer_name"),
            Product.stars,
            sellable.label("sellable"),
        )
        .join(Producer)
        .where(Product.id.in_(wanted))
    )
    return {
        r.id: schemas.ProductRef(
            id=r.id,
            name=r.name,
            slug=r.slug,
            unit=r.unit,
            gtin=r.gtin,
            producer_code=r.code,
            producer_name=r.producer_name,
            stars=r.stars,
            sellable=bool(r.sellable),
        )
        for r in await session.execute(stmt)
    }


def _totals(
    location_id: int, filters: StockFilter, today: dt.date
) -> tuple[sa.Select[*tuple[Any, ...]], sa.ColumnElement[Any]]:
    """One row per product held here: totals and threshold, filtered; and its product id column.

    The location's levels are summed per product first (an index range on ``stock_level``),
    then joined to their products: joining products first lets the planner walk the whole
    catalogue in name order, probing each product for stock here.
    """
    level_filters: list[sa.ColumnElement[bool]] = [StockLevel.location_id == location_id]
    if filters.product_id is not None:
        level_filters.append(StockLevel.product_id == filters.product_id)
    if filters.ownership is not None:
        level_filters.append(StockLevel.ownership == filters.ownership)
    per_level = sa.select(
        StockLevel.product_id,
        sa.func.sum(StockLevel.on_hand - StockLevel.reserved).label("available"),
        sa.func.sum(StockLevel.on_hand).label("on_hand"),
    )
    if filters.expiring_within is not None:
        per_level = per_level.join(Batch, Batch.id == StockLevel.batch_id)
        level_filters += [
            StockLevel.on_hand > 0,
            Batch.expires_on <= today + dt.timedelta(days=filters.expiring_within),
        ]
    sums = per_level.where(*level_filters).group_by(StockLevel.product_id).subquery()
    stmt: sa.Select[*tuple[Any, ...]] = (
        sa.select(sums.c.product_id, Product.name, sums.c.available)
        .join(Product, Product.id == sums.c.product_id)
        .outerjoin(
            StockThreshold,
            sa.and_(
                StockThreshold.location_id == location_id, StockThreshold.product_id == sums.c.product_id
            ),
        )
    )
    stmt = _search(stmt, filters.q)
    if filters.producer_id is not None:
        stmt = stmt.where(Product.producer_id == filters.producer_id)
    if filters.low:
        return stmt.where(sums.c.available <= StockThreshold.minimum), sums.c.product_id
    return stmt.where(sa.or_(sums.c.on_hand > 0, StockThreshold.minimum.is_not(None))), sums.c.product_id


async def stock_list(
    session: AsyncSession,
    location: Location,
    filters: StockFilter,
    *,
    page: int,
    page_size: int,
    today: dt.date,
) -> Page[schemas.StockOut]:
    totals, product_id = _totals(location.id, filters, today)
    # The total rides along the page (one pass instead of two); past the last page, count.
    paged = totals.add_columns(sa.func.count().over().label("total"))
    rows = (
        await session.execute(
            paged.order_by(Product.name, product_id).limit(page_size).offset((page - 1) * page_size)
        )
    ).all()
    if rows:
        total = int(rows[0].total)
    else:
        total = await session.scalar(sa.select(sa.func.count()).select_from(totals.subquery())) or 0
    ids = [row.product_id for row in rows]
    items = await stock_of(session, location.id, ids, today=today, ownership=filters.ownership)
    return Page(items=[items[i] for i in ids if i in items], total=total, page=page, page_size=page_size)


async def stock_of(
    session: AsyncSession,
    location_id: int,
    product_ids: Sequence[int],
    *,
    today: dt.date,
    ownership: Ownership | None = None,
) -> dict[int, schemas.StockOut]:
    """The stock of these products at the location, batch by batch, first-expiring first.

    Plain rows, not ORM objects: a page of a busy sales point has hundreds of lots, and
    building an object per row cost more than the query."""
    if not product_ids:
        return {}
    stmt = (
        sa.select(
            StockLevel.id,
            StockLevel.product_id,
            StockLevel.ownership,
            StockLevel.on_hand,
            StockLevel.reserved,
            StockLevel.unit_cost_vnd,
            StockLevel.commission_bp,
            Batch.code,
            Batch.produced_on,
            Batch.expires_on,
            Batch.trace_code,
        )
        .join(Batch, Batch.id == StockLevel.batch_id)
        .where(
            StockLevel.location_id == location_id,
            StockLevel.product_id.in_(product_ids),
            sa.or_(StockLevel.on_hand > 0, StockLevel.reserved > 0),
        )
    )
    if ownership is not None:
        stmt = stmt.where(StockLevel.ownership == ownership)
    grouped: dict[int, list[Any]] = {}
    for row in await session.execute(stmt):
        grouped.setdefault(row[1], []).append(row)
    minimums = dict(
        (
            await session.execute(
                sa.select(StockThreshold.product_id, StockThreshold.minimum).where(
                    StockThreshold.location_id == location_id, StockThreshold.product_id.in_(product_ids)
                )
            )
        ).all()
    )
    refs = await product_refs(session, product_ids, on=today)
    return {
        pid: _stock_out(refs[pid], grouped.get(pid, []), minimums.get(pid))
        for pid in product_ids
        if pid in refs
    }


def batch_out(batch: Batch) -> schemas.BatchOut:
    return schemas.BatchOut(batch.code, batch.produced_on, batch.expires_on, batch.trace_code)


def _stock_out(ref: schemas.ProductRef, levels: list[Any], minimum: int | None) -> schemas.StockOut:
    """One product's stock from ``stock_of``'s rows (unpacked by position: it is the hot loop)."""
    levels.sort(key=lambda r: (r[9] or dt.date.max, r[0]))
    shown = [
        schemas.StockBatchOut(
            batch=schemas.BatchOut(code, produced_on, expires_on, trace_code),
            ownership=ownership.value,
            on_hand=on_hand,
            reserved=reserved,
            available=on_hand - reserved,
            unit_cost_vnd=cost,
            commission_bp=commission,
        )
        for (
            _,
            _,
            ownership,
            on_hand,
            reserved,
            cost,
            commission,
            code,
            produced_on,
            expires_on,
            trace_code,
        ) in (levels)
    ]
    on_hand = sum(b.on_hand for b in shown)
    reserved = sum(b.reserved for b in shown)
    expiries = [b.batch.expires_on for b in shown if b.batch.expires_on and b.on_hand]
    return schemas.StockOut(
        product=ref,
        on_hand=on_hand,
        reserved=reserved,
        available=on_hand - reserved,
        consigned=sum(b.on_hand for b in shown if b.ownership == Ownership.consigned),
        value_vnd=sum(b.on_hand * (b.unit_cost_vnd or 0) for b in shown),
        minimum=minimum,
        low=minimum is not None and on_hand - reserved <= minimum,
        next_expiry=min(expiries) if expiries else None,
        batches=shown,
    )


@dataclass(frozen=True)
class MovementFilter:
    product_id: int | None = None
    producer_id: int | None = None
    kind: MovementKind | None = None
    since: dt.date | None = None
    until: dt.date | None = None


async def movements(
    session: AsyncSession, location: Location, filters: MovementFilter, *, page: int, page_size: int
) -> Page[schemas.MovementOut]:
    """The location's ledger, newest first."""
    stmt = sa.select(Movement).where(Movement.location_id == location.id)
    if filters.product_id is not None:
        stmt = stmt.where(Movement.product_id == filters.product_id)
    if filters.producer_id is not None:
        stmt = stmt.where(
            Movement.product_id.in_(sa.select(Product.id).where(Product.producer_id == filters.producer_id))
        )
    if filters.kind is not None:
        stmt = stmt.where(Movement.kind == filters.kind)
    if filters.since is not None:
        stmt = stmt.where(Movement.at >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until is not None:
        stmt = stmt.where(
            Movement.at < dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    page_rows = (
        sa.select(Movement, Product.name, Batch.code, PiccoloUser.username, WriteOff.reason)
        .join(Product, Product.id == Movement.product_id)
        .join(StockLevel, StockLevel.id == Movement.stock_level_id)
        .join(Batch, Batch.id == StockLevel.batch_id)
        .outerjoin(PiccoloUser, PiccoloUser.id == Movement.user_id)
        .outerjoin(
            WriteOff,
            sa.and_(Movement.document_kind == DocumentKind.write_off, WriteOff.id == Movement.document_id),
        )
        .where(
            Movement.id.in_(
                stmt.with_only_columns(Movement.id)
                .order_by(Movement.id.desc())
                .limit(page_size)
                .offset((page - 1) * page_size)
            )
        )
        .order_by(Movement.id.desc())
    )
    items = [
        schemas.MovementOut(
            id=m.id,
            at=m.at,
            kind=m.kind.value,
            product_id=m.product_id,
            product_name=name,
            batch_code=code,
            ownership=m.ownership.value,
            quantity=m.quantity,
            reserved_change=m.reserved_change,
            on_hand_after=m.on_hand_after,
            unit_value_vnd=m.unit_value_vnd,
            document_kind=m.document_kind.value if m.document_kind else None,
            document_id=m.document_id,
            reason=m.reason,
            user=user,
            write_off_reason=why.value if why else None,
        )
        for m, name, code, user, why in (await session.execute(page_rows))
    ]
    return Page(items=items, total=total, page=page, page_size=page_size)
