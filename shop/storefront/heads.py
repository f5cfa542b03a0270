"""What each public storefront page's <head> says to search engines and link previews.

One function per page: its title and description in the visitor's language, the query its
canonical URL keeps, and its schema.org data; ``seo.head`` turns them into the tags. A
product, a producer and a sales point show their photo in link previews and structured data:
the largest JPEG, as an absolute URL (a product without a photo, the address the office typed).
"""

from __future__ import annotations

from dataclasses import dataclass

from shop.catalog import queries, schemas
from shop.geo.models import Place
from shop.i18n import _, current_language
from shop.inventory.models import Location
from shop.media.naming import Picture, Size, variant_dimensions
from shop.paging import Page
from shop.storefront import seo

# Facebook and Google ask for 1,200 px or more where the photo has it, and not every crawler
# reads WebP: link previews get the zoom JPEG (at most 1,600 px, never enlarged).
SHARED: Size = "zoom"


@dataclass(frozen=True)
class _Shared:
    """A photo as a link preview names it."""

    url: str  # absolute
    size: tuple[int, int] | None
    alt: str


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}"


def _photo(base_url: str, photo: schemas.PhotoOut, fallback_alt: str) -> _Shared:
    size = variant_dimensions(photo.width, photo.height, SHARED)
    return _Shared(_absolute(base_url, photo.urls.jpg[SHARED]), size, photo.alt or fallback_alt)


def _picture(base_url: str, picture: Picture | None, alt: str) -> _Shared | None:
    if picture is None:
        return None
    return _Shared(_absolute(base_url, picture.url(SHARED, "jpg")), picture.dimensions(SHARED), alt)


def _typed(base_url: str, url: str | None) -> _Shared | None:
    """The image address the office typed (older products): absolute, or on this site."""
    if url and url.startswith(("https://", "http://")):
        return _Shared(url, None, "")
    if url and url.startswith("/") and not url.startswith("//"):
        return _Shared(_absolute(base_url, url), None, "")
    return None


def _numbered(title: str, page: int, pages: int) -> str:
    """A list's later pages get their number in the title, so no two pages share one."""
    if page <= 1:
        return title
    return f"{title} · {_('Page %(page)s of %(pages)s') % {'page': page, 'pages': pages}}"


def home(base_url: str) -> seo.Head:
    language = current_language()
    return seo.head(
        base_url,
        "/",
        language,
        title=_("OCOP products of Vietnam"),
        description=_(
            "Rice noodles, honey, tea, brocade and more: each certified with 3 to 5 stars by the One "
            "Commune One Product programme, sold by the people who make them."
        ),
        structured=seo.website_data(base_url, language),
    )


def listing(
    base_url: str, result: Page[schemas.ProductSummary], filters: queries.ProductFilter, pages: int
) -> seo.Head:
    """Canonical to the filters shown and the page; a search is ``noindex,follow``."""
    language = current_language()
    query = seo.paged(seo.listing_query(filters), result.page)
    title = _numbered(_("Certified OCOP products"), result.page, pages)
    items = [(p.name, seo.localized(base_url, f"/products/{p.slug}", language)) for p in result.items]
    url = seo.localized(base_url, "/products", language, query)
    return seo.head(
        base_url,
        "/products",
        language,
        title=title,
        description=_(
            "Certified OCOP products of Vietnam: their stars, producers, prices and where to buy them."
        ),
        query=query,
        structured=seo.collection_data(title, url, items, result.total),
    )


def product(base_url: str, detail: schemas.ProductDetail, *, online: int) -> seo.Head:
    """Its photos, the main one first, in the structured data; the main one in link previews."""
    language = current_language()
    photos = [_photo(base_url, p, detail.name) for p in detail.images]
    shown = photos[0] if photos else _typed(base_url, detail.image_url)
    return seo.head(
        base_url,
        f"/products/{detail.slug}",
        language,
        title=detail.name,
        description=detail.description or detail.name,
        kind="product",
        image=shown.url if shown else None,
        image_size=shown.size if shown else None,
        image_alt=shown.alt if shown else "",
        structured=seo.product_data(
            detail,
            base_url,
            language,
            online=online,
            image=[p.url for p in photos] or (shown.url if shown else None),
        ),
    )


def producers(base_url: str, result: Page[schemas.ProducerOut], q: str | None, pages: int) -> seo.Head:
    language = current_language()
    query = seo.paged([("q", q)] if q else [], result.page)
    title = _numbered(_("Producers"), result.page, pages)
    items = [(p.name, seo.localized(base_url, f"/producers/{p.code}", language)) for p in result.items]
    url = seo.localized(base_url, "/producers", language, query)
    return seo.head(
        base_url,
        "/producers",
        language,
        title=title,
        description=_(
            "Cooperatives, enterprises and household businesses that make certified OCOP products: "
            "their stories and their products."
        ),
        query=query,
        structured=seo.collection_data(title, url, items, result.total),
    )


def producer(base_url: str, detail: schemas.ProducerDetail, picture: Picture | None = None) -> seo.Head:
    language = current_language()
    shown = _picture(base_url, picture, detail.name)
    place = ", ".join(p for p in (detail.commune, detail.province) if p)
    description = (
        _("Certified OCOP products made by %(name)s, %(place)s.") % {"name": detail.name, "place": place}
        if place
        else _("Certified OCOP products made by %(name)s.") % {"name": detail.name}
    )
    return seo.head(
        base_url,
        f"/producers/{detail.code}",
        language,
        title=detail.name,
        description=description,
        image=shown.url if shown else None,
        image_size=shown.size if shown else None,
        image_alt=shown.alt if shown else "",
        structured=seo.producer_data(detail, base_url, language, image=shown.url if shown else None),
    )


def sales_points(base_url: str, points: list[Location]) -> seo.Head:
    language = current_language()
    title = _("Sales points")
    items = [(p.name, seo.localized(base_url, f"/sales-points/{p.code}", language)) for p in points]
    url = seo.localized(base_url, "/sales-points", language)
    return seo.head(
        base_url,
        "/sales-points",
        language,
        title=title,
        description=_(
            "Where to buy certified OCOP products in person: sales points and trade fairs, "
            "with their addresses and opening hours."
        ),
        structured=seo.collection_data(title, url, items, len(items)),
    )


def sales_point(
    base_url: str,
    point: Location,
    *,
    commune: Place | None,
    province: Place | None,
    picture: Picture | None = None,
) -> seo.Head:
    language = current_language()
    shown = _picture(base_url, picture, point.name)
    where = ", ".join(p for p in (point.address, commune.name if commune else None) if p)
    lead = _("Buy certified OCOP products in person at %(name)s.") % {"name": point.name}
    return seo.head(
        base_url,
        f"/sales-points/{point.code}",
        language,
        title=point.name,
        description=" ".join(p for p in (lead, where, point.opening_hours) if p),
        image=shown.url if shown else None,
        image_size=shown.size if shown else None,
        image_alt=shown.alt if shown else "",
        structured=seo.store_data(
            point,
            base_url,
            language,
            commune=commune,
            province=province,
            image=shown.url if shown else None,
            geo=None,
        ),
    )
