"""The interface every e-invoice provider implements, and the errors it may raise.

The queue (:mod:`shop.invoices.issuing`) tells two failures apart: the provider could not
be reached or did not answer in time (:class:`ProviderUnavailable`: try again later, after
looking the invoice up, since it may have been issued), and the provider refused the
invoice (:class:`ProviderRefused`: retrying the same data cannot help; the office looks).
"""

from __future__ import annotations

import uuid
from typing import Protocol

from shop.invoices.drafts import Draft, Issued, Original, Seller


class ProviderError(Exception):
    pass


class ProviderUnavailable(ProviderError):
    """Down, too slow, or answering 5xx: nothing is known about the invoice."""


class ProviderRefused(ProviderError):
    """The provider answered and said no (bad data, bad series, bad credentials)."""


class DuplicateTransaction(ProviderError):
    """The provider already holds an invoice under this transaction UUID."""


class InvoiceProvider(Protocol):
    async def issue(self, draft: Draft) -> Issued:
        """Issue the invoice, or the adjustment when ``draft.original`` is set."""
        ...

    async def find(self, seller: Seller, transaction_uuid: uuid.UUID) -> Issued | None:
        """The invoice issued under this UUID, if there is one (after a timeout)."""
        ...

    async def cancel(self, seller: Seller, invoice: Original, reason: str) -> None: ...

    async def pdf(self, seller: Seller, invoice: Original) -> bytes:
        """The invoice as the buyer sees it (its representation PDF)."""
        ...

    async def close(self) -> None: ...
