"""Where a checkout's order goes: an address in today's provinces, or a sales point to pick up from.

``delivery_of`` reads the checkout's delivery fields into a ``Delivery``, or returns every
problem of them at once (a province and commune that do not exist or do not match, a sales
point that is closed, not public, or not open on the day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import field_error
from shop.geo import services as geo
from shop.i18n import N_
from shop.inventory.models import PUBLIC_KINDS, Location, open_on
from shop.orders.cart_schemas import CheckoutIn
from shop.orders.models import DeliveryMethod


@dataclass(frozen=True)
class Delivery:
    """Shipped to a street of a commune (with its province, for the fee), or picked up."""

    method: DeliveryMethod
    province_id: int | None = None
    commune_id: int | None = None
    street: str | None = None
    pickup: Location | None = None


async def _shipping(session: AsyncSession, data: CheckoutIn) -> tuple[Delivery | None, list[dict[str, str]]]:
    """The address to ship to, or every problem of it at once."""
    address = data.delivery.address
    if address is None:
        return None, [field_error("delivery.address", N_("Enter the delivery address."))]
    errors = []
    if not address.street.strip():
        errors.append(field_error("delivery.address", N_("Enter the delivery address.")))
    codes = address.province_code, address.commune_code
    province, commune = await geo.current_province_and_commune(session, *codes)
    if province is None:
        errors.append(field_error("delivery.address.province_code", N_("Choose a province.")))
    elif commune is None:
        errors.append(field_error("delivery.address.commune_code", N_("Choose a commune of this province.")))
    if errors or province is None or commune is None:
        return None, errors
    return Delivery(DeliveryMethod.ship, province, commune, address.street.strip()), []


async def delivery_of(
    session: AsyncSession, data: CheckoutIn, on: dt.date
) -> tuple[Delivery | None, list[dict[str, str]]]:
    """Where the order goes, or every problem of the delivery fields."""
    delivery = data.delivery
    if delivery.method == "ship":
        return await _shipping(session, data)
    location = None
    if delivery.sales_point_code:
        location = await session.scalar(
            sa.select(Location).where(
                Location.code == delivery.sales_point_code,
                Location.kind.in_(PUBLIC_KINDS),
                Location.is_active.is_(True),
                open_on(on),  # not a fair before or after its days
            )
        )
    if location is None:
        return None, [field_error("delivery.sales_point_code", N_("Choose a sales point to pick up from."))]
    return Delivery(DeliveryMethod.pickup, pickup=location), []
