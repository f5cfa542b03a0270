"""Cash on delivery, or at the counter for a pickup: nothing to start, paid when handed over."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop.orders.models import Order, PaymentMethod
from shop.payments.models import Payment, Provider
from shop.payments.providers import Instructions, open_payment
from shop.settings import Settings


class CashOnDelivery:
    method = PaymentMethod.cod

    def offered(self, settings: Settings) -> bool:
        return True

    def hold_minutes(self, settings: Settings) -> int | None:
        return None

    def minimum_vnd(self, settings: Settings) -> int:
        return 1

    async def open(self, session: AsyncSession, order: Order) -> Payment:
        return await open_payment(session, order, Provider.cod)

    async def start(
        self, session: AsyncSession, settings: Settings, order: Order, payment: Payment
    ) -> Instructions:
        return Instructions(amount_vnd=order.total_vnd)
