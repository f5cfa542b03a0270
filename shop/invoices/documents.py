"""What the office does with an issued invoice at its provider: fetch its PDF when someone
asks (never stored: the provider keeps the legal copy, and the till never waits for it), or
cancel it with a reason."""

from __future__ import annotations

import os
from collections.abc import Mapping

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db_types import utcnow
from shop.invoices.drafts import Original, Seller
from shop.invoices.models import Invoice, InvoiceSeller, InvoiceStatus
from shop.invoices.providers.base import InvoiceProvider, ProviderError, ProviderRefused
from shop.invoices.providers.registry import provider_for


async def _at_provider(
    session: AsyncSession, invoice: Invoice, env: Mapping[str, str] | None
) -> tuple[InvoiceProvider, Seller, Original]:
    seller = await session.get(InvoiceSeller, invoice.seller_id) if invoice.seller_id else None
    if invoice.status != InvoiceStatus.issued or seller is None:
        raise ProviderRefused(f"the invoice is {invoice.status.value}, not issued")
    assert invoice.invoice_no is not None
    assert invoice.template_code is not None
    assert invoice.series is not None
    assert invoice.issued_at is not None
    provider = provider_for(seller.provider, seller.tax_code, os.environ if env is None else env)
    if provider is None:
        raise ProviderRefused(f"no {seller.provider.value} credentials for {seller.tax_code}")
    fields = (seller.name, seller.tax_code, seller.address, invoice.template_code, invoice.series)
    return (
        provider,
        Seller(*fields, seller.vat_percent),
        Original(invoice.invoice_no, invoice.template_code, invoice.issued_at),
    )


async def pdf(session: AsyncSession, invoice: Invoice, env: Mapping[str, str] | None = None) -> bytes:
    """The invoice as its buyer sees it; :class:`ProviderError` if it cannot be had now."""
    provider, seller, original = await _at_provider(session, invoice, env)
    try:
        return await provider.pdf(seller, original)
    finally:
        await provider.close()


async def cancel(
    session: AsyncSession, invoice: Invoice, reason: str, env: Mapping[str, str] | None = None
) -> None:
    """Cancel the issued invoice at its provider, then here (in the caller's transaction)."""
    provider, seller, original = await _at_provider(session, invoice, env)
    try:
        await provider.cancel(seller, original, reason)
    finally:
        await provider.close()
    await session.execute(
        sa.update(Invoice)
        .where(Invoice.id == invoice.id, Invoice.status == InvoiceStatus.issued)
        .values(
            status=InvoiceStatus.cancelled, cancelled_at=utcnow(), last_error=f"cancelled: {reason}"[:500]
        )
    )


__all__ = ["ProviderError", "cancel", "pdf"]
