"""What search engines read: robots.txt, sitemaps per language, each public page's head
(``Head``: canonical URL, alternates, Open Graph) and schema.org data (product, site, lists,
producer, store).

The storefront speaks six languages at the same URLs, chosen by ``?lang=``; each language's
page is its own URL for a search engine, so the sitemaps list every page once per language
with its ``hreflang`` alternates (Google's "localized versions" in a sitemap), and every
public page's head names its canonical URL and the same alternates. What each page puts in
its head is in ``heads.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa
from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import schemas
from shop.catalog.models import Producer, Product
from shop.catalog.queries import ProductFilter
from shop.catalog.sellability import sellable_product_clause, today
from shop.geo.models import Place
from shop.i18n import LANGUAGES, _
from shop.inventory.models import Location, LocationKind
from shop.inventory.services import open_locations_select
from shop.settings import Settings
from shop.storefront import opening_hours

XML = "application/xml; charset=utf-8"
PRIVATE = ("/pos/", "/office/", "/coop/", "/admin/", "/api/", "/account/", "/cart", "/checkout", "/login")
PAGES = ("/", "/products", "/producers", "/sales-points")
# og:locale is language_TERRITORY: each language with the country most of its readers live in.
OG_LOCALES = {"vi": "vi_VN", "en": "en_US", "ko": "ko_KR", "zh_Hans": "zh_CN", "ja": "ja_JP", "fr": "fr_FR"}
# What changes which products a list shows. The order (sort) and anything else (utm_*, fbclid…)
# only make more addresses of the same list, so canonical URLs leave them out.
LISTING_KEYS = ("q", "province", "group", "min_stars", "min_price", "max_price", "sales_point")
# A visitor's own words and price ranges make endless near-copies of the list: crawlers may
# follow their links to the products but should not index them.
SEARCH_KEYS = ("q", "min_price", "max_price")
NOINDEX = "noindex,follow"

Query = Sequence[tuple[str, str]]


def hreflang(language: str) -> str:
    """``zh_Hans`` → ``zh-Hans`` (BCP 47, as HTML and sitemaps write it)."""
    return language.replace("_", "-")


def localized(base_url: str, path: str, language: str, query: Query = ()) -> str:
    """The page in one language: its own query (a list's filters, its page), then ``lang``."""
    return f"{base_url.rstrip('/')}{path}?{urlencode([*query, ('lang', language)])}"


def alternates(base_url: str, path: str, query: Query = ()) -> list[tuple[str, str]]:
    """(hreflang, URL) for each language, and ``x-default`` (the page lets the visitor choose)."""
    found = [(hreflang(code), localized(base_url, path, code, query)) for code in LANGUAGES]
    default = f"{base_url.rstrip('/')}{path}" + (f"?{urlencode(query)}" if query else "")
    return [*found, ("x-default", default)]


def paged(query: Query, page: int) -> list[tuple[str, str]]:
    """Each page of a list is its own canonical page (page 1 without the number)."""
    return [*query, *([("page", str(page))] if page > 1 else [])]


def listing_query(filters: ProductFilter) -> list[tuple[str, str]]:
    """The product list's filters that belong in its canonical URL, in a fixed order."""
    values = ((key, getattr(filters, key)) for key in LISTING_KEYS)
    return [(key, str(value)) for key, value in values if value not in (None, "")]


def indexable(query: Query) -> bool:
    """False for search results (free words, price ranges): ``noindex,follow``."""
    return not any(key in SEARCH_KEYS for key, _value in query)


@dataclass(frozen=True)
class Head:
    """What a public page's <head> tells search engines and link previews
    (``storefront/_head.html``): its canonical URL and languages, Open Graph, structured data."""

    title: str
    description: str
    canonical: str
    alternates: list[tuple[str, str]]
    locale: str  # og:locale
    other_locales: list[str]  # og:locale:alternate
    site_name: str
    kind: str = "website"  # og:type
    image: str | None = None  # absolute URL of the page's photo (og:image, twitter:image)
    image_size: tuple[int, int] | None = None  # its width and height, when known
    image_alt: str = ""  # what it shows, for a link preview read aloud
    robots: str | None = None  # "noindex,follow" for search results; None: index
    structured: dict[str, Any] | None = None  # schema.org JSON-LD


def head(
    base_url: str,
    path: str,
    language: str,
    *,
    title: str,
    description: str,
    query: Query = (),
    kind: str = "website",
    image: str | None = None,
    image_size: tuple[int, int] | None = None,
    image_alt: str = "",
    structured: dict[str, Any] | None = None,
) -> Head:
    """The head of the page at ``path`` (+ ``query``) in ``language``; search results
    (``indexable``) are marked ``noindex,follow``."""
    return Head(
        title=title,
        description=" ".join(description.split()),
        canonical=localized(base_url, path, language, query),
        alternates=alternates(base_url, path, query),
        locale=OG_LOCALES[language],
        other_locales=[OG_LOCALES[code] for code in LANGUAGES if code != language],
        site_name=_("OCOP Market"),
        kind=kind,
        image=image,
        image_size=image_size if image else None,
        image_alt=image_alt if image else "",
        robots=None if indexable(query) else NOINDEX,
        structured=structured,
    )


def robots(base_url: str) -> str:
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in PRIVATE], ""]
    return "\n".join([*lines, f"Sitemap: {base_url.rstrip('/')}/sitemap.xml", ""])


