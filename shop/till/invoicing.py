"""What a till sale's and a return's e-invoices say (read when the queue issues them).

A sale is invoiced from the cash-register series of its sales point's seller; a return is
an adjustment that lowers the sale's invoice by what was refunded.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.invoices.drafts import Line, PaymentKind, item_code
from shop.invoices.issuing import Source
from shop.invoices.models import SourceKind
from shop.till.models import PaymentMethod, ReturnLine, Sale, SaleLine, SalePayment, SaleReturn


def payment_kind(methods: Iterable[PaymentMethod]) -> PaymentKind:
    """TM for cash only, CK for transfers and cards only, TM/CK for both."""
    found = set(methods)
    if found <= {PaymentMethod.cash}:
        return PaymentKind.cash
    return PaymentKind.transfer if PaymentMethod.cash not in found else PaymentKind.mixed


async def sale_source(session: AsyncSession, sale_id: int) -> Source | None:
    sale = await session.get(Sale, sale_id)
    if sale is None:
        return None
    rows = await session.execute(
        sa.select(SaleLine, Product)
        .join(Product, Product.id == SaleLine.product_id)
        .where(SaleLine.sale_id == sale_id)
        .order_by(SaleLine.line_no)
    )
    methods = await session.scalars(sa.select(SalePayment.method).where(SalePayment.sale_id == sale_id))
    lines = tuple(
        Line(
            item_code(product.gtin, product.id),
            product.name,
            product.unit,
            line.quantity,
            line.unit_price_vnd,
            line.discount_vnd,
            line.total_vnd,
        )
        for line, product in rows
    )
    return Source(payment_kind(methods), lines, sale.location_id, cash_register=True)


async def return_source(session: AsyncSession, return_id: int) -> Source | None:
    document = await session.get(SaleReturn, return_id)
    if document is None:
        return None
    rows = await session.execute(
        sa.select(ReturnLine, Product)
        .join(SaleLine, SaleLine.id == ReturnLine.sale_line_id)
        .join(Product, Product.id == SaleLine.product_id)
        .where(ReturnLine.return_id == return_id)
        .order_by(ReturnLine.id)
    )
    methods = await session.scalars(
        sa.select(SalePayment.method).where(SalePayment.sale_id == document.sale_id)
    )
    lines = tuple(
        Line(
            item_code(product.gtin, product.id),
            product.name,
            product.unit,
            line.quantity,
            line.amount_vnd // line.quantity,
            0,
            line.amount_vnd,
        )
        for line, product in rows
    )
    return Source(
        payment_kind(methods),
        lines,
        document.location_id,
        cash_register=True,
        adjusts=(SourceKind.till_sale, document.sale_id),
        reason=document.reason,
    )
