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
from shop.paging import MAX_PAGE_SIZE, Page, PageNumber, PageSize, page_of, paginate_scalars


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
        self,
        session: AsyncSession,
        era: Literal["current", "legacy"] = "current",
        page: PageNumber = 1,
        page_size: PageSize = MAX_PAGE_SIZE,
    ) -> Page[PlaceOut]:
        stmt = services.provinces_select(PlaceEra(era))
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        return page_of([_out(p) for p in found], total, page=page, page_size=page_size)

    @get(
        "/provinces/{code:str}/communes",
        operation_id="listCommunes",
        summary="Communes and wards of a province of today's map",
    )
    async def communes(
        self, session: AsyncSession, code: str, page: PageNumber = 1, page_size: PageSize = MAX_PAGE_SIZE
    ) -> Page[PlaceOut]:
        province = await session.scalar(
            sa.select(Place).where(
                Place.era == PlaceEra.current, Place.level == PlaceLevel.province, Place.code == code
            )
        )
        if province is None:
            raise NotFound(N_("No province with code {code}."), code=code)
        stmt = services.communes_select(province.id)
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        return page_of([_out(p) for p in found], total, page=page, page_size=page_size)
