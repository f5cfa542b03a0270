"""Till documents as the API and the pages show them: sales, returns, shifts, the till's
product list. Each is a fixed handful of queries whatever its size."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser
from shop.catalog.models import Product, ProductGroup
from shop.catalog.sellability import product_is_sellable
from shop.db import mapping
from shop.i18n import current_language
from shop.inventory.models import Location, StockLevel
from shop.media.models import StoredImage
from shop.media.naming import URL_PREFIX, variant_key
from shop.text import fold
from shop.till import eligibility, numbering, shifts
from shop.till.models import (
    Clearance,
    Refund,
    ReturnLine,
    Sale,
    SaleLine,
    SalePayment,
    SaleReturn,
    Shift,
)
from shop.till.sales import Recorded
from shop.till.schemas import (
    ClearanceOut,
    PaymentOut,
    RefundOut,
    ReturnLineOut,
    ReturnOut,
    SaleLineOut,
    SaleOut,
    ShiftOut,
    TillProductOut,
)


async def _username(session: AsyncSession, user_id: int) -> str:
    return await session.scalar(sa.select(PiccoloUser.username).where(PiccoloUser.id == user_id)) or "?"


def _payment(method: str, amount: int, tendered: int | None, reference: str | None) -> PaymentOut:
    return PaymentOut(method, amount, tendered, (tendered or amount) - amount, reference)


def _out(
    sale: Sale,
    location: Location,
    cashier: str,
    lines: list[SaleLineOut],
    payments: list[PaymentOut],
    refunded: int,
) -> SaleOut:
    return SaleOut(
        id=sale.client_id,
        number=numbering.receipt_number(location.code, sale.number),
        location=location.code,
        shift_id=sale.shift_id,
        cashier=cashier,
        sold_at=sale.sold_at.astimezone(dt.UTC),
        recorded_at=sale.recorded_at,
        subtotal=sale.subtotal_vnd,
        discount=sale.discount_vnd,
        total=sale.total_vnd,
        lines=lines,
        payments=payments,
        late=sale.late,
        unrecorded_units=sale.unrecorded_units,
        refunded=refunded,
    )


async def sale_out(session: AsyncSession, sale: Sale, location: Location) -> SaleOut:
    (out,) = await sale_outs(session, [sale], location)
    return out


async def sale_outs(session: AsyncSession, sales: Sequence[Sale], location: Location) -> list[SaleOut]:
    """Receipts of these sales at one location: five queries however many there are."""
    if not sales:
        return []
    ids = [sale.id for sale in sales]
    lines = (
        await session.execute(
            sa.select(SaleLine, Product.name, Product.trace_code, Clearance.reason)
            .join(Product, Product.id == SaleLine.product_id)
            .outerjoin(Clearance, Clearance.id == SaleLine.clearance_id)
            .where(SaleLine.sale_id.in_(ids))
            .order_by(SaleLine.sale_id, SaleLine.line_no)
        )
    ).all()
    returned = await mapping(
        session,
        sa.select(ReturnLine.sale_line_id, sa.func.sum(ReturnLine.quantity))
        .where(ReturnLine.sale_line_id.in_([line.id for line, *_ in lines]))
        .group_by(ReturnLine.sale_line_id),
    )
    payments = await session.scalars(
        sa.select(SalePayment).where(SalePayment.sale_id.in_(ids)).order_by(SalePayment.id)
    )
    refunded = await mapping(
        session,
        sa.select(SaleReturn.sale_id, sa.func.sum(SaleReturn.total_vnd))
        .where(SaleReturn.sale_id.in_(ids))
        .group_by(SaleReturn.sale_id),
    )
    names = await mapping(
        session,
        sa.select(PiccoloUser.id, PiccoloUser.username).where(
            PiccoloUser.id.in_({sale.user_id for sale in sales})
        ),
    )
    by_sale: dict[int, list[SaleLineOut]] = {i: [] for i in ids}
    for line, name, trace, reason in lines:
        by_sale[line.sale_id].append(
            SaleLineOut(
                id=line.id,
                product_id=line.product_id,
                name=name,
                trace_code=trace,
                quantity=line.quantity,
                unit_price=line.unit_price_vnd,
                discount=line.discount_vnd,
                total=line.total_vnd,
                returned=int(returned.get(line.id, 0)),
                as_ocop=line.clearance_id is None,
                clearance_reason=reason,
            )
        )
    paid: dict[int, list[PaymentOut]] = {i: [] for i in ids}
    for p in payments:
        paid[p.sale_id].append(_payment(p.method.value, p.amount_vnd, p.tendered_vnd, p.reference))
    return [
        _out(
            sale,
            location,
            names.get(sale.user_id, "?"),
            by_sale[sale.id],
            paid[sale.id],
            int(refunded.get(sale.id) or 0),
        )
        for sale in sales
    ]


def recorded_out(recorded: Recorded, location: Location, cashier: str) -> SaleOut:
    """A sale just recorded, from what recording it knew: the hot path reads nothing back."""
    sale = recorded.sale
    return _out(
        sale,
        location,
        cashier,
        [
            SaleLineOut(
                id=line_id,
                product_id=p.product.id,
                name=p.product.name,
                trace_code=p.product.trace_code,
                quantity=p.line.quantity,
                unit_price=p.unit_price,
                discount=p.line.discount,
                total=p.total,
                returned=0,
                as_ocop=p.clearance is None,
                clearance_reason=p.clearance.reason if p.clearance else None,
            )
            for line_id, p in recorded.lines
        ],
        [_payment(p.method, p.amount, p.tendered, p.reference) for p in recorded.payments],
        0,
    )


async def return_out(
    session: AsyncSession, document: SaleReturn, sale: Sale, location: Location
) -> ReturnOut:
    lines = (
        await session.execute(
            sa.select(ReturnLine, SaleLine.product_id, Product.name)
            .join(SaleLine, SaleLine.id == ReturnLine.sale_line_id)
            .join(Product, Product.id == SaleLine.product_id)
            .where(ReturnLine.return_id == document.id)
            .order_by(ReturnLine.id)
        )
    ).all()
    refunds = await session.scalars(
        sa.select(Refund).where(Refund.return_id == document.id).order_by(Refund.id)
    )
    return ReturnOut(
        id=document.client_id,
        sale=sale.client_id,
        sale_number=numbering.receipt_number(location.code, sale.number),
        reason=document.reason,
        total=document.total_vnd,
        returned_at=document.returned_at,
        lines=[
            ReturnLineOut(
                product_id=pid, name=name, quantity=rl.quantity, amount=rl.amount_vnd, restock=rl.restock
            )
            for rl, pid, name in lines
        ],
        refunds=[RefundOut(method=r.method.value, amount=r.amount_vnd) for r in refunds],
    )


async def shift_out(session: AsyncSession, shift: Shift, location: Location) -> ShiftOut:
    return ShiftOut(
        id=shift.id,
        location=location.code,
        cashier=await _username(session, shift.user_id),
        status=shift.status.value,
        opening_float=shift.opening_float_vnd,
        opened_at=shift.opened_at,
        closed_at=shift.closed_at,
        note=shift.note,
        report=await shifts.report(session, shift),
    )


async def clearance_outs(session: AsyncSession, clearances: Sequence[Clearance]) -> list[ClearanceOut]:
    names = await mapping(
        session, sa.select(Product.id, Product.name).where(Product.id.in_({c.product_id for c in clearances}))
    )
    codes = await mapping(
        session,
        sa.select(Location.id, Location.code).where(
            Location.id.in_({c.location_id for c in clearances if c.location_id})
        ),
    )
    return [
        ClearanceOut(
            id=c.id,
            product_id=c.product_id,
            product=names.get(c.product_id, "?"),
            location=codes.get(c.location_id) if c.location_id else None,
            reason=c.reason,
            starts_on=c.starts_on,
            until=c.until,
            granted_at=c.granted_at,
            revoked_at=c.revoked_at,
        )
        for c in clearances
    ]


# How far back "most sold" looks when the till orders its product grid.
BEST_SELLERS_DAYS = 90


async def till_products(session: AsyncSession, location: Location, *, on: dt.date) -> list[TillProductOut]:
    """Everything this location stocks (or stocked): what a till needs to sell it offline,
    the best sellers here first."""
    rows = (await session.execute(till_products_select(location, on=on))).all()
    return await till_product_outs(session, location, rows, on=on)


# A product, its group's name in Vietnamese and English, units available here, units sold
# here, and the digest of its main photo (None without one).
TillSelect = sa.Select[Product, str, str | None, int | None, int, str | None]
TillRow = sa.Row[Product, str, str | None, int | None, int, str | None]


def till_products_select(location: Location, *, on: dt.date) -> TillSelect:
    """The products a location stocks (or stocked), the most sold here over the last
    ``BEST_SELLERS_DAYS`` first, then by name and id (so pages never overlap)."""
    available = (
        sa.select(
            StockLevel.product_id, sa.func.sum(StockLevel.on_hand - StockLevel.reserved).label("available")
        )
        .where(StockLevel.location_id == location.id)
        .group_by(StockLevel.product_id)
        .subquery()
    )
    since = dt.datetime.combine(on - dt.timedelta(days=BEST_SELLERS_DAYS), dt.time(), dt.UTC)
    sold_here = (
        sa.select(SaleLine.product_id, sa.func.sum(SaleLine.quantity).label("sold"))
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(Sale.location_id == location.id, Sale.sold_at >= since)
        .group_by(SaleLine.product_id)
        .subquery()
    )
    sold = sa.func.coalesce(sold_here.c.sold, 0)
    return (
        sa.select(
            Product, ProductGroup.name, ProductGroup.name_en, available.c.available, sold, StoredImage.digest
        )
        .join(available, available.c.product_id == Product.id)
        .join(ProductGroup, ProductGroup.id == Product.group_id)
        .outerjoin(sold_here, sold_here.c.product_id == Product.id)
        .outerjoin(StoredImage, StoredImage.id == Product.main_image_id)  # the photo in the same query
        .order_by(sold.desc(), Product.name, Product.id)
    )


async def till_product_outs(
    session: AsyncSession, location: Location, rows: Sequence[TillRow], *, on: dt.date
) -> list[TillProductOut]:
    blocked = await eligibility.blocked(session, [row[0] for row in rows], on)
    cleared = await eligibility.clearances(session, location.id, blocked, on)
    english = current_language() != "vi"
    out = []
    for product, group, group_en, free, sold, photo in rows:
        reason = blocked.get(product.id)
        clearance = cleared.get(product.id)
        out.append(
            TillProductOut(
                id=product.id,
                name=product.name,
                search=fold(f"{product.name} {product.gtin or ''} {product.trace_code}"),
                gtin=product.gtin,
                trace_code=product.trace_code,
                price=product.price_vnd,
                unit=product.unit,
                group=(group_en or group) if english else group,
                available=int(free or 0),
                sellable=product_is_sellable(product, on) or clearance is not None,
                blocked=reason.detail if reason else None,
                clearance=clearance.reason if clearance else None,
                stars=product.stars,
                certified_until=product.certified_until,
                image_url=product.image_url,
                sold=int(sold or 0),
                thumb_url=_thumb(photo, "webp"),
                thumb_jpg_url=_thumb(photo, "jpg"),
            )
        )
    return out


def _thumb(digest: str | None, fmt: Literal["webp", "jpg"]) -> str | None:
    return URL_PREFIX + variant_key(digest, "thumb", fmt) if digest else None


async def recent_sales(session: AsyncSession, location: Location, *, q: str | None, limit: int) -> list[Sale]:
    return list(await session.scalars(sales_select(location, q=q).limit(limit)))


def sales_select(location: Location, *, q: str | None) -> sa.Select[Sale]:
    """The location's sales, newest first; ``q`` is a receipt number, whole ("SP-A-000042") or not ("42")."""
    stmt = sa.select(Sale).where(Sale.location_id == location.id).order_by(Sale.id.desc())
    if q and (digits := q.strip().rsplit("-", 1)[-1]).isdigit() and len(digits) <= 9:
        stmt = stmt.where(Sale.number == int(digits))
    return stmt
