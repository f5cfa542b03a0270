"""What an online order's e-invoices say: the order once paid, and each line closed after.

An order paid ahead (card, transfer) is invoiced when paid, every line as ordered and the
delivery fee, so it totals what was paid; a line cancelled or rejected after the payment is
an adjustment of it. A cash order is invoiced when its last parcel is handed over, for the
lines delivered and the fee.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.invoices.drafts import Buyer, Line, PaymentKind, item_code
from shop.invoices.issuing import Source
from shop.invoices.models import SourceKind
from shop.orders.models import LineStatus, Order, OrderLine, PaymentMethod

PAYMENT = {
    PaymentMethod.card: PaymentKind.transfer,
    PaymentMethod.bank_transfer: PaymentKind.transfer,
    PaymentMethod.cod: PaymentKind.cash,
}


def buyer_of(order: Order) -> Buyer | None:
    """The buyer named on the order's invoices (and its adjustments), if they asked for one."""
    if not order.invoice_name:
        return None
    return Buyer(order.invoice_name, order.invoice_tax_code, order.invoice_address, order.invoice_email)


def _line(line: OrderLine, product: Product) -> Line:
    return Line(
        item_code(product.gtin, product.id),
        line.name,
        product.unit,
        line.quantity,
        line.unit_price_vnd,
        0,
        line.line_total_vnd,
    )


async def order_source(session: AsyncSession, order_id: int) -> Source | None:
    order = await session.get(Order, order_id)
    if order is None:
        return None
    rows = await session.execute(
        sa.select(OrderLine, Product)
        .join(Product, Product.id == OrderLine.product_id)
        .where(OrderLine.order_id == order_id)
        .order_by(OrderLine.id)
    )
    lines = [
        _line(line, product)
        for line, product in rows
        # Paid ahead: every line (those closed later are adjustments); cash: what was delivered.
        if order.payment_method != PaymentMethod.cod or line.status == LineStatus.open
    ]
    if order.shipping_vnd and lines:
        lines.append(Line("SHIP", "Phí vận chuyển", "lần", 1, order.shipping_vnd, 0, order.shipping_vnd))
    return Source(
        PAYMENT[order.payment_method],
        tuple(lines),
        None,
        cash_register=False,
        language=order.language,
        reference=order.number,
    )


async def line_source(session: AsyncSession, line_id: int) -> Source | None:
    found = (
        await session.execute(
            sa.select(OrderLine, Product, Order)
            .join(Product, Product.id == OrderLine.product_id)
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.id == line_id)
        )
    ).first()
    if found is None:
        return None
    line, product, order = found
    return Source(
        PAYMENT[order.payment_method],
        (_line(line, product),),
        None,
        cash_register=False,
        adjusts=(SourceKind.online_order, order.id),
        reason=line.reason or "Hủy dòng hàng",
        language=order.language,
        reference=order.number,
    )
