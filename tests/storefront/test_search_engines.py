"""What search engines and link previews read: robots.txt, the sitemaps in six languages, and a
product page's canonical URL, language alternates, Open Graph tags and schema.org data."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

from tests.storefront.conftest import Shop

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = "http://127.0.0.1:8000"  # the test settings' base URL


async def test_robots_keep_crawlers_out_of_the_staff_screens_and_name_the_sitemap(shop: Shop) -> None:
    robots = await shop.client.get("/robots.txt")
    assert robots.status_code == 200 and robots.headers["content-type"].startswith("text/plain")
    for private in ("/pos/", "/office/", "/coop/", "/admin/", "/api/", "/checkout"):
        assert f"Disallow: {private}" in robots.text
    assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", robots.text, re.M)


async def test_the_sitemaps_list_every_sellable_product_in_each_language(shop: Shop) -> None:
    client, w = shop.client, shop.world
    index = ET.fromstring((await client.get("/sitemap.xml")).content)  # noqa: S314 - our own sitemap
    sitemaps = [loc.text or "" for loc in index.findall("s:sitemap/s:loc", NS)]
    assert [s.rsplit("/", 1)[1] for s in sitemaps] == ["vi", "en", "ko", "zh_Hans", "ja", "fr"]
    english = await client.get("/sitemaps/en")
    assert english.headers["content-type"].startswith("application/xml")
    urls = ET.fromstring(english.content).findall("s:url", NS)  # noqa: S314 - our own sitemap
    locs = [u.findtext("s:loc", namespaces=NS) or "" for u in urls]
    assert any(loc.endswith(f"/products/{w.honey.slug}?lang=en") for loc in locs)
    honey = next(
        u for u in urls if f"/products/{w.honey.slug}?" in (u.findtext("s:loc", namespaces=NS) or "")
    )
    langs = {link.get("hreflang") for link in honey.findall("x:link", NS)}
    assert langs == {"vi", "en", "ko", "zh-Hans", "ja", "fr", "x-default"}
    assert not any("/pos/" in loc or "/api/" in loc for loc in locs)
    assert (await client.get("/sitemaps/xx")).status_code == 404


async def test_a_product_page_tells_search_engines_what_it_sells(shop: Shop) -> None:
    client, w = shop.client, shop.world
    page = (await client.get(f"/products/{w.honey.slug}", params={"lang": "fr"})).text
    assert f'<link rel="canonical" href="{BASE}/products/{w.honey.slug}?lang=fr">' in page
    assert f'hreflang="zh-Hans" href="{BASE}/products/{w.honey.slug}?lang=zh_Hans"' in page
    assert '<meta property="og:type" content="product">' in page
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["@type"] == "Product" and data["offers"]["priceCurrency"] == "VND"
    assert data["offers"]["price"] == 50_000
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["brand"]["name"]
    assert {p["name"] for p in data["additionalProperty"]} >= {"OCOP stars", "OCOP valid until"}
