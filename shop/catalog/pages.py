"""Catalog pages: the product list with filters, a product, producers (the storefront grows here)."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import queries
from shop.catalog.api import PageNumber, Sort, Text, _key
from shop.catalog.sellability import today
from shop.errors import InvalidInput
from shop.geo import services as geo
from shop.i18n import _, current_language

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


class CatalogPages(Controller):
    include_in_schema = False

    @get("/")
    async def index(
        self,
        session: AsyncSession,
        q: Text = None,
        province: Text = None,
        group: Annotated[str | None, Parameter(max_length=40)] = None,
        min_stars: Annotated[int | None, Parameter(ge=3, le=5)] = None,
        sort: Sort = "name",
        page: PageNumber = 1,
    ) -> Template:
        filters = queries.ProductFilter(
            q=q, province=province, group=group or None, min_stars=min_stars, sort=sort
        )
        error = None
        try:
            result = await queries.list_products(
                session, filters, page=page, page_size=PAGE_SIZE, on=today(), language=current_language()
            )
        except InvalidInput as invalid:
            error = "; ".join(e["message"] for e in invalid.errors) or invalid.detail
            filters = queries.ProductFilter(sort=sort)
            result = await queries.list_products(
                session, filters, page=1, page_size=PAGE_SIZE, on=today(), language=current_language()
            )

        def query(**changes: Any) -> str:
            params = {"q": q, "province": province, "group": group, "min_stars": min_stars, "sort": sort}
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
                "sorts": sort_labels(),
                "query": query,
                "error": error,
            },
        )

    @get("/products/{slug:str}")
    async def product(self, session: AsyncSession, slug: str) -> Template:
        detail = await queries.product_detail(session, slug, on=today(), language=current_language())
        return Template("catalog/product.html", context={"product": detail})

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
