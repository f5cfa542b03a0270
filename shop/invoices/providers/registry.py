"""Which adapter speaks for a seller, with credentials from the environment (never the database)."""

from __future__ import annotations

from collections.abc import Mapping

from shop.invoices.models import Provider
from shop.invoices.providers.base import InvoiceProvider
from shop.invoices.providers.viettel import Credentials, ViettelSInvoice


def provider_for(provider: Provider, tax_code: str, env: Mapping[str, str]) -> InvoiceProvider | None:
    """The adapter for this seller's account, or None while its credentials are not set."""
    if provider == Provider.viettel:
        credentials = Credentials.from_env(env, tax_code)
        return ViettelSInvoice(credentials) if credentials else None
    return None  # VNPT, MISA or an aggregator: one more module and one more branch