def sitemap_index(base_url: str) -> str:
    # xml.sax comes with the sitemaps only: a worker showing pages does without it (0.7 MiB).
    from xml.sax.saxutils import escape

    entries = "".join(
        f"<sitemap><loc>{escape(base_url.rstrip('/'))}/sitemaps/{code}</loc></sitemap>" for code in LANGUAGES
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    )


def _url(base_url: str, path: str, language: str) -> str:
    from xml.sax.saxutils import escape, quoteattr

    links = "".join(
        f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>'
        for lang, href in alternates(base_url, path)
    )
    return f"<url><loc>{escape(localized(base_url, path, language))}</loc>{links}</url>"


async def public_paths(session: AsyncSession, on: dt.date) -> list[str]:
    """The pages a tourist can reach: the fixed ones, each sellable product, its producer, each
    open sales point and fair."""
    products = await session.scalars(
        sa.select(Product.slug).where(sellable_product_clause(on)).order_by(Product.id)
    )
    producers = await session.scalars(
        sa.select(Producer.code)
        .where(Producer.id.in_(sa.select(Product.producer_id).where(sellable_product_clause(on))))
        .order_by(Producer.id)
    )
    points = await session.scalars(open_locations_select(on=on).with_only_columns(Location.code))
    return [
        *PAGES,
        *(f"/products/{slug}" for slug in products),
        *(f"/producers/{code}" for code in producers),
        *(f"/sales-points/{code}" for code in points),
    ]


def sitemap(base_url: str, language: str, paths: list[str]) -> str:
    urls = "".join(_url(base_url, path, language) for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{urls}</urlset>\n'
    )


def product_data(
    product: schemas.ProductDetail,
    base_url: str,
    language: str,
    *,
    online: int,
    image: str | list[str] | None = None,
) -> dict[str, Any]:
    """schema.org ``Product`` with its offer in VND, its brand (the producer), its OCOP rating and
    its photos (``image``, absolute URLs: the main one first); in stock when it can be ordered
    online (``online`` units) or bought at a sales point."""
    url = localized(base_url, f"/products/{product.slug}", language)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.slug,
        "url": url,
        "brand": {"@type": "Brand", "name": product.producer.name},
        "category": product.group.name,
        "offers": {
            "@type": "Offer",
            "price": product.price_vnd,
            "priceCurrency": "VND",
            "url": url,
            "availability": "https://schema.org/InStock"
            if product.sellable and (online > 0 or product.availability)
            else "https://schema.org/OutOfStock",
        },
    }
    if product.description:
        data["description"] = product.description
    if product.gtin:
        data["gtin"] = product.gtin
    if image:
        data["image"] = image
    if product.certificate is not None:
        certificate = product.certificate
        data["additionalProperty"] = [
            {"@type": "PropertyValue", "name": "OCOP stars", "value": certificate.stars},
            {"@type": "PropertyValue", "name": "OCOP decision", "value": certificate.decision_number},
            {
                "@type": "PropertyValue",
                "name": "OCOP valid until",
                "value": certificate.valid_until.isoformat(),
            },
        ]
    return data


