"""Locations: the sales points, fairs and warehouses where stock lives."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import NotFound
from shop.geo.models import Area, Place
from shop.i18n import N_
from shop.inventory import schemas
from shop.inventory.models import PUBLIC_KINDS, Location


async def outs(session: AsyncSession, locations: Sequence[Location]) -> list[schemas.SalesPointOut]:
    area_ids = {loc.area_id for loc in locations if loc.area_id}
    areas = {a.id: a for a in await session.scalars(sa.select(Area).where(Area.id.in_(area_ids)))}
    place_ids = {loc.place_id for loc in locations if loc.place_id}
    places = {p.id: p for p in await session.scalars(sa.select(Place).where(Place.id.in_(place_ids)))}
    province_ids = {p.province_id for p in places.values() if p.province_id}
    places.update(
        {p.id: p for p in await session.scalars(sa.select(Place).where(Place.id.in_(province_ids)))}
    )
    out = []
    for loc in locations:
        area = areas.get(loc.area_id) if loc.area_id else None
        commune = places.get(loc.place_id) if loc.place_id else None
        province = places.get(commune.province_id) if commune and commune.province_id else None
        out.append(
            schemas.SalesPointOut(
                code=loc.code,
                name=loc.name,
                kind=loc.kind.value,
                area=schemas.AreaOut(code=area.code, name=area.name) if area else None,
                province=province.name if province else None,
                commune=commune.name if commune else None,
                address=loc.address,
                opening_hours=loc.opening_hours,
                phone=loc.phone,
                starts_on=loc.starts_on,
                ends_on=loc.ends_on,
            )
        )
    return out


async def open_locations(
    session: AsyncSession, *, on: dt.date, include_past_fairs: bool = False
) -> list[Location]:
    """Active sales points and fairs by name (a fair shows until its last day)."""
    return list(await session.scalars(open_locations_select(on=on, include_past_fairs=include_past_fairs)))


def open_locations_select(*, on: dt.date, include_past_fairs: bool = False) -> sa.Select[Location]:
    stmt = sa.select(Location).where(Location.kind.in_(PUBLIC_KINDS), Location.is_active.is_(True))
    if not include_past_fairs:
        stmt = stmt.where(sa.or_(Location.ends_on.is_(None), Location.ends_on >= on))
    return stmt.order_by(Location.name, Location.id)


async def list_sales_points(
    session: AsyncSession, *, on: dt.date, include_past_fairs: bool = False
) -> list[schemas.SalesPointOut]:
    """Open sales points and fairs (a fair shows until its last day)."""
    return await outs(session, await open_locations(session, on=on, include_past_fairs=include_past_fairs))


async def find_location(session: AsyncSession, code: str) -> Location:
    location = await session.scalar(sa.select(Location).where(Location.code == code))
    if location is None:
        raise NotFound(N_("No sales point {code}."), code=code)
    return location


async def sales_point_detail(session: AsyncSession, code: str) -> schemas.SalesPointOut:
    location = await find_location(session, code)
    if location.kind not in PUBLIC_KINDS:
        raise NotFound(N_("No sales point {code}."), code=code)
    (out,) = await outs(session, [location])
    return out
