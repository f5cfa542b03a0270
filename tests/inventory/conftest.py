"""A small world for stock tests: a sales point, a fair, a cooperative with its warehouse,
certified products, and people with their scopes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import today
from shop.inventory.models import Location, LocationKind
from tests import factories


@dataclass
class World:
    shop: Location
    other_shop: Location
    fair: Location
    warehouse: Location
    maker: Producer
    other_maker: Producer
    noodles: Product
    honey: Product
    tea: Product  # made by other_maker
    manager: str
    staff: str
    other_manager: str
    coop: str
    admin: str


@pytest.fixture
async def world(session: AsyncSession) -> World:
    maker = await factories.producer(session, code="HTX-TH", name="HTX Tài Hoan")
    other = await factories.producer(session, code="HTX-DV", name="HTX Đồng Văn")
    noodles = await factories.product(session, maker, name="Miến dong Tài Hoan", gtin="8930000000011")
    honey = await factories.product(session, maker, name="Mật ong bạc hà")
    tea = await factories.product(session, other, name="Chè Shan tuyết")
    for item in (noodles, honey, tea):
        await factories.certificate(session, item, 4, today=today())
    shop = await factories.location(session, code="SP-A", name="Điểm bán A")
    other_shop = await factories.location(session, code="SP-B", name="Điểm bán B")
    fair = await factories.location(
        session,
        LocationKind.fair,
        code="FAIR-1",
        name="Hội chợ OCOP",
        starts_on=today() - dt.timedelta(days=2),
        ends_on=today() + dt.timedelta(days=3),
    )
    warehouse = await factories.location(
        session, LocationKind.producer, code="KHO-TH", name="Kho Tài Hoan", producer_id=maker.id
    )
    world = World(
        shop=shop,
        other_shop=other_shop,
        fair=fair,
        warehouse=warehouse,
        maker=maker,
        other_maker=other,
        noodles=noodles,
        honey=honey,
        tea=tea,
        manager=await factories.user(session, Role.manager, location_codes=["SP-A", "FAIR-1"]),
        staff=await factories.user(session, Role.staff, location_codes=["SP-A"]),
        other_manager=await factories.user(session, Role.manager, location_codes=["SP-B"]),
        coop=await factories.user(session, Role.cooperative, producer_code="HTX-TH"),
        admin=await factories.user(session, Role.admin),
    )
    await session.commit()
    return world


@pytest.fixture
async def as_manager(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    return await factories.bearer(client, world.manager)
