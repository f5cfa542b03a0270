"""Issue the queued invoices through their seller's provider (``ocop jobs run``).

Each run takes the due invoices with a conditional update (two runners never share one),
then, for each: reads what it invoices through the loader of its source kind, finds its
seller, and asks the provider. Never twice: an invoice that was tried before (its answer
may have been lost to a timeout) is first looked up by its transaction UUID, and a
provider that says the UUID is taken is answered by the same lookup. A provider that is
down or slow leaves the invoice pending with a growing delay (1, 2, 5, 10, then every 15
minutes); a refusal marks it failed for the office. A till's sale goes on meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import Database
from shop.db_types import utcnow
from shop.invoices import emails
from shop.invoices.drafts import Buyer, Draft, Issued, Line, Original, PaymentKind, Seller
from shop.invoices.models import Invoice, InvoiceSeller, InvoiceStatus, SourceKind
from shop.invoices.providers.base import (
    DuplicateTransaction,
    InvoiceProvider,
    ProviderError,
    ProviderRefused,
    ProviderUnavailable,
)
from shop.invoices.providers.registry import provider_for

log = logging.getLogger("shop.invoices")

BACKOFF_MINUTES = (1, 2, 5, 10, 15)  # after the 1st, 2nd… failed attempt; then every 15 minutes
CLAIM_TIMEOUT = dt.timedelta(minutes=10)  # longer than the provider's 60 s timeout, by far
NOT_CONFIGURED_DELAY = dt.timedelta(hours=1)
ORIGINAL_DELAY = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class Source:
    """What a loader reads of the document to invoice."""

    payment: PaymentKind
    lines: tuple[Line, ...]
    location_id: int | None  # where it was sold (the queued row's location picks the seller)
    cash_register: bool  # a till's invoice (the cash-register series)
    adjusts: tuple[SourceKind, int] | None = None  # the source whose invoice this one adjusts
    reason: str = ""
    language: str = "vi"  # of the buyer's email: an online order's own, Vietnamese at the till
    reference: str = ""  # what the buyer knows it by (an order's number), named in that email


Loader = Callable[[AsyncSession, int], Awaitable[Source | None]]


class Postpone(Exception):
    def __init__(self, reason: str, delay: dt.timedelta) -> None:
        super().__init__(reason)
        self.delay = delay


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(max(attempts, 1), len(BACKOFF_MINUTES)) - 1])


async def seller_for(session: AsyncSession, location_id: int | None) -> InvoiceSeller | None:
    """The location's own seller, else the operator's default one."""
    default = sa.and_(InvoiceSeller.location_id.is_(None), InvoiceSeller.producer_id.is_(None))
    mine = InvoiceSeller.location_id == location_id if location_id is not None else sa.false()
    return await session.scalar(
        sa.select(InvoiceSeller)
        .where(InvoiceSeller.active, sa.or_(mine, default))
        .order_by(InvoiceSeller.location_id.is_(None), InvoiceSeller.id)
        .limit(1)
    )


async def _claim(db: Database, now: dt.datetime, limit: int) -> list[Invoice]:
    free = sa.or_(Invoice.claimed_at.is_(None), Invoice.claimed_at < now - CLAIM_TIMEOUT)
    due = sa.and_(Invoice.status == InvoiceStatus.pending, Invoice.next_attempt_at <= now, free)
    async with db.write_sessions() as session:
        ids = list(await session.scalars(sa.select(Invoice.id).where(due).order_by(Invoice.id).limit(limit)))
        if not ids:
            return []
        claimed = await session.scalars(
            sa.update(Invoice)
            .where(Invoice.id.in_(ids), due)
            .values(claimed_at=now, attempts=Invoice.attempts + 1)
            .returning(Invoice)
        )
        taken = sorted(claimed, key=lambda i: i.id)
        await session.commit()
        return taken


class Run:
    """One pass over the queue: providers are opened once per account and closed at the end."""

    def __init__(self, db: Database, loaders: Mapping[SourceKind, Loader], env: Mapping[str, str]) -> None:
        self.db, self.loaders, self.env = db, loaders, env
        self.providers: dict[tuple[str, str], InvoiceProvider | None] = {}
        # Accounts whose provider was unreachable in this run: not called again until the next
        # (a provider down must not cost a minute of timeout per queued invoice).
        self.down: set[tuple[str, str]] = set()

    def provider(self, seller: InvoiceSeller) -> InvoiceProvider:
        key = (seller.provider.value, seller.tax_code)
        if key in self.down:
            raise ProviderUnavailable("the provider did not answer earlier in this run")
        if key not in self.providers:
            self.providers[key] = provider_for(seller.provider, seller.tax_code, self.env)
        found = self.providers[key]
        if found is None:
            raise Postpone(
                f"no {seller.provider.value} credentials for {seller.tax_code}", NOT_CONFIGURED_DELAY
            )
        return found

    async def close(self) -> None:
        for provider in self.providers.values():
            if provider is not None:
                await provider.close()

    async def draft(self, invoice: Invoice, now: dt.datetime) -> tuple[Draft, InvoiceSeller, Source]:
        """The invoice to send. Its date is the moment it is issued, not the sale's: the provider
        numbers a series in date order, and a sale synced late must not go back in time."""
        async with self.db.read_sessions() as session:
            # The seller first (from the row): without one, the sale is not even read.
            seller = await seller_for(session, invoice.location_id)
            if seller is None:
                raise Postpone("no e-invoice seller is configured", NOT_CONFIGURED_DELAY)
            source = await self.loaders[invoice.source_kind](session, invoice.source_id)
            if source is None:
                raise ProviderRefused(f"{invoice.source_kind.value} {invoice.source_id} does not exist")
            original = await self._original(session, source)
        series = seller.till_series if source.cash_register else seller.other_series
        draft = Draft(
            transaction_uuid=invoice.transaction_uuid,
            seller=Seller(
                seller.name, seller.tax_code, seller.address, seller.template_code, series, seller.vat_percent
            ),
            issued_at=now,
            payment=source.payment,
            lines=source.lines,
            buyer=Buyer(
                invoice.buyer_name, invoice.buyer_tax_code, invoice.buyer_address, invoice.buyer_email
            ),
            original=original,
            reason=source.reason,
        )
        return draft, seller, source

    async def _original(self, session: AsyncSession, source: Source) -> Original | None:
        if source.adjusts is None:
            return None
        kind, source_id = source.adjusts
        first = await session.scalar(
            sa.select(Invoice).where(Invoice.source_kind == kind, Invoice.source_id == source_id)
        )
        if first is None or first.status != InvoiceStatus.issued:
            raise Postpone("waiting for the invoice it adjusts", ORIGINAL_DELAY)
        assert first.invoice_no is not None
        assert first.template_code is not None
        assert first.issued_at is not None
        return Original(first.invoice_no, first.template_code, first.issued_at)

    async def issue(self, invoice: Invoice, now: dt.datetime) -> bool:
        """Try one invoice; whether it is now issued."""
        seller: InvoiceSeller | None = None
        try:
            draft, seller, source = await self.draft(invoice, now)
            provider = self.provider(seller)
            issued = await _issue_once(provider, draft, tried_before=invoice.attempts > 1)
            pdf = await _pdf(provider, draft, issued) if invoice.buyer_email else None
        except Postpone as wait:
            await self._record(invoice, next_attempt_at=now + wait.delay, last_error=str(wait)[:500])
            return False
        except ProviderUnavailable as down:
            log.warning("e-invoice %s: provider unavailable: %s", invoice.id, down)
            if seller is not None:
                self.down.add((seller.provider.value, seller.tax_code))
            delay = backoff(invoice.attempts)
            await self._record(invoice, next_attempt_at=now + delay, last_error=str(down)[:500])
            return False
        except ProviderRefused as refused:
            await self._record(invoice, status=InvoiceStatus.failed, last_error=str(refused)[:500])
            return False
        await self._issued(invoice, seller, draft, issued, source, pdf)
        return True

    async def _issued(
        self,
        invoice: Invoice,
        seller: InvoiceSeller,
        draft: Draft,
        issued: Issued,
        source: Source,
        pdf: bytes | None,
    ) -> None:
        """Record the provider's answer; a buyer who gave an email gets the invoice by email."""
        async with self.db.write_sessions() as session:
            await session.execute(
                sa.update(Invoice)
                .where(Invoice.id == invoice.id, Invoice.status == InvoiceStatus.pending)
                .values(
                    claimed_at=None,
                    status=InvoiceStatus.issued,
                    seller_id=seller.id,
                    template_code=draft.seller.template_code,
                    series=draft.seller.series,
                    invoice_no=issued.invoice_no,
                    lookup_code=issued.lookup_code,
                    tax_authority_code=issued.tax_authority_code,
                    issued_at=issued.issued_at,
                    last_error=None,
                )
            )
            await emails.queue(
                session,
                invoice,
                seller,
                issued,
                pdf=pdf,
                language=source.language,
                reference=source.reference,
                env=self.env,
            )
            await session.commit()

    async def _record(self, invoice: Invoice, **values: object) -> None:
        async with self.db.write_sessions() as session:
            await session.execute(
                sa.update(Invoice)
                .where(Invoice.id == invoice.id, Invoice.status == InvoiceStatus.pending)
                .values(claimed_at=None, **values)
            )
            await session.commit()