def website_data(base_url: str, language: str) -> dict[str, Any]:
    """schema.org ``WebSite`` with its product search (a search box under the result)."""
    search = f"{base_url.rstrip('/')}/products?q={{search_term_string}}&lang={language}"
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": _("OCOP Market"),
        "url": localized(base_url, "/", language),
        "inLanguage": hreflang(language),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": search},
            "query-input": "required name=search_term_string",
        },
    }


def collection_data(name: str, url: str, items: Sequence[tuple[str, str]], total: int) -> dict[str, Any]:
    """schema.org ``CollectionPage`` of a list page: its ``items`` as (name, URL), in order."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        "mainEntity": {
            "@type": "ItemList",
            "numberOfItems": total,
            "itemListElement": [
                {"@type": "ListItem", "position": n, "name": item, "url": href}
                for n, (item, href) in enumerate(items, start=1)
            ],
        },
    }


def _address(street: str | None, locality: str | None, region: str | None) -> dict[str, Any]:
    parts = {"streetAddress": street, "addressLocality": locality, "addressRegion": region}
    return {"@type": "PostalAddress", **{k: v for k, v in parts.items() if v}, "addressCountry": "VN"}


def producer_data(
    producer: schemas.ProducerOut, base_url: str, language: str, *, image: str | None = None
) -> dict[str, Any]:
    """schema.org ``Organization``: the cooperative or enterprise, its address and how to reach it
    (what the public producers API already publishes)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": producer.name,
        "url": localized(base_url, f"/producers/{producer.code}", language),
        "address": _address(producer.address, producer.commune, producer.province),
    }
    optional = {"description": producer.story, "telephone": producer.phone, "image": image}
    data.update({k: v for k, v in optional.items() if v})
    if producer.website:
        data["sameAs"] = [producer.website]
    return data


def store_data(
    point: Location,
    base_url: str,
    language: str,
    *,
    commune: Place | None,
    province: Place | None,
    image: str | None = None,
    geo: tuple[float, float] | None = None,
) -> dict[str, Any]:
    """schema.org ``Store``: a sales point or a fair, where it is, when it opens (when the
    office's line can be read with certainty; a fair's hours only between its dates)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Store",
        "name": point.name,
        "url": localized(base_url, f"/sales-points/{point.code}", language),
        "address": _address(
            point.address, commune.name if commune else None, province.name if province else None
        ),
    }
    hours = opening_hours.specification(point.opening_hours)
    if point.kind == LocationKind.fair:
        for entry in hours:
            entry.update(validFrom=str(point.starts_on), validThrough=str(point.ends_on))
    optional = {"telephone": point.phone, "image": image, "openingHoursSpecification": hours}
    data.update({k: v for k, v in optional.items() if v})
    if geo is not None:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": geo[0], "longitude": geo[1]}
    return data


class SearchEnginePages(Controller):
    include_in_schema = False

    @get("/robots.txt", media_type="text/plain; charset=utf-8")
    async def robots_txt(self, request: Request[Any, Any, Any]) -> str:
        settings: Settings = request.app.state.settings
        return robots(settings.base_url)

    @get("/sitemap.xml")
    async def index(self, request: Request[Any, Any, Any]) -> Response[str]:
        settings: Settings = request.app.state.settings
        return Response(sitemap_index(settings.base_url), media_type=XML)

    @get("/sitemaps/{language:str}")
    async def language_sitemap(
        self, request: Request[Any, Any, Any], session: AsyncSession, language: str
    ) -> Response[str]:
        if language not in LANGUAGES:
            raise NotFoundException()
        settings: Settings = request.app.state.settings
        paths = await public_paths(session, today())
        return Response(sitemap(settings.base_url, language, paths), media_type=XML)
