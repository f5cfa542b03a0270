"""Small factories for tests: real rows through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import httpx
import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.catalog import certificates, schemas, services
from shop.catalog.models import Certificate, CouncilLevel, Producer, ProducerKind, Product
from shop.geo.models import Area, Place, PlaceEra, PlaceLevel
from shop.inventory.models import Location, LocationKind
from shop.office import people

_seq = itertools.count(1)
TODAY = dt.date(2026, 11, 23)


async def producer(session: AsyncSession, **kw: Any) -> Producer:
    n = next(_seq)
    data = {
        "code": f"P{n}",
        "kind": ProducerKind.cooperative,
        "name": f"HTX Thử nghiệm {n}",
        "place": "Na Rì, Bắc Kạn",
    } | kw
    return await services.create_producer(session, msgspec.convert(data, schemas.ProducerIn))


async def product(session: AsyncSession, maker: Producer | None = None, **kw: Any) -> Product:
    maker = maker or await producer(session)
    n = next(_seq)
    data = {
        "producer_code": maker.code,
        "group_code": "food-processed",
        "name": f"Sản phẩm {n}",
        "unit": "gói",
        "price_vnd": 50_000,
    } | kw
    return await services.create_product(session, msgspec.convert(data, schemas.ProductIn))


async def certificate(
    session: AsyncSession,
    item: Product,
    stars: int = 3,
    *,
    decision_date: dt.date | None = None,
    today: dt.date = TODAY,
    **kw: Any,
) -> Certificate:
    n = next(_seq)
    data = {
        "product_id": item.id,
        "stars": stars,
        "council_level": CouncilLevel.province,
        "issuer": "UBND tỉnh Bắc Kạn",
        "decision_number": f"{n}/QĐ-UBND",
        "decision_date": decision_date or today - dt.timedelta(days=100),
    } | kw
    return await certificates.certify(session, msgspec.convert(data, schemas.CertificateIn), today=today)


async def certified_product(session: AsyncSession, stars: int = 3, **kw: Any) -> Product:
    item = await product(session, **kw)
    await certificate(session, item, stars)
    return item


async def provinces(session: AsyncSession, count: int) -> list[Place]:
    """The first ``count`` provinces of today's map, by name."""
    query = sa.select(Place).where(Place.era == PlaceEra.current, Place.level == PlaceLevel.province)
    found = list(await session.scalars(query.order_by(Place.name).limit(count)))
    assert len(found) == count
    return found


async def location(
    session: AsyncSession, kind: LocationKind = LocationKind.sales_point, **kw: Any
) -> Location:
    n = next(_seq)
    area = Area(code=f"AREA{n}", name=f"Khu vực {n}", province_id=kw.pop("province_id", None) or 1)
    session.add(area)
    await session.flush()
    loc = Location(
        code=kw.pop("code", f"SP{n}"), name=kw.pop("name", f"Điểm bán {n}"), kind=kind, area_id=area.id, **kw
    )
    session.add(loc)
    await session.flush()
    return loc


async def user(
    session: AsyncSession, role: Role = Role.admin, password: str = "password123", **kw: Any
) -> str:
    username = kw.pop("username", f"user{next(_seq)}")
    await people.create_user(session, username=username, password=password, role=role, **kw)
    return username


async def bearer(client: httpx.AsyncClient, username: str, password: str = "password123") -> dict[str, str]:
    response = await client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def admin_headers(session: AsyncSession, client: httpx.AsyncClient) -> dict[str, str]:
    name = await user(session, Role.admin)
    await session.commit()
    return await bearer(client, name)
