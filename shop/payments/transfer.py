"""VietQR bank transfer to the office's account: the QR carries the amount and the order
number; the office confirms the money arrived (banks send no webhook we could trust here)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shop.orders.models import Order, PaymentMethod
from shop.payments.models import Payment, Provider
from shop.payments.providers import Instructions, open_payment
from shop.settings import Settings
from shop.till import vietqr


class VietQrTransfer:
    method = PaymentMethod.bank_transfer

    def offered(self, settings: Settings) -> bool:
        return bool(settings.bank_bin and settings.bank_account_number)

    def hold_minutes(self, settings: Settings) -> int | None:
        return settings.transfer_hold_minutes

    def minimum_vnd(self, settings: Settings) -> int:
        return 1

    async def open(self, session: AsyncSession, order: Order) -> Payment:
        return await open_payment(session, order, Provider.vietqr)

    async def start(
        self, session: AsyncSession, settings: Settings, order: Order, payment: Payment
    ) -> Instructions:
        assert settings.bank_bin  # offered() checked both
        assert settings.bank_account_number
        data = vietqr.payload(
            bank_bin=settings.bank_bin,
            account=settings.bank_account_number,
            amount=order.total_vnd,
            reference=order.number,
        )
        return Instructions(
            qr_svg=vietqr.svg(data),
            bank_bin=settings.bank_bin,
            account_number=settings.bank_account_number,
            account_name=settings.bank_account_name,
            amount_vnd=order.total_vnd,
            reference=order.number,
        )
