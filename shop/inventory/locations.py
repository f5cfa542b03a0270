"""The office's writes on locations: sales points, trade fairs and producer warehouses.

A location stands in a commune of today's map (an address given with old unit names is
moved to its successor); a fair has its two dates; a warehouse belongs to a producer.
The database says the same with CHECK constraints, for writes made in /admin.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.geo import services as geo
from shop.geo.models import Area, Place, PlaceLevel
from shop.i18n import N_
from shop.inventory.models import Location, LocationKind
from shop.inventory.schemas import LocationIn, LocationPatch


async def _commune(session: AsyncSession, text: str, errors: list[dict[str, Any]]) -> Place | None:
    place = await geo.resolve_place(session, text)
    commune = (await geo.origin_of(session, place)).current_commune if place else None
    if commune is None or commune.level is not PlaceLevel.commune:
        errors.append(field_error("place", N_("Name a commune or ward and its province: {text}."), text=text))
        return None
    return commune


async def _area(session: AsyncSession, code: str | None, errors: list[dict[str, Any]]) -> int | None:
    if code is None:
        return None
    area_id = await session.scalar(sa.select(Area.id).where(Area.code == code))
    if area_id is None:
        errors.append(field_error("area_code", N_("No area {code}."), code=code))
    return area_id


def _date_errors(
    kind: LocationKind, starts_on: dt.date | None, ends_on: dt.date | None
) -> list[dict[str, Any]]:
    if kind is LocationKind.fair and (starts_on is None or ends_on is None):
        return [field_error("ends_on", N_("A trade fair needs its first and last day."))]
    if starts_on and ends_on and ends_on < starts_on:
        return [field_error("ends_on", N_("The last day comes before the first."))]
    return []


async def create_location(session: AsyncSession, data: LocationIn) -> Location:
    if await session.scalar(sa.select(Location.id).where(Location.code == data.code)) is not None:
        raise Conflict(N_("A location with code {code} already exists."), code=data.code)
    kind = LocationKind(data.kind)
    errors = _date_errors(kind, data.starts_on, data.ends_on)
    commune = await _commune(session, data.place, errors)
    area_id = await _area(session, data.area_code, errors)
    producer_id = None
    if kind is LocationKind.producer:
        producer_id = await session.scalar(
            sa.select(Producer.id).where(Producer.code == (data.producer_code or ""))
        )
        if producer_id is None:
            errors.append(field_error("producer_code", N_("A producer's warehouse needs its producer.")))
    if errors:
        raise InvalidInput(errors=errors)
    location = Location(
        code=data.code,
        name=data.name,
        kind=kind,
        area_id=area_id,
        place_id=commune.id if commune else None,
        address=data.address,
        opening_hours=data.opening_hours,
        phone=data.phone,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        producer_id=producer_id,
        bank_bin=data.bank_bin,
        bank_account_number=data.bank_account_number,
        bank_account_name=data.bank_account_name,
    )
    if data.count_reason_over_vnd is not None:
        location.count_reason_over_vnd = data.count_reason_over_vnd
    session.add(location)
    await session.flush()
    return location


async def update_location(session: AsyncSession, code: str, patch: LocationPatch) -> Location:
    location = await session.scalar(sa.select(Location).where(Location.code == code))
    if location is None:
        raise NotFound(N_("No location {code}."), code=code)
    errors = _date_errors(
        location.kind,
        patch.starts_on if patch.starts_on is not None else location.starts_on,
        patch.ends_on if patch.ends_on is not None else location.ends_on,
    )
    if patch.place is not None and (commune := await _commune(session, patch.place, errors)):
        location.place_id = commune.id
    if patch.area_code is not None:
        location.area_id = await _area(session, patch.area_code, errors)
    if errors:
        raise InvalidInput(errors=errors)
    for field in (
        "name",
        "address",
        "opening_hours",
        "phone",
        "starts_on",
        "ends_on",
        "is_active",
        "bank_bin",
        "bank_account_number",
        "bank_account_name",
        "count_reason_over_vnd",
    ):
        if (value := getattr(patch, field)) is not None:
            setattr(location, field, value)
    await session.flush()
    return location
