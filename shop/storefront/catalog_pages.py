"""The tourist's catalog pages: the product list with filters, a product (where it can be bought,
from inventory; how many one order can have, from the routing), producers."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
import sqlalchemy as sa
from jinja2 import Template as JinjaTemplate
from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, group_queries, photos, producer_queries, product_queries, queries, schemas
from shop.catalog.api import Code, Sort, Stars, Text, _key
from shop.catalog.sellability import today
from shop.db import database_key, dialect_of
from shop.errors import InvalidInput
from shop.geo import services as geo
from shop.geo.models import Area, Place
from shop.i18n import _, current_language
from shop.inventory import availability
from shop.inventory.models import PUBLIC_KINDS, Location
from shop.orders import routing
from shop.paging import PageNumber
from shop.storefront import heads
from shop.storefront.currency import approximator, shared_rates
from shop.storefront.seo import Head

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


def page_template(request: Request[Any, Any, Any], name: str) -> JinjaTemplate:
    """One of the app's templates, to draw part of a page ahead of its response."""
    engine = request.app.template_engine
    assert isinstance(engine, JinjaTemplateEngine)
    return engine.engine.get_template(name)


def _query(shown: queries.ProductFilter, **changes: Any) -> str:
    """The list's query string with these changes (a pager's link)."""
    params = {
        "q": shown.q,
        "province": shown.province,
        "group": shown.group,
        "min_stars": shown.min_stars,
        "min_price": shown.min_price,
        "max_price": shown.max_price,
        "sales_point": shown.sales_point,
        "sort": shown.sort,
    }
    params.update(changes)
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@dataclass(frozen=True)
class _Listing:
    """The list page as drawn once for every visitor within the catalog cache's few seconds,
    and dropped with the cache: all it shows is in the key. Only the frame around it (the
    menu, who is signed in, the language chooser) is drawn per request."""

    head: Head
    content: Markup  # catalog/_listing.html: the filters, the count, the 24 cards, the pager


async def _filter_form(
    session: AsyncSession, filters: queries.ProductFilter, template: JinjaTemplate
) -> Markup:
    """The list's filter form (groups, provinces, sales points, sorts, the values chosen):
    the same for every page of one list, so drawn once per filters and language."""
    key = ("listing-form", database_key(session), filters, current_language())

    async def draw(own: AsyncSession) -> object:
        return Markup(  # noqa: S704 - a template's output, escaped by it
            template.render(
                filters=filters,
                groups=await group_queries.list_groups(own),
                provinces=await _provinces_with_products(own),
                sales_points=await public_sales_points(own, filters.province),
                sorts=sort_labels(),
            )
        )

    # Past its seconds, drawn again in the background: every list page waited for it.
    form = await cache.shared_or_stale(session, key, draw)
    assert isinstance(form, Markup)
    return form


async def _provinces_with_products(session: AsyncSession) -> list[Place]:
    """The provinces the filter suggests: those some product on sale comes from (all of them
    while none is known, as on an empty catalog)."""
    provinces = await geo.provinces(session)
    wanted = await queries.origin_province_ids(session, today())
    return [p for p in provinces if p.id in wanted] or provinces


@dataclass(frozen=True)
class _Templates:
    listing: JinjaTemplate  # catalog/_listing.html
    form: JinjaTemplate  # catalog/_filters.html


async def _listing_data(
    session: AsyncSession,
    filters: queries.ProductFilter,
    page: int,
    templates: _Templates,
    base_url: str,
) -> _Listing:
    error = None
    language = current_language()
    try:
        result = await queries.list_products(
            session,
            filters,
            page=page,
            page_size=PAGE_SIZE,
            on=today(),
            language=language,
            stock=availability,
        )
    except InvalidInput as invalid:
        error = "; ".join(e["message"] for e in invalid.errors) or invalid.detail
        filters = queries.ProductFilter(sort=filters.sort)
        result = await queries.list_products(
            session, filters, page=1, page_size=PAGE_SIZE, on=today(), language=language
        )
    pages = math.ceil(result.total / PAGE_SIZE)
    content = templates.listing.render(
        page=result,
        pages=pages,
        filters=filters,
        form=await _filter_form(session, filters, templates.form),
        query=partial(_query, filters),
        error=error,
        approx=approximator(await shared_rates(session), language),
    )
    head = heads.listing(base_url, result, filters, pages)
    return _Listing(head, Markup(content))  # noqa: S704 - a template's output, escaped by it


