"""The office's clearances: selling off old stock of a product whose certificate lapsed.

A clearance is explicit (a reason, an end date, who granted it), may be limited to one
location, and is recorded on every sale line it allows. It never makes the product OCOP
again: the storefront still hides it and the receipt says "not sold as OCOP".
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory.models import Location
from shop.till.models import Clearance
from shop.till.schemas import ClearanceIn


async def grant(session: AsyncSession, user: CurrentUser, data: ClearanceIn) -> Clearance:
    errors = []
    if await session.get(Product, data.product_id) is None:
        errors.append(field_error("product_id", N_("No product {id}."), id=data.product_id))
    location_id = None
    if data.location_code is not None:
        location_id = await session.scalar(sa.select(Location.id).where(Location.code == data.location_code))
        if location_id is None:
            errors.append(field_error("location_code", N_("No location {code}."), code=data.location_code))
    starts = today()
    if data.until < starts:
        errors.append(field_error("until", N_("The end date is in the past.")))
    if errors:
        raise InvalidInput(errors=errors)
    clearance = Clearance(
        product_id=data.product_id,
        location_id=location_id,
        reason=data.reason,
        starts_on=starts,
        until=data.until,
        granted_by=user.id,
    )
    session.add(clearance)
    await session.flush()
    return clearance


async def revoke(session: AsyncSession, clearance_id: int) -> Clearance:
    clearance = await session.get(Clearance, clearance_id)
    if clearance is None:
        raise NotFound(N_("No clearance {id}."), id=clearance_id)
    if clearance.revoked_at is not None:
        raise Conflict(N_("This clearance was already withdrawn."))
    clearance.revoked_at = utcnow()
    await session.flush()
    return clearance


async def listing(session: AsyncSession, *, active_only: bool) -> list[Clearance]:
    return list(await session.scalars(listing_select(active_only=active_only).limit(200)))


def listing_select(*, active_only: bool) -> sa.Select[Clearance]:
    """The clearances, newest first; only those in force with ``active_only``."""
    stmt = sa.select(Clearance).order_by(Clearance.id.desc())
    if active_only:
        stmt = stmt.where(Clearance.revoked_at.is_(None), Clearance.until >= today())
    return stmt
