"""Place pickers for forms and scripts: provinces of either map, and a province's communes."""

from __future__ import annotations

from typing import Literal

import msgspec
import sqlalchemy as sa
from litestar import Controller, get
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import NotFound
from shop.geo import services
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.i18n import N_


class PlaceOut(msgspec.Struct):
    id: int
    code: str
    name: str
    short_name: str
    kind: str
    era: str
    successor_id: int | None


def _out(place: Place) -> PlaceOut:
    return PlaceOut(
        id=place.id,
        code=place.code,
        name=place.name,
        short_name=place.short_name,
        kind=place.kind,
        era=place.era.value,
        successor_id=place.successor_id,
    )


class PlaceController(Controller):
    path = "/api/v1/places"
    tags = ["places"]

    @get("/provinces", operation_id="listProvinces", summary="Provinces (today's map by default)")
    async def provinces(
        self, session: AsyncSession, era: Literal["current", "legacy"] = "current"
    ) -> list[PlaceOut]:
        return [_out(p) for p in await services.provinces(session, PlaceEra(era))]

    @get(
        "/provinces/{code:str}/communes",
        operation_id="listCommunes",
        summary="Communes and wards of a province of today's map",
    )
    async def communes(self, session: AsyncSession, code: str) -> list[PlaceOut]:
        province = await session.scalar(
            sa.select(Place).where(
                Place.era == PlaceEra.current, Place.level == PlaceLevel.province, Place.code == code
            )
        )
        if province is None:
            raise NotFound(N_("No province with code {code}."), code=code)
        return [_out(p) for p in await services.communes(session, province.id)]
