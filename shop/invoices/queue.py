"""Queue an invoice with the document it invoices, in the same transaction (the outbox).

Queuing is one insert: it costs the sale nothing it can notice, and it never talks to the
provider, so a provider that is down never blocks a sale. Queuing the same source twice is
a no-op (unique source), and the transaction UUID is derived from the source's own
identity (the till's client id, the order's token), so it is the same at every attempt and
distinct across installations that share a provider account.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import insert_for
from shop.db_types import utcnow
from shop.invoices.drafts import Buyer
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind

NAMESPACE = uuid.UUID("4f1c2a6e-9b0d-5e3a-8c71-0c0b0e1a9d19")  # OCOP Market e-invoices
INVOICE: sa.Table = Invoice.__table__  # type: ignore[assignment]


def transaction_uuid(kind: SourceKind, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind.value}:{key}")


def queued(
    kind: SourceKind,
    *,
    key: str,
    total_vnd: int,
    location_id: int | None = None,
    order_id: int | None = None,
    buyer: Buyer | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The queued invoice's row, all but its source id (a statement that inserts the
    source too takes it from there: the till's sale does)."""
    now = now or utcnow()
    buyer = buyer or Buyer()
    return {
        "source_kind": kind,
        "transaction_uuid": transaction_uuid(kind, key),
        "location_id": location_id,
        "order_id": order_id,
        "total_vnd": total_vnd,
        "status": InvoiceStatus.pending,
        "created_at": now,
        "attempts": 0,
        "next_attempt_at": now,
        "buyer_name": buyer.name,
        "buyer_tax_code": buyer.tax_code,
        "buyer_address": buyer.address,
        "buyer_email": buyer.email,
    }


async def enqueue(
    session: AsyncSession,
    kind: SourceKind,
    source_id: int,
    *,
    key: str,
    total_vnd: int,
    location_id: int | None = None,
    order_id: int | None = None,
    buyer: Buyer | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Queue the invoice of this source (once)."""
    row = queued(
        kind, key=key, total_vnd=total_vnd, location_id=location_id, order_id=order_id, buyer=buyer, now=now
    )
    stmt = insert_for(session)(INVOICE).on_conflict_do_nothing(index_elements=["source_kind", "source_id"])
    await session.execute(stmt.values(source_id=source_id, **row))


async def retry(session: AsyncSession, invoice_id: int) -> bool:
    """Put a failed (or waiting) invoice back at the head of the queue: the office's button."""
    result = await session.execute(
        sa.update(Invoice)
        .where(Invoice.id == invoice_id, Invoice.status.in_([InvoiceStatus.failed, InvoiceStatus.pending]))
        .values(status=InvoiceStatus.pending, next_attempt_at=utcnow(), claimed_at=None)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
