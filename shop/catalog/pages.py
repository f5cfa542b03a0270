"""Catalog pages: the product list with filters, a product, producers (the storefront grows here)."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

import sqlalchemy as sa
from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import queries
from shop.catalog.api import PageNumber, Sort, Text, _key
from shop.catalog.models import Producer
from shop.catalog.sellability import today
from shop.errors import InvalidInput
from shop.geo import services as geo
from shop.i18n import _, current_language
from shop.inventory.models import PUBLIC_KINDS, Location
from shop.orders import routing
from shop.storefront.currency import approximator, rates

PAGE_SIZE = 24


def producer_kinds() -> dict[str, str]:
    return {
        "cooperative": _("Cooperative"),
        "enterprise": _("Enterprise"),
        "cooperative_group": _("Cooperative group"),
        "household_business": _("Household business"),
    }


def sort_labels() -> list[tuple[str, str]]:
    return [
        ("name", _("Name A–Z")),
        ("-name", _("Name Z–A")),
        ("price", _("Price, low to high")),
        ("-price", _("Price, high to low")),
        ("-stars", _("Most stars")),
        ("newest", _("Newest")),
    ]


Price = Annotated[int | None, Parameter(ge=0, le=10**12)]


async def listing(session: AsyncSession, filters: queries.ProductFilter, page: int) -> Template:
    """The product list with its filters (``/products``, and ``/`` when a search is given)."""
    error = None
    language = current_language()
    try:
        result = await queries.list_products(
            session, filters, page=page, page_size=PAGE_SIZE, on=today(), language=language
        )
    except InvalidInput as invalid:
        error = "; ".join(e["message"] for e in invalid.errors) or invalid.detail
        filters = queries.ProductFilter(sort=filters.sort)
        result = await queries.list_products(
            session, filters, page=1, page_size=PAGE_SIZE, on=today(), language=language
        )

    def query(**changes: Any) -> str:
        params = {
            "q": filters.q,
            "province": filters.province,
            "group": filters.group,
            "min_stars": filters.min_stars,
            "min_price": filters.min_price,
            "max_price": filters.max_price,
            "sales_point": filters.sales_point,
            "sort": filters.sort,
        }
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    return Template(
        "catalog/index.html",
        context={
            "page": result,
            "pages": math.ceil(result.total / PAGE_SIZE),
            "filters": filters,
            "groups": await queries.list_groups(session),
            "provinces": await geo.provinces(session),
            "sales_points": await public_sales_points(session),
            "sorts": sort_labels(),
            "query": query,
            "error": error,
            "approx": approximator(await rates(session), language),
        },
    )


async def public_sales_points(session: AsyncSession) -> list[tuple[str, str]]:
    """(code, name) of the open sales points and fairs, for the "available at" filter."""
    rows = await session.execute(
        sa.select(Location.code, Location.name)
        .where(Location.kind.in_(PUBLIC_KINDS), Location.is_active.is_(True))
        .order_by(Location.name)
    )
    return [(code, name) for code, name in rows.all()]


class CatalogPages(Controller):
    include_in_schema = False

    @get("/products")
    async def index(
        self,
        session: AsyncSession,
        q: Text = None,
        province: Text = None,
        group: Annotated[str | None, Parameter(max_length=40)] = None,
        min_stars: Annotated[int | None, Parameter(ge=3, le=5)] = None,
        min_price: Price = None,
        max_price: Price = None,
        sales_point: Annotated[str | None, Parameter(max_length=40)] = None,
        sort: Sort = "name",
        page: PageNumber = 1,
    ) -> Template:
        filters = queries.ProductFilter(
            q=q,
            province=province,
            group=group or None,
            min_stars=min_stars,
            min_price=min_price,
            max_price=max_price,
            sales_point=sales_point or None,
            sort=sort,
        )
        return await listing(session, filters, page)

    @get("/products/{slug:str}")
    async def product(self, session: AsyncSession, slug: str) -> Template:
        on, language = today(), current_language()
        detail = await queries.product_detail(session, slug, on=on, language=language)
        online = (await routing.available(session, [detail.id], on=on))[detail.id] if detail.sellable else 0
        return Template(
            "catalog/product.html",
            context={
                "product": detail,
                "online": online,
                "story": await session.scalar(
                    sa.select(Producer.story).where(Producer.code == detail.producer.code)
                ),
                "approx": approximator(await rates(session), language),
            },
        )

    @get("/producers")
    async def producers(self, session: AsyncSession, q: Text = None, page: PageNumber = 1) -> Template:
        result = await queries.list_producers(session, q=q, kind=None, page=page, page_size=50, on=today())
        return Template(
            "catalog/producers.html",
            context={
                "page": result,
                "pages": math.ceil(result.total / 50),
                "q": q,
                "kinds": producer_kinds(),
            },
        )

    @get("/producers/{key:str}")
    async def producer(self, session: AsyncSession, key: str) -> Template:
        detail = await queries.producer_detail(session, _key(key), on=today(), language=current_language())
        return Template("catalog/producer.html", context={"producer": detail, "kinds": producer_kinds()})
