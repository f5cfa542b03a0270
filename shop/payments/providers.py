"""One interface for every way to pay, so MoMo or VNPay are one more class each (listed in
``methods.py``, registered when the app starts).

Checkout asks a provider whether it is offered, how long stock waits for its money and the
least it accepts, then ``open``s a payment inside the checkout's transaction. After the
commit it calls ``start``, which may talk to the provider and must be safe to repeat (a
double click, a retry after a timeout, the "pay now" button of the tracking page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from shop.orders.models import Order, PaymentMethod
from shop.payments.models import Payment, PaymentStatus, Provider
from shop.settings import Settings


@dataclass(frozen=True)
class Instructions:
    """What the customer does next: go to ``redirect_url``, or transfer with these details."""

    redirect_url: str | None = None
    qr_svg: str | None = None
    bank_bin: str | None = None
    account_number: str | None = None
    account_name: str | None = None
    amount_vnd: int | None = None
    reference: str | None = None


class PaymentProvider(Protocol):
    method: PaymentMethod

    def offered(self, settings: Settings) -> bool: ...

    def hold_minutes(self, settings: Settings) -> int | None:
        """Minutes stock waits for the money; None: until the order is fulfilled (cash)."""
        ...

    def minimum_vnd(self, settings: Settings) -> int: ...

    async def open(self, session: AsyncSession, order: Order) -> Payment: ...

    async def start(
        self, session: AsyncSession, settings: Settings, order: Order, payment: Payment
    ) -> Instructions: ...


async def open_payment(session: AsyncSession, order: Order, provider: Provider) -> Payment:
    """A pending payment of the whole order (what most providers' ``open`` does)."""
    payment = Payment(
        order_id=order.id, provider=provider, status=PaymentStatus.pending, amount_vnd=order.total_vnd
    )
    session.add(payment)
    await session.flush()
    return payment


# The providers the shop offers, by method, in the order the checkout shows them: filled at
# the app's start from ``shop.payments.methods`` (this module imports no provider, as each of
# them imports this one).
_providers: dict[PaymentMethod, PaymentProvider] = {}


def register(providers: Iterable[PaymentProvider]) -> None:
    """Offer these providers (again: the same list twice changes nothing)."""
    for provider in providers:
        _providers[provider.method] = provider


def provider_for(method: PaymentMethod | str) -> PaymentProvider:
    return _providers[PaymentMethod(method)]


def offered(settings: Settings) -> list[PaymentMethod]:
    """The methods a customer can choose now, in the order the checkout shows them."""
    return [method for method, p in _providers.items() if p.offered(settings)]
