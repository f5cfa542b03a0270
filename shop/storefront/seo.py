"""What search engines read: robots.txt, sitemaps per language, and a product's structured data.

The storefront speaks six languages at the same URLs, chosen by ``?lang=``; each language's
page is its own URL for a search engine, so the sitemaps list every page once per language
with its ``hreflang`` alternates (Google's "localized versions" in a sitemap), and every
public page's head names its canonical URL and the same alternates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode
from xml.sax.saxutils import escape, quoteattr

import sqlalchemy as sa
from litestar import Controller, Request, Response, get
from litestar.exceptions import NotFoundException
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import schemas
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import sellable_product_clause, today
from shop.i18n import LANGUAGES
from shop.settings import Settings

XML = "application/xml; charset=utf-8"
PRIVATE = ("/pos/", "/office/", "/coop/", "/admin/", "/api/", "/account/", "/cart", "/checkout", "/login")
PAGES = ("/", "/products", "/producers", "/sales-points")


def hreflang(language: str) -> str:
    """``zh_Hans`` → ``zh-Hans`` (BCP 47, as HTML and sitemaps write it)."""
    return language.replace("_", "-")


def localized(base_url: str, path: str, language: str) -> str:
    return f"{base_url.rstrip('/')}{path}?{urlencode({'lang': language})}"


def alternates(base_url: str, path: str) -> list[tuple[str, str]]:
    """(hreflang, URL) for each language, and ``x-default`` (the page lets the visitor choose)."""
    found = [(hreflang(code), localized(base_url, path, code)) for code in LANGUAGES]
    return [*found, ("x-default", f"{base_url.rstrip('/')}{path}")]


def robots(base_url: str) -> str:
    lines = ["User-agent: *", *[f"Disallow: {path}" for path in PRIVATE], ""]
    return "\n".join([*lines, f"Sitemap: {base_url.rstrip('/')}/sitemap.xml", ""])


def sitemap_index(base_url: str) -> str:
    entries = "".join(
        f"<sitemap><loc>{escape(base_url.rstrip('/'))}/sitemaps/{code}</loc></sitemap>" for code in LANGUAGES
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>\n'
    )


def _url(base_url: str, path: str, language: str) -> str:
    links = "".join(
        f'<xhtml:link rel="alternate" hreflang={quoteattr(lang)} href={quoteattr(href)}/>'
        for lang, href in alternates(base_url, path)
    )
    return f"<url><loc>{escape(localized(base_url, path, language))}</loc>{links}</url>"


async def public_paths(session: AsyncSession, on: dt.date) -> list[str]:
    """The pages a tourist can reach: the fixed ones, each sellable product, each producer."""
    products = await session.scalars(
        sa.select(Product.slug).where(sellable_product_clause(on)).order_by(Product.id)
    )
    producers = await session.scalars(
        sa.select(Producer.code)
        .where(Producer.id.in_(sa.select(Product.producer_id).where(sellable_product_clause(on))))
        .order_by(Producer.id)
    )
    return [
        *PAGES,
        *(f"/products/{slug}" for slug in products),
        *(f"/producers/{code}" for code in producers),
    ]


def sitemap(base_url: str, language: str, paths: list[str]) -> str:
    urls = "".join(_url(base_url, path, language) for path in paths)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:xhtml="http://www.w3.org/1999/xhtml">{urls}</urlset>\n'
    )


def product_data(
    product: schemas.ProductDetail, base_url: str, language: str, *, online: int
) -> dict[str, Any]:
    """schema.org ``Product`` with its offer in VND, its brand (the producer) and its OCOP rating;
    in stock when it can be ordered online (``online`` units) or bought at a sales point."""
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
    if product.image_url:
        data["image"] = product.image_url
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
