"""A bank notification's intake: the credit is stored once by its source's id (a retry or a
duplicate changes nothing) and handed to the matching (``services.py``) at once. The
webhook's one entry; it runs inside its caller's transaction and does not commit.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import insert_for
from shop.db_types import utcnow
from shop.payments.bank.credits import IncomingCredit
from shop.payments.bank.models import BankCredit, CreditProblem, CreditStatus
from shop.payments.bank.services import match
from shop.settings import Settings

CREDIT: sa.Table = BankCredit.__table__  # type: ignore[assignment]


# --- receiving ---------------------------------------------------------------------------


async def receive(
    session: AsyncSession, settings: Settings, credit: IncomingCredit, *, on: dt.date
) -> BankCredit | None:
    """Store the credit and match it; None when its source's id was stored before (a retry
    or a duplicate: nothing changes)."""
    stmt = (
        insert_for(session)(CREDIT)
        .values(
            source=credit.source,
            transaction_id=credit.transaction_id,
            amount_vnd=credit.amount_vnd,
            content=credit.content,
            account_number=credit.account_number,
            sub_account=credit.sub_account,
            bank=credit.bank,
            code=credit.code,
            bank_reference=credit.bank_reference,
            transacted_at=credit.transacted_at,
            received_at=utcnow(),
            status=CreditStatus.unmatched,
            problem=CreditProblem.no_reference,
            outcome="",
            payload=credit.payload,
        )
        .on_conflict_do_nothing(index_elements=["source", "transaction_id"])
        .returning(CREDIT.c.id)
    )
    credit_id = await session.scalar(stmt)
    if credit_id is None:
        return None
    row = await session.get(BankCredit, int(credit_id))
    assert row is not None
    await match(session, settings, row, on=on)
    await session.flush()
    return row
