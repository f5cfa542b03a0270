"""GET forms on pages: a field a person leaves empty counts as not given."""

from __future__ import annotations

from shop.web import drop_blank_fields
from tests.storefront.conftest import Shop


def test_blank_fields_are_dropped_and_the_rest_kept_as_sent():
    query = b"q=m%E1%BA%ADt+ong&min_stars=&min_price=+&max_price=%20&province=&page=2&flag"
    assert drop_blank_fields(query) == b"q=m%E1%BA%ADt+ong&page=2"


async def test_the_catalog_filter_with_only_a_search_term_lists_what_matches(shop: Shop):
    """The form sends every field: the empty star and price fields once answered 400."""
    fields = {"q": "mat ong", "province": "", "group": "", "min_stars": "", "min_price": "", "max_price": ""}
    listing = await shop.client.get("/products", params=fields | {"lang": "en"})
    assert listing.status_code == 200
    assert "Mật ong bạc hà" in listing.text and "Miến dong" not in listing.text


async def test_blank_fields_still_reach_the_api_as_sent(shop: Shop):
    """The API is a contract for programs: an empty number stays a validation error there."""
    answer = await shop.client.get("/api/v1/products", params={"min_stars": ""})
    assert answer.status_code == 400
