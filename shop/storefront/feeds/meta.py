"""Meta's catalog feed (Facebook and Instagram shops, Commerce Manager): CSV with its columns."""

from __future__ import annotations

from shop.storefront.feeds import fields
from shop.storefront.feeds.rows import Item

COLUMNS = (
    "id",
    "title",
    "description",
    "availability",
    "condition",
    "price",
    "link",
    "image_link",
    "brand",
    "gtin",
    "google_product_category",
)


def row(item: Item, base_url: str) -> list[str]:
    """The item's cells in ``COLUMNS`` order (csv quotes them; an empty cell is a value not given)."""
    product = item.product
    return [
        str(product.id),
        fields.title(product),
        fields.description(product),
        "in stock" if item.in_stock else "out of stock",
        "new",
        fields.price(product),
        fields.link(product, base_url),
        fields.image_link(product, base_url) or "",
        fields.plain(product.producer, 100),
        product.gtin or "",
        fields.category(product) or "",
    ]
