"""Google Merchant Center's two formats: the product feed (RSS 2.0 with Google's ``g:``
namespace) and the local inventory feed (tab-separated), written an item at a time.

The product feed carries the product data Google's local inventory ads join by ``id`` too
(title, description, link, price, condition, brand, GTIN), with no store in it; the local
inventory feed says, per sales point (``store code``, the location's code, which its Google
Business Profile must carry), what is on the shelf there.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from html import escape as html_escape

from shop.storefront.feeds import fields
from shop.storefront.feeds.rows import Item, StoreStock

# &, < and > as XML text needs them, as xml.sax.saxutils.escape does (whose import brings
# urllib.request: 0.6 MiB in every worker, which serves the feeds).
escape = partial(html_escape, quote=False)

NAMESPACE = "http://base.google.com/ns/1.0"
# "limited availability" at a sales point holding this many units or fewer.
LIMITED = 2
# A pickup at the sales point that holds the goods: reserved online, paid there (or online);
# staff accept and set it aside, so it is ready by the next day.
PICKUP_METHOD = "reserve"
PICKUP_SLA = "next day"
LOCAL_COLUMNS = ("store code", "id", "availability", "quantity", "price", "pickup method", "pickup sla")


def products_head(base_url: str, shop_name: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:g="{NAMESPACE}">\n<channel>\n'
        f"<title>{escape(shop_name)}</title>\n<link>{escape(base_url)}</link>\n"
        f"<description>{escape(shop_name)}: OCOP products</description>\n"
    )


PRODUCTS_TAIL = "</channel>\n</rss>\n"


def _element(name: str, value: str) -> str:
    return f"<g:{name}>{escape(value)}</g:{name}>"


def product_item(item: Item, base_url: str) -> str:
    product = item.product
    values = [
        ("id", str(product.id)),
        ("title", fields.title(product)),
        ("description", fields.description(product)),
        ("link", fields.link(product, base_url)),
    ]
    if image := fields.image_link(product, base_url):
        values.append(("image_link", image))
    values += [
        ("availability", "in_stock" if item.in_stock else "out_of_stock"),
        ("price", fields.price(product)),
        ("condition", "new"),
        ("brand", fields.plain(product.producer, 70)),
    ]
    # Without a GTIN, Google must be told there is none, or it disapproves the item.
    values.append(("gtin", product.gtin) if product.gtin else ("identifier_exists", "no"))
    if category := fields.category(product):
        values.append(("google_product_category", category))
    values.append(("product_type", fields.product_type(product)))
    body = "".join(_element(name, value) for name, value in values)
    return f"<item>{body}</item>\n"


def local_availability(quantity: int) -> str:
    if quantity <= 0:
        return "out_of_stock"
    return "limited_availability" if quantity <= LIMITED else "in_stock"


def _cell(value: str) -> str:
    """A TSV cell: tabs and line breaks would split the row."""
    return fields.plain(value, 1000)


def _local_row(item: Item, store: StoreStock) -> str:
    pickup = (PICKUP_METHOD, PICKUP_SLA) if store.quantity > 0 else ("", "")
    cells = (
        store.store_code,
        str(item.product.id),
        local_availability(store.quantity),
        str(max(store.quantity, 0)),
        fields.price(item.product),
        *pickup,
    )
    return "\t".join(_cell(c) for c in cells) + "\n"


LOCAL_HEADER = "\t".join(LOCAL_COLUMNS) + "\n"


def local_rows(item: Item) -> Iterator[str]:
    """One row per open sales point or fair stocking the product; first the store code, so a
    sales point's own feed is the rows that start with its code."""
    for store in item.stores:
        yield _local_row(item, store)
