"""The office's storefront settings in the demo: delivery fees and exchange rates."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.orders.cart_models import ShippingRate
from shop.storefront.models import CurrencyRate

DEFAULT_FEE_VND = 35_000
FREE_FROM_VND = 800_000
# Made-up but plausible rates (đồng per unit); the office updates them in the admin.
RATES = {"USD": "26300", "EUR": "30500", "KRW": "18.6", "JPY": "172", "CNY": "3650"}


async def add_storefront_settings(session: AsyncSession) -> None:
    """A default delivery fee and the visitors' currencies, unless the office set them already."""
    if await session.scalar(sa.select(ShippingRate.id).where(ShippingRate.is_default.is_(True))) is None:
        session.add(ShippingRate(is_default=True, fee_vnd=DEFAULT_FEE_VND, free_from_vnd=FREE_FROM_VND))
    known = set(await session.scalars(sa.select(CurrencyRate.currency)))
    session.add_all(
        CurrencyRate(currency=code, vnd_per_unit=Decimal(rate))
        for code, rate in RATES.items()
        if code not in known
    )
    await session.flush()
