"""Who may see and change the stock of a location. The server decides on every route.

- the office (admin) sees and changes every location;
- managers and staff see and change only the locations they work at;
- a cooperative changes its own warehouse and reads its own products' stock anywhere
  (its consigned goods at the sales points).

A location outside the user's scope answers 404, exactly as one that does not exist, so
nobody learns the codes of other sales points by trying them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.errors import Forbidden, NotFound
from shop.i18n import N_
from shop.inventory.models import Location, LocationKind


def can_change(user: CurrentUser, location: Location) -> bool:
    if user.is_admin:
        return True
    if user.role is Role.cooperative:
        return location.kind is LocationKind.producer and location.producer_id == user.producer_id
    return location.id in user.location_ids


def can_read(user: CurrentUser, location: Location) -> bool:
    """Cooperatives may read any location, but only their own products there."""
    return can_change(user, location) or user.role is Role.cooperative


def only_producer(user: CurrentUser, location: Location) -> int | None:
    """The producer whose products alone this user may see here (None: everything)."""
    if user.role is Role.cooperative and not can_change(user, location):
        return user.producer_id
    return None


# Every location-scoped request reads its location: a statement built once, run with its code.
_BY_CODE = sa.select(Location).where(Location.code == sa.bindparam("code"))


async def location(session: AsyncSession, user: CurrentUser, code: str, *, change: bool = False) -> Location:
    """The location with this code if the user may read it (or change it); else 404."""
    return checked(user, await session.scalar(_BY_CODE, {"code": code}), code, change=change)


def checked(user: CurrentUser, found: Location | None, code: str, *, change: bool = False) -> Location:
    """The location found by its code (read by the caller), if the user may read it (or
    change it); else 404, as :func:`location` answers."""
    allowed = found is not None and (can_change(user, found) if change else can_read(user, found))
    if found is None or not allowed:
        raise NotFound(N_("No location {code}."), code=code)
    return found


def require_manager(user: CurrentUser) -> None:
    """Settings that shape a location's buying (thresholds) are for managers and the office."""
    if user.role not in (Role.admin, Role.manager):
        raise Forbidden(N_("Only a manager can change this."))


async def locations_of(session: AsyncSession, user: CurrentUser) -> list[Location]:
    """The locations a user works at (all of them for the office), by name."""
    stmt = sa.select(Location).where(Location.is_active.is_(True)).order_by(Location.kind, Location.name)
    if user.role is Role.cooperative:
        stmt = stmt.where(Location.kind == LocationKind.producer, Location.producer_id == user.producer_id)
    elif not user.is_admin:
        stmt = stmt.where(Location.id.in_(user.location_ids))
    return list(await session.scalars(stmt))
