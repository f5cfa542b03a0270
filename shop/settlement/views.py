"""Statements as the API, the pages and the exports show them."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer, Product
from shop.i18n import gettext
from shop.inventory.models import Location
from shop.settlement.models import LineKind, Statement, StatementLine
from shop.settlement.schemas import StatementLineOut, StatementOut
from shop.settlement.statements import lines_of, month_text


def kind_label(kind: str) -> str:
    return {
        LineKind.consignment_sale: gettext("Consigned goods sold"),
        LineKind.consignment_return: gettext("Consigned goods returned"),
        LineKind.online_sale: gettext("Online sale"),
        LineKind.online_refund: gettext("Refund (not delivered)"),
        LineKind.shipping_fee: gettext("Delivery fee"),
        LineKind.cash_collected: gettext("Cash collected on delivery"),
    }.get(LineKind(kind), kind)


def status_label(status: str) -> str:
    return {"draft": gettext("Draft"), "approved": gettext("Approved"), "paid": gettext("Paid")}.get(
        status, status
    )


async def _lines_out(session: AsyncSession, lines: Sequence[StatementLine]) -> list[StatementLineOut]:
    product_ids = {ln.product_id for ln in lines if ln.product_id}
    location_ids = {ln.location_id for ln in lines if ln.location_id}
    names = dict(
        (await session.execute(sa.select(Product.id, Product.name).where(Product.id.in_(product_ids)))).all()
    )
    codes = dict(
        (
            await session.execute(sa.select(Location.id, Location.code).where(Location.id.in_(location_ids)))
        ).all()
    )
    return [
        StatementLineOut(
            kind=ln.kind.value,
            at=ln.at,
            reference=ln.reference,
            location=codes.get(ln.location_id) if ln.location_id else None,
            product_id=ln.product_id,
            product=names.get(ln.product_id) if ln.product_id else None,
            quantity=ln.quantity,
            amount_vnd=ln.amount_vnd,
            unit_cost_vnd=ln.unit_cost_vnd,
            commission_bp=ln.commission_bp,
            commission_vnd=ln.commission_vnd,
            due_vnd=ln.due_vnd,
        )
        for ln in lines
    ]


async def statement_out(
    session: AsyncSession, statement: Statement, producer: Producer, *, with_lines: bool = True
) -> StatementOut:
    lines = await _lines_out(session, await lines_of(session, statement)) if with_lines else None
    return StatementOut(
        producer=producer.code,
        producer_name=producer.name,
        month=month_text(statement.month),
        status=statement.status.value,
        commission_rate_bp=statement.commission_rate_bp,
        consignment_sales_vnd=statement.consignment_sales_vnd,
        consignment_returns_vnd=statement.consignment_returns_vnd,
        online_sales_vnd=statement.online_sales_vnd,
        refunds_vnd=statement.refunds_vnd,
        commission_vnd=statement.commission_vnd,
        shipping_fees_vnd=statement.shipping_fees_vnd,
        cash_collected_vnd=statement.cash_collected_vnd,
        amount_due_vnd=statement.amount_due_vnd,
        computed_at=statement.computed_at,
        approved_at=statement.approved_at,
        paid_at=statement.paid_at,
        payment_reference=statement.payment_reference,
        lines=lines,
    )
