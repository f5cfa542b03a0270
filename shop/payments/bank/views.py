"""Bank credits as the API and the office's page show them (order numbers and receipts read
in one query each, whatever the page's length)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.inventory.models import Location
from shop.orders.models import Order
from shop.payments.bank.models import BankCredit, CreditStatus
from shop.payments.bank.schemas import BankTransferOut
from shop.till import numbering
from shop.till.models import Sale

VIEWS = ("to_resolve", "matched", "resolved", "all")


def listing_select(view: str) -> sa.Select[Any]:
    """The office's list, newest first: to resolve, paid by themselves, resolved by hand, all."""
    stmt = sa.select(BankCredit)
    if view == "to_resolve":
        stmt = stmt.where(BankCredit.status == CreditStatus.unmatched)
    elif view == "matched":
        stmt = stmt.where(BankCredit.status == CreditStatus.matched)
    elif view == "resolved":
        stmt = stmt.where(BankCredit.status.in_((CreditStatus.attached, CreditStatus.dismissed)))
    return stmt.order_by(BankCredit.id.desc())


async def outs(session: AsyncSession, rows: Sequence[BankCredit]) -> list[BankTransferOut]:
    order_ids = {r.order_id for r in rows if r.order_id}
    sale_ids = {r.sale_id for r in rows if r.sale_id}
    numbers: dict[int, str] = {}
    if order_ids:
        found = await session.execute(sa.select(Order.id, Order.number).where(Order.id.in_(order_ids)))
        numbers = {int(i): str(n) for i, n in found.all()}
    receipts: dict[int, str] = {}
    if sale_ids:
        sales = await session.execute(
            sa.select(Sale.id, Location.code, Sale.number)
            .join(Location, Location.id == Sale.location_id)
            .where(Sale.id.in_(sale_ids))
        )
        receipts = {int(i): numbering.receipt_number(code, n) for i, code, n in sales.all()}
    location_ids = {r.location_id for r in rows if r.location_id}
    codes: dict[int, str] = {}
    if location_ids:
        found = await session.execute(
            sa.select(Location.id, Location.code).where(Location.id.in_(location_ids))
        )
        codes = {int(i): str(c) for i, c in found.all()}
    return [
        BankTransferOut(
            id=r.id,
            source=r.source.value,
            transaction_id=r.transaction_id,
            amount_vnd=r.amount_vnd,
            content=r.content,
            account_number=r.account_number,
            sub_account=r.sub_account,
            bank=r.bank,
            bank_reference=r.bank_reference,
            transacted_at=r.transacted_at,
            received_at=r.received_at,
            reference=r.reference,
            status=r.status,
            problem=r.problem,
            expected_vnd=r.expected_vnd,
            order_number=numbers.get(r.order_id) if r.order_id else None,
            receipt=receipts.get(r.sale_id) if r.sale_id else None,
            sales_point=codes.get(r.location_id) if r.location_id else None,
            outcome=r.outcome,
            note=r.note,
            resolved_by=r.resolved_by,
            resolved_at=r.resolved_at,
        )
        for r in rows
    ]
