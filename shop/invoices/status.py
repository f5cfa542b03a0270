"""Where each invoice stands, for the receipt, the till and the office's report."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db_types import utcnow
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind
from shop.invoices.providers import viettel

# An invoice still pending after this long (or refused) is for the office to look at.
STALE_AFTER = dt.timedelta(hours=1)


def lookup_url(env: Mapping[str, str] | None = None) -> str:
    """Where a buyer looks an invoice up with its code (the provider's public page)."""
    env = os.environ if env is None else env
    return env.get("OCOP_SINVOICE_LOOKUP_URL") or viettel.LOOKUP_URL


async def for_sources(session: AsyncSession, kind: SourceKind, ids: Sequence[int]) -> dict[int, Invoice]:
    if not ids:
        return {}
    found = await session.scalars(
        sa.select(Invoice).where(Invoice.source_kind == kind, Invoice.source_id.in_(list(ids)))
    )
    return {invoice.source_id: invoice for invoice in found}


async def for_source(session: AsyncSession, kind: SourceKind, source_id: int) -> Invoice | None:
    return (await for_sources(session, kind, [source_id])).get(source_id)


# Built once, run with the order bound (every order's page reads it).
_OF_ORDER = sa.select(Invoice).where(Invoice.order_id == sa.bindparam("order_id")).order_by(Invoice.id)


async def for_order(session: AsyncSession, order_id: int) -> list[Invoice]:
    """An online order's invoice and its adjustments, in the order they were queued."""
    return list(await session.scalars(_OF_ORDER, {"order_id": order_id}))


async def counts(session: AsyncSession) -> dict[InvoiceStatus, int]:
    rows = await session.execute(sa.select(Invoice.status, sa.func.count()).group_by(Invoice.status))
    return {status: int(n) for status, n in rows}


def needs_attention(now: dt.datetime | None = None) -> sa.ColumnElement[bool]:
    """Refused, or still pending an hour after it was queued."""
    stale = (now or utcnow()) - STALE_AFTER
    return sa.or_(
        Invoice.status == InvoiceStatus.failed,
        sa.and_(Invoice.status == InvoiceStatus.pending, Invoice.created_at < stale),
    )
