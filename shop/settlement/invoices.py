"""The e-invoices of the consigned goods a statement settles: each till sale and return on it,
found through the ledger rows its lines name, with the invoice's number or status."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.inventory.models import DocumentKind, Movement
from shop.invoices import status
from shop.invoices.models import Invoice, SourceKind
from shop.settlement.models import LineKind, StatementLine

KINDS = {DocumentKind.sale: SourceKind.till_sale, DocumentKind.sale_return: SourceKind.till_return}


@dataclass(frozen=True)
class StatementInvoice:
    reference: str  # the receipt number the statement shows
    invoice: Invoice


async def of_statement(session: AsyncSession, statement_id: int) -> list[StatementInvoice]:
    rows = await session.execute(
        sa.select(StatementLine.source, StatementLine.reference).where(
            StatementLine.statement_id == statement_id,
            StatementLine.kind.in_([LineKind.consignment_sale, LineKind.consignment_return]),
            StatementLine.source.like("movement:%"),
        )
    )
    references = {int(source.split(":")[1]): reference for source, reference in rows}
    if not references:
        return []
    documents = await session.execute(
        sa.select(Movement.id, Movement.document_kind, Movement.document_id).where(
            Movement.id.in_(list(references)), Movement.document_kind.in_(list(KINDS))
        )
    )
    wanted: dict[tuple[SourceKind, int], str] = {}
    for movement_id, document_kind, document_id in documents:
        if document_kind is not None and document_id is not None:
            wanted.setdefault((KINDS[document_kind], int(document_id)), references[movement_id])
    found: list[StatementInvoice] = []
    for source_kind in KINDS.values():
        ids = [doc for k, doc in wanted if k == source_kind]
        for doc, invoice in (await status.for_sources(session, source_kind, ids)).items():
            found.append(StatementInvoice(wanted[(source_kind, doc)], invoice))
    return sorted(found, key=lambda f: (f.invoice.created_at, f.invoice.id))
