"""The map, read once, for the national load: origins computed in memory, and 700 locations.

An origin here is what ``geo.services.origin_of`` returns, computed from one read of the
``place`` table instead of a few queries per producer: a current commune is its own origin;
a legacy commune resolves through its successor to today's commune and province and keeps
its legacy district and province.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import ProducerKind
from shop.db import table_of
from shop.demo.councils import Units
from shop.geo.models import Area, Place, PlaceEra, PlaceLevel
from shop.inventory.models import Location, LocationKind

Row = dict[str, Any]


SALES_POINTS, FAIRS, WAREHOUSES = 560, 40, 100  # 700 locations
LEGACY_SHARE = 0.7  # producers whose address still names the old units


@dataclass(frozen=True)
class Origin:
    """A producer's place, as the product columns and the certificate issuer need it."""

    place_id: int
    province_id: int
    commune_id: int
    legacy_province_id: int | None
    legacy_district_id: int | None
    short_name: str
    address: str
    search_names: list[str]  # in the order ``services.refresh_search_text`` uses
    units: Units


@dataclass
class Map:
    """Every place by id, with the lists the generator draws from."""

    places: dict[int, Place]
    current_communes: list[Place] = field(default_factory=list)
    legacy_communes: list[Place] = field(default_factory=list)
    provinces: list[Place] = field(default_factory=list)
    by_province: dict[int, list[Place]] = field(default_factory=dict)
    districts_of: dict[int, list[int]] = field(default_factory=dict)  # commune → legacy districts

    @property
    def province_count(self) -> int:
        return len(self.provinces)

    def _lower(self, place: Place | None) -> str | None:
        return place.name[:1].lower() + place.name[1:] if place else None

    def origin(self, place: Place) -> Origin:
        if place.era == PlaceEra.current:
            commune, legacy_district, legacy_province = place, None, None
        else:
            commune = self.places[place.successor_id or 0]
            legacy_district = self.places.get(place.parent_id or 0)
            legacy_province = self.places.get(place.province_id or 0)
        province = self.places[commune.province_id or 0]
        named = [province, commune, legacy_province, legacy_district]
        parts = [place.name, self._lower(legacy_district), self._lower(legacy_province)]
        address = ", ".join(p for p in parts if p)
        if legacy_province is not None:
            address += f" (nay {self._lower(commune)}, {self._lower(province)})"
        else:
            address += f", {self._lower(province)}"
        return Origin(
            place_id=place.id,
            province_id=province.id,
            commune_id=commune.id,
            legacy_province_id=legacy_province.id if legacy_province else None,
            legacy_district_id=legacy_district.id if legacy_district else None,
            short_name=place.short_name,
            address=address,
            search_names=[p.short_name for p in named if p is not None],
            units=Units(
                legacy_province.name if legacy_province else None,
                legacy_district.name if legacy_district else None,
                province.name,
            ),
        )

    def random_origin(self, rng: random.Random) -> Origin:
        pool = self.legacy_communes if rng.random() < LEGACY_SHARE else self.current_communes
        return self.origin(rng.choice(pool))


async def load_map(session: AsyncSession) -> Map:
    """All places (about 14,000 rows) in one query."""
    rows = list(await session.scalars(sa.select(Place).order_by(Place.id)))
    out = Map(places={p.id: p for p in rows})
    for p in rows:
        if p.level == PlaceLevel.commune and p.era == PlaceEra.current:
            out.current_communes.append(p)
            out.by_province.setdefault(p.province_id or 0, []).append(p)
        elif p.level == PlaceLevel.commune and p.successor_id is not None:
            out.legacy_communes.append(p)
            if p.parent_id is not None:
                districts = out.districts_of.setdefault(p.successor_id, [])
                if p.parent_id not in districts:
                    districts.append(p.parent_id)
        elif p.level == PlaceLevel.province and p.era == PlaceEra.current:
            out.provinces.append(p)
    return out


def _area_for(places: Map, commune: Place, province: Place) -> Row:
    """The former district a sales point's commune mostly came from, else the province."""
    districts = places.districts_of.get(commune.id)
    if districts:
        district = places.places[districts[0]]
        kind = district.kind.lower()
        return {
            "code": f"NAT-A{district.code}",
            "name": f"Khu vực {district.short_name} ({kind} cũ)",
            "province_id": province.id,
            "legacy_district_id": district.id,
            "description": None,
        }
    return {
        "code": f"NAT-P{province.code}",
        "name": f"Toàn tỉnh {province.short_name}",
        "province_id": province.id,
        "legacy_district_id": None,
        "description": None,
    }


async def _areas(session: AsyncSession, rows: Sequence[Row]) -> dict[str, int]:
    unique = list({r["code"]: r for r in rows}.values())
    table = table_of(Area)
    stmt = sa.insert(table).returning(table.c.code, table.c.id, sort_by_parameter_order=True)
    result = await session.execute(stmt, unique)
    return {code: area_id for code, area_id in result.all()}


def _public(rng: random.Random, places: Map, n: int, today: dt.date) -> tuple[Row, Row]:
    """The n-th sales point or fair, round-robin over today's provinces; and its area."""
    province = places.provinces[n % len(places.provinces)]
    commune = rng.choice(places.by_province[province.id])
    fair = n >= SALES_POINTS
    starts = today + dt.timedelta(days=rng.randint(-90, 90)) if fair else None
    name = (
        f"Hội chợ OCOP {province.short_name} lần {n - SALES_POINTS + 1}"
        if fair
        else f"Điểm bán sản phẩm OCOP {commune.short_name}"
    )
    return {
        "code": f"NAT-L{n + 1:04d}",
        "name": name,
        "kind": LocationKind.fair if fair else LocationKind.sales_point,
        "place_id": commune.id,
        "address": f"{commune.name}, {province.name}",
        "opening_hours": "8:00–22:00" if fair else "7:30–21:00 hằng ngày",
        "phone": None,
        "starts_on": starts,
        "ends_on": starts + dt.timedelta(days=rng.randint(2, 6)) if starts else None,
        "producer_id": None,
        "is_active": True,
    }, _area_for(places, commune, province)


async def add_locations(
    session: AsyncSession,
    rng: random.Random,
    places: Map,
    producers: Sequence[tuple[Row, Origin]],
    *,
    today: dt.date,
) -> list[int]:
    """Sales points and fairs in every province, and warehouses of the first cooperatives."""
    public = [_public(rng, places, n, today) for n in range(SALES_POINTS + FAIRS)]
    area_ids = await _areas(session, [area for _, area in public])
    rows = [{**row, "area_id": area_ids[area["code"]]} for row, area in public]
    cooperatives = [(r, o) for r, o in producers if r["kind"] is ProducerKind.cooperative]
    for n, (producer, origin) in enumerate(cooperatives[:WAREHOUSES], start=len(rows) + 1):
        rows.append(
            {
                "code": f"NAT-L{n:04d}",
                "name": f"Kho {producer['name']}",
                "kind": LocationKind.producer,
                "area_id": None,
                "place_id": origin.commune_id,
                "address": producer["address"],
                "opening_hours": "7:30–17:00, thứ Hai đến thứ Bảy",
                "phone": None,
                "starts_on": None,
                "ends_on": None,
                "producer_id": producer["id"],
                "is_active": True,
            }
        )
    table = table_of(Location)
    stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return list((await session.execute(stmt, rows)).scalars().all())