async def _pdf(provider: InvoiceProvider, draft: Draft, issued: Issued) -> bytes | None:
    """The invoice's PDF for the buyer's email, asked of the provider just after issuing; None
    if it cannot give it now (the email then waits for it: :mod:`shop.invoices.emails`)."""
    try:
        return await provider.pdf(
            draft.seller, Original(issued.invoice_no, draft.seller.template_code, issued.issued_at)
        )
    except ProviderError as failure:
        log.warning("e-invoice %s: no PDF yet: %s", issued.invoice_no, failure)
        return None


async def _issue_once(provider: InvoiceProvider, draft: Draft, *, tried_before: bool) -> Issued:
    """Issue, unless an earlier attempt did; a UUID the provider knows is looked up."""
    if tried_before and (found := await provider.find(draft.seller, draft.transaction_uuid)) is not None:
        return found
    try:
        return await provider.issue(draft)
    except DuplicateTransaction:
        found = await provider.find(draft.seller, draft.transaction_uuid)
        if found is None:
            raise ProviderUnavailable("the provider knows this transaction but cannot find it yet") from None
        return found


async def issue_due(
    db: Database,
    loaders: Mapping[SourceKind, Loader],
    *,
    now: dt.datetime | None = None,
    env: Mapping[str, str] | None = None,
    limit: int = 200,
) -> int:
    """Issue what is due at ``now``; the number issued."""
    now = now or utcnow()
    pending = await _claim(db, now, limit)
    if not pending:
        return 0
    run = Run(db, loaders, os.environ if env is None else env)
    issued = 0
    try:
        for invoice in pending:
            issued += await run.issue(invoice, now)
    finally:
        await run.close()
    return issued
