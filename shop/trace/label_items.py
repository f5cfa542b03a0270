"""What goes on labels: a receipt's units with their batch codes, or chosen products."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.catalog.sellability import product_is_sellable, today
from shop.errors import InvalidInput, field_error
from shop.i18n import N_
from shop.inventory.documents.models import Receipt, ReceiptLine
from shop.inventory.models import Batch
from shop.trace import labels
from shop.trace.services import link


def _label(product: Product, code: str, base_url: str, batch: Batch | None = None) -> labels.Label:
    detail = None
    if batch is not None and (batch.code or batch.expires_on):
        parts = [batch.code or ""]
        if batch.expires_on:
            parts.append(f"HSD {batch.expires_on:%d/%m/%Y}")  # hạn sử dụng, as packs print it
        detail = " · ".join(p for p in parts if p)
    return labels.Label(
        name=product.name,
        price_vnd=product.price_vnd,
        stars=product.stars if product_is_sellable(product, today()) else None,
        trace_code=code,
        link=link(base_url, code),
        batch=detail,
    )


def _capped(count: int) -> None:
    if count > labels.MAX_LABELS:
        raise InvalidInput(
            errors=[field_error("copies", N_("At most {max} labels at a time."), max=labels.MAX_LABELS)]
        )


async def receipt_labels(session: AsyncSession, receipt: Receipt, base_url: str) -> list[labels.Label]:
    """One label per unit received, with the batch's trace code (its QR opens the batch)."""
    rows = (
        await session.execute(
            sa.select(ReceiptLine.quantity, Product, Batch)
            .join(Product, Product.id == ReceiptLine.product_id)
            .join(Batch, Batch.id == ReceiptLine.batch_id)
            .where(ReceiptLine.receipt_id == receipt.id)
            .order_by(ReceiptLine.id)
        )
    ).all()
    _capped(sum(q for q, _, _ in rows))
    return [_label(p, b.trace_code, base_url, b) for q, p, b in rows for _ in range(q)]


async def product_labels(
    session: AsyncSession, product_ids: list[int], copies: int, base_url: str
) -> list[labels.Label]:
    """``copies`` labels of each product, in the order asked, with the product's trace code."""
    _capped(len(product_ids) * copies)
    found = {p.id: p for p in await session.scalars(sa.select(Product).where(Product.id.in_(product_ids)))}
    missing = [i for i in product_ids if i not in found]
    if missing:
        raise InvalidInput(errors=[field_error("product", N_("No product {id}."), id=missing[0])])
    return [_label(found[i], found[i].trace_code, base_url) for i in product_ids for _ in range(copies)]