async def listing(
    request: Request[Any, Any, Any], session: AsyncSession, filters: queries.ProductFilter, page: int
) -> Template:
    """The product list with its filters (``/products``, and ``/`` when a search is given)."""
    base_url = request.app.state.settings.base_url
    key = ("listing", database_key(session), base_url, filters, page, current_language(), today())
    templates = _Templates(
        page_template(request, "catalog/_listing.html"), page_template(request, "catalog/_filters.html")
    )
    data = await cache.shared(
        session, key, lambda own: _listing_data(own, filters, page, templates, base_url), cache.listings
    )
    assert isinstance(data, _Listing)
    return Template("catalog/index.html", context={"content": data.content, "head": data.head})


# Beyond this many sales points the "available at" list shows those of the chosen province:
# seven hundred options would weigh more than the page's products.
SHORT_LIST = 60


async def public_sales_points(session: AsyncSession, province: str | None) -> list[tuple[str, str]] | None:
    """(code, name) of the open sales points and fairs for the "available at" filter; None
    when there are too many to list and no province narrows them."""
    stmt = sa.select(Location.code, Location.name).where(
        Location.kind.in_(PUBLIC_KINDS), Location.is_active.is_(True)
    )
    count = await session.scalar(stmt.with_only_columns(sa.func.count()).order_by(None)) or 0
    if count > SHORT_LIST:
        if not province:
            return None
        ids = [p.id for p in await geo.find_provinces(session, province)]
        stmt = stmt.join(Area, Area.id == Location.area_id).where(Area.province_id.in_(ids))
    rows = await session.execute(stmt.order_by(Location.name))
    return [(code, name) for code, name in rows.all()]


@dataclass(frozen=True)
class _Product:
    detail: schemas.ProductDetail
    online: int  # units one order line can have now
    story: str | None
    rates: dict[str, Decimal]


async def _product_data(session: AsyncSession, slug: str, on: dt.date, language: str) -> _Product:
    """One statement (the product with its producer, group, certificates, texts, quality
    certifications, photos, and its stock everywhere it is sold), and on a cold cache the
    place names and the exchange rates."""
    where_sold = product_queries.Also(routing.offer_column(dialect_of(session)), {"on": on})
    detail, producer, sold = await product_queries.product_detail_with_producer(
        session, slug, on=on, language=language, also=where_sold
    )
    offer = routing.offer_from(sold, await routing.locations_on(session, on), producer.id)
    detail = msgspec.structs.replace(
        detail,
        availability=[
            schemas.AvailabilityOut(sales_point=code, name=name, kind=kind, available=n)
            for code, name, kind, n in offer.points
        ],
    )
    online = offer.online if detail.sellable else 0
    return _Product(detail, online, producer.story, await shared_rates(session))


class CatalogPages(Controller):
    include_in_schema = False

    @get("/products")
    async def index(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        q: Text = None,
        province: Text = None,
        group: Code = None,
        min_stars: Stars = None,
        min_price: Price = None,
        max_price: Price = None,
        sales_point: Code = None,
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
        return await listing(request, session, filters, page)

    @get("/products/{slug:str}")
    async def product(self, request: Request[Any, Any, Any], session: AsyncSession, slug: str) -> Template:
        on, language = today(), current_language()
        key = ("product", database_key(session), slug, language, on)
        data = await cache.shared(session, key, lambda own: _product_data(own, slug, on, language))
        assert isinstance(data, _Product)
        return Template(
            "catalog/product.html",
            context={
                "product": data.detail,
                "online": data.online,
                "story": data.story,
                "approx": approximator(data.rates, language),
                "head": heads.product(request.app.state.settings.base_url, data.detail, online=data.online),
            },
        )

    @get("/producers")
    async def producers(
        self, request: Request[Any, Any, Any], session: AsyncSession, q: Text = None, page: PageNumber = 1
    ) -> Template:
        result = await producer_queries.list_producers(
            session, q=q, kind=None, page=page, page_size=50, on=today()
        )
        pages = math.ceil(result.total / 50)
        return Template(
            "catalog/producers.html",
            context={
                "page": result,
                "pages": pages,
                "q": q,
                "kinds": producer_kinds(),
                "head": heads.producers(request.app.state.settings.base_url, result, q, pages),
            },
        )

    @get("/producers/{key:str}")
    async def producer(self, request: Request[Any, Any, Any], session: AsyncSession, key: str) -> Template:
        detail = await producer_queries.producer_detail(
            session, _key(key), on=today(), language=current_language()
        )
        picture = await photos.producer_picture(session, detail.id)
        return Template(
            "catalog/producer.html",
            context={
                "producer": detail,
                "picture": picture,
                "kinds": producer_kinds(),
                "head": heads.producer(request.app.state.settings.base_url, detail, picture),
            },
        )
