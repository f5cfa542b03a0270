"""The tourist's pages: home and sales points.

The listing, product and producer pages are the catalog's (``catalog_pages.py``); the
cart and checkout are in ``pages_cart.py``, order tracking in ``shop/orders/pages/orders.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, queries
from shop.catalog.api import Code, Stars, Text
from shop.catalog.models import Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.db import database_key
from shop.errors import NotFound
from shop.geo.models import Place
from shop.i18n import N_, current_language
from shop.inventory import availability, photos
from shop.inventory import services as locations
from shop.inventory.models import PUBLIC_KINDS, Location, StockLevel
from shop.storefront import heads
from shop.storefront.catalog_pages import listing
from shop.storefront.currency import approximator, rates


async def _featured_provinces(session: AsyncSession) -> list[tuple[Place, int]]:
    """Provinces by how many certified products come from them."""
    count = sa.func.count(Product.id)
    rows = await session.execute(
        sa.select(Place, count)
        .join(Product, Product.origin_province_id == Place.id)
        .where(sellable_product_clause(today()))
        .group_by(Place.id)
        .order_by(count.desc(), Place.folded)
        .limit(12)
    )
    return [(place, int(n)) for place, n in rows.all()]


# A sales point's page shows this many of its products (the best rated), then links to them all.
SHOWN_AT_POINT = 8


async def _home_data(session: AsyncSession, language: str) -> tuple[Any, ...]:
    featured = await queries.list_products(
        session,
        queries.ProductFilter(min_stars=4, sort="-stars"),
        page=1,
        page_size=12,
        on=today(),
        language=language,
    )
    return (featured.items, await _featured_provinces(session), await rates(session))


class StorefrontPages(Controller):
    include_in_schema = False

    @get("/")
    async def home(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        q: Text = None,
        province: Text = None,
        group: Code = None,
        min_stars: Stars = None,
        page: Annotated[int, Parameter(ge=1, le=10_000)] = 1,
    ) -> Template:
        base_url = request.app.state.settings.base_url
        if q or province or group or min_stars or page > 1:  # an old search link: the listing
            filters = queries.ProductFilter(q=q, province=province, group=group, min_stars=min_stars)
            return await listing(request, session, filters, page)
        language = current_language()
        key = ("home", database_key(session), language, today())
        data = await cache.shared(session, key, lambda own: _home_data(own, language))
        assert isinstance(data, tuple)
        items, provinces, known_rates = data
        return Template(
            "storefront/home.html",
            context={
                "featured": items,
                "provinces": provinces,
                "approx": approximator(known_rates, language),
                "head": heads.home(base_url),
            },
        )

    @get("/sales-points")
    async def sales_points(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        points = await locations.open_locations(session, on=today())
        head = heads.sales_points(request.app.state.settings.base_url, points)
        pictures = await photos.pictures_of(session, points)
        return Template(
            "storefront/sales_points.html", context={"points": points, "pictures": pictures, "head": head}
        )

    @get("/sales-points/{code:str}")
    async def sales_point(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template:
        point = await session.scalar(
            sa.select(Location).where(
                Location.code == code, Location.kind.in_(PUBLIC_KINDS), Location.is_active.is_(True)
            )
        )
        if point is None:
            raise NotFound(N_("No sales point {code}."), code=code)
        in_stock = await session.scalar(
            sa.select(sa.func.count(sa.distinct(StockLevel.product_id))).where(
                StockLevel.location_id == point.id, StockLevel.on_hand > StockLevel.reserved
            )
        )
        place = await session.get(Place, point.place_id) if point.place_id else None
        province = await session.get(Place, place.province_id) if place and place.province_id else None
        picture = await photos.location_picture(session, point)
        language = current_language()
        products = await queries.list_products(
            session,
            queries.ProductFilter(sales_point=point.code, sort="-stars"),
            page=1,
            page_size=SHOWN_AT_POINT,
            on=today(),
            language=language,
            stock=availability,
        )
        head = heads.sales_point(
            request.app.state.settings.base_url, point, commune=place, province=province, picture=picture
        )
        return Template(
            "storefront/sales_point.html",
            context={
                "point": point,
                "place": place,
                "in_stock": in_stock or 0,
                "picture": picture,
                "products": products,
                "approx": approximator(await rates(session), language),
                "head": head,
            },
        )
