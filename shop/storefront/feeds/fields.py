"""A product's values as the feeds write them: title, description, link, price, category, image.

Google and Meta read plain text: control characters go (XML 1.0 cannot carry them), runs of
whitespace become one space, and texts are cut to the lengths both accept.
"""

from __future__ import annotations

import re

from shop.media.naming import Size
from shop.storefront import seo
from shop.storefront.feeds.rows import ProductRow

FEED_LANGUAGE = "vi"  # the products' source texts; the link opens the page in the same language
TITLE_MAX = 150  # Google's limit (Meta allows 200)
DESCRIPTION_MAX = 5000  # Google's limit (Meta allows 9,999)
PHOTO_SIZE: Size = "zoom"  # at most 1,600 px on the longest side, never enlarged
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_SPACE = re.compile(r"\s+")

# Google's product taxonomy (its English paths, which both Google and Meta accept) for the OCOP
# groups that have a clear home there, by sub-group then group; the others leave it to Google.
_CATEGORIES = {
    "food": "Food, Beverages & Tobacco > Food Items",
    "food-tea": "Food, Beverages & Tobacco > Beverages > Tea & Infusions",
    "food-coffee": "Food, Beverages & Tobacco > Beverages > Coffee",
    "beverage": "Food, Beverages & Tobacco > Beverages",
    "beverage-alcohol": "Food, Beverages & Tobacco > Beverages > Alcoholic Beverages",
    "herbal": "Health & Beauty",
    "handicraft": "Arts & Entertainment > Hobbies & Creative Arts > Arts & Crafts",
    "ornamental-plant": "Home & Garden > Plants",
}


def plain(text: str | None, limit: int) -> str:
    """One line of text without control characters, at most ``limit`` characters."""
    cleaned = _SPACE.sub(" ", _CONTROL.sub("", text or "")).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


def title(product: ProductRow) -> str:
    """The name with its pack size ("Mật ong bạc hà 500 g"), as shoppers compare them."""
    name = f"{product.name} {product.pack_size}" if product.pack_size else product.name
    return plain(name, TITLE_MAX)


def description(product: ProductRow) -> str:
    """Both feeds require one: the product's own, else what it is and who makes it."""
    text = product.description or f"{product.name}. {product.group_name}. {product.producer}."
    return plain(text, DESCRIPTION_MAX)


def link(product: ProductRow, base_url: str) -> str:
    return seo.localized(base_url, f"/products/{product.slug}", FEED_LANGUAGE)


def price(product: ProductRow) -> str:
    """Whole đồng and the currency code ("125000 VND"): the đồng has no minor unit."""
    return f"{product.price_vnd} VND"


def category(product: ProductRow) -> str | None:
    found = _CATEGORIES.get(product.group_code)
    if found is None and product.parent_code is not None:
        found = _CATEGORIES.get(product.parent_code)
    return found


def product_type(product: ProductRow) -> str:
    """The OCOP group path in the feed's language ("Thực phẩm > Mật ong và sản phẩm từ mật ong")."""
    names = [product.parent_name, product.group_name] if product.parent_name else [product.group_name]
    return plain(" > ".join(names), 750)


def image_link(product: ProductRow, base_url: str) -> str | None:
    """The main photo's absolute URL, as a JPEG (both read it) of the largest derived size:
    Meta asks for 500 px and more, Google shows larger ones better. None without a photo."""
    if product.photo is None:
        return None
    return base_url.rstrip("/") + product.photo.url(PHOTO_SIZE, "jpg")
