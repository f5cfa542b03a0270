"""An issued invoice's PDF, fetched from its provider when someone asks (never stored: the
provider keeps the legal copy, and checkout or the till never waits for it)."""

from __future__ import annotations

import os
from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from shop.invoices.drafts import Original, Seller
from shop.invoices.models import Invoice, InvoiceSeller, InvoiceStatus
from shop.invoices.providers.base import ProviderError, ProviderRefused
from shop.invoices.providers.registry import provider_for


async def pdf(session: AsyncSession, invoice: Invoice, env: Mapping[str, str] | None = None) -> bytes:
    """The invoice as its buyer sees it; :class:`ProviderError` if it cannot be had now."""
    seller = await session.get(InvoiceSeller, invoice.seller_id) if invoice.seller_id else None
    if invoice.status == InvoiceStatus.pending or seller is None:
        raise ProviderRefused("the invoice is not issued yet")
    assert invoice.invoice_no is not None
    assert invoice.template_code is not None
    assert invoice.series is not None
    assert invoice.issued_at is not None
    provider = provider_for(seller.provider, seller.tax_code, os.environ if env is None else env)
    if provider is None:
        raise ProviderRefused(f"no {seller.provider.value} credentials for {seller.tax_code}")
    try:
        return await provider.pdf(
            Seller(
                seller.name,
                seller.tax_code,
                seller.address,
                invoice.template_code,
                invoice.series,
                seller.vat_percent,
            ),
            Original(invoice.invoice_no, invoice.template_code, invoice.issued_at),
        )
    finally:
        await provider.close()


__all__ = ["ProviderError", "pdf"]
