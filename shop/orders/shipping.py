"""Delivery fees from the office's table: the province's row, else the default row."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.orders.cart_models import ShippingRate

# Built once (the checkout form and placing each read it), run with the province bound.
_RATES = sa.select(ShippingRate).where(
    sa.or_(ShippingRate.province_id == sa.bindparam("province_id"), ShippingRate.is_default.is_(True))
)


async def fee(session: AsyncSession, province_id: int, subtotal_vnd: int) -> int:
    """What shipping to the province costs for an order of ``subtotal_vnd`` (0 when none is set)."""
    rates = {rate.province_id: rate for rate in await session.scalars(_RATES, {"province_id": province_id})}
    rate = rates.get(province_id) or rates.get(None)
    if rate is None:
        return 0
    if rate.free_from_vnd is not None and subtotal_vnd >= rate.free_from_vnd:
        return 0
    return rate.fee_vnd
