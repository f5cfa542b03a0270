"""The storefront tests' world: two cooperatives with warehouses, stock, a shipping table,
exchange rates, and a local Stripe-compatible server the app's real SDK talks to."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.inventory.models import Location, LocationKind
from shop.orders.cart_models import ShippingRate
from shop.settings import Settings
from shop.storefront.models import CurrencyRate
from tests import factories
from tests.inventory.conftest import World, world  # noqa: F401 - the fixture, shared
from tests.inventory.support import receipt_body
from tests.stripe_server import FakeStripe

SHIPPING_VND = 30_000
FREE_FROM_VND = 1_000_000


@pytest.fixture(scope="session")
def stripe_server() -> Iterator[FakeStripe]:
    server = FakeStripe().start()
    yield server
    server.stop()


@pytest.fixture
def stripe(stripe_server: FakeStripe) -> FakeStripe:
    stripe_server.webhook_url = None
    stripe_server.fail_next = 0
    stripe_server.refunds.clear()  # each test counts its own (the server lives for the session)
    return stripe_server


@pytest.fixture
def settings(settings: Settings, stripe: FakeStripe) -> Settings:
    return dataclasses.replace(
        settings,
        stripe_secret_key=stripe.api_key,
        stripe_webhook_secret=stripe.webhook_secret,
        stripe_api_base=stripe.base_url,
        bank_bin="970405",
        bank_account_number="1234567890123",
        bank_account_name="SO CONG THUONG",
    )


@dataclass
class Shop:
    world: World
    province: str  # a province code of today's map
    commune: str  # one of its communes
    other_warehouse: Location
    client: httpx.AsyncClient
    admin: dict[str, str]
    mail_dir: Path


@pytest.fixture
async def shop(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,  # noqa: F811
    settings: Settings,
) -> Shop:
    """10 noodles and 10 honey at Tài Hoan's warehouse, 10 tea at Đồng Văn's, 3 noodles at SP-A."""
    other = await factories.location(
        session, LocationKind.producer, code="KHO-DV", name="Kho Đồng Văn", producer_id=world.other_maker.id
    )
    province = await session.scalar(
        sa.select(Place).where(Place.era == PlaceEra.current, Place.level == PlaceLevel.province).limit(1)
    )
    assert province is not None
    commune = await session.scalar(
        sa.select(Place.code)
        .where(Place.province_id == province.id, Place.level == PlaceLevel.commune)
        .limit(1)
    )
    session.add(
        ShippingRate(province_id=None, is_default=True, fee_vnd=SHIPPING_VND, free_from_vnd=FREE_FROM_VND)
    )
    session.add(CurrencyRate(currency="USD", vnd_per_unit=Decimal("26000")))
    province_code = province.code
    await session.commit()
    admin = await factories.bearer(client, world.admin)
    for code, product, quantity, producer in (
        ("KHO-TH", world.noodles, 10, "HTX-TH"),
        ("KHO-TH", world.honey, 10, "HTX-TH"),
        ("KHO-DV", world.tea, 10, "HTX-DV"),
        ("SP-A", world.noodles, 3, "HTX-TH"),
    ):
        body = receipt_body(product.id, quantity, producer=producer, unit_cost=30_000)
        response = await client.post(f"/api/v1/sales-points/{code}/receipts", json=body, headers=admin)
        assert response.status_code == 201, response.text
    return Shop(world, province_code, str(commune), other, client, admin, settings.var_dir / "mail")
