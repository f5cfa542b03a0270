"""What search engines and link previews read: robots.txt, the sitemaps in six languages, and
each public page's canonical URL, language alternates, Open Graph tags and schema.org data."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from typing import Any

from shop.storefront.opening_hours import specification
from tests.storefront.conftest import Shop

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
BASE = "http://127.0.0.1:8000"  # the test settings' base URL
LANGS = {"vi", "en", "ko", "zh-Hans", "ja", "fr", "x-default"}


def canonical(page: str) -> str:
    found = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    assert found is not None, "no canonical URL"
    return html.unescape(found.group(1))


def alternates(page: str) -> dict[str, str]:
    found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', page)
    return {lang: html.unescape(href) for lang, href in found}


def meta(page: str, name: str) -> str | None:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    return html.unescape(found.group(1)) if found else None


def structured(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None, "no JSON-LD"
    data = json.loads(found.group(1))
    assert isinstance(data, dict) and data["@context"] == "https://schema.org"
    return data


def assert_previewable(page: str, url: str, locale: str) -> None:
    """Canonical, the six languages and x-default, Open Graph and a Twitter card, no image yet."""
    assert canonical(page) == url
    links = alternates(page)
    assert set(links) == LANGS
    assert links["x-default"] == re.sub(r"[?&]lang=[^&]+$", "", url)
    assert meta(page, "og:url") == url and meta(page, "og:locale") == locale
    assert meta(page, "og:title") and meta(page, "og:description") and meta(page, "description")
    assert meta(page, "twitter:card") == "summary" and meta(page, "og:image") is None


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
    assert meta(page, "og:locale") == "fr_FR" and meta(page, "twitter:card") == "summary"
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["@type"] == "Product" and data["offers"]["priceCurrency"] == "VND"
    assert data["offers"]["price"] == 50_000
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert data["brand"]["name"]
    assert {p["name"] for p in data["additionalProperty"]} >= {"OCOP stars", "OCOP valid until"}


async def test_the_home_page_names_the_site_and_its_search(shop: Shop) -> None:
    page = (await shop.client.get("/", params={"lang": "en"})).text
    assert_previewable(page, f"{BASE}/?lang=en", "en_US")
    assert alternates(page)["zh-Hans"] == f"{BASE}/?lang=zh_Hans"
    assert meta(page, "robots") is None
    data = structured(page)
    assert data["@type"] == "WebSite" and data["name"] == "OCOP Market"
    assert "{search_term_string}" in data["potentialAction"]["target"]["urlTemplate"]


async def test_the_product_list_is_canonical_without_its_noise_and_keeps_its_page(shop: Shop) -> None:
    client = shop.client
    plain = (await client.get("/products", params={"lang": "ko", "sort": "-price", "utm_source": "fb"})).text
    assert_previewable(plain, f"{BASE}/products?lang=ko", "ko_KR")
    assert meta(plain, "robots") is None
    data = structured(plain)
    assert data["@type"] == "CollectionPage" and data["name"] == meta(plain, "og:title")
    assert data["mainEntity"]["numberOfItems"] == 3
    assert {i["url"].rsplit("/", 1)[1] for i in data["mainEntity"]["itemListElement"]} >= {
        f"{shop.world.honey.slug}?lang=ko"
    }
    grouped = (await client.get("/products", params={"lang": "en", "group": "food", "page": 2})).text
    assert canonical(grouped) == f"{BASE}/products?group=food&page=2&lang=en"
    assert alternates(grouped)["fr"] == f"{BASE}/products?group=food&page=2&lang=fr"
    assert meta(grouped, "robots") is None and "Page 2" in (meta(grouped, "og:title") or "")


async def test_search_results_are_not_indexed_but_their_links_are_followed(shop: Shop) -> None:
    client = shop.client
    for params in ({"q": "mật ong"}, {"max_price": 60_000}):
        page = (await client.get("/products", params={**params, "lang": "en"})).text
        assert meta(page, "robots") == "noindex,follow"
        assert structured(page)["@type"] == "CollectionPage"
    old_link = (await client.get("/", params={"q": "honey", "lang": "en", "sort": "price"})).text
    assert canonical(old_link) == f"{BASE}/products?q=honey&lang=en"
    assert meta(old_link, "robots") == "noindex,follow"
    producers = (await client.get("/producers", params={"q": "Tài", "lang": "en"})).text
    assert meta(producers, "robots") == "noindex,follow"


async def test_the_producer_pages_describe_the_cooperative_and_where_it_is(shop: Shop) -> None:
    client, maker = shop.client, shop.world.maker
    changed = await client.patch(
        f"/api/v1/producers/{maker.code}",
        json={"address": "Thôn Nà Diệu", "phone": "0209 3880 123"},
        headers=shop.admin,
    )
    assert changed.status_code == 200, changed.text
    listing = (await client.get("/producers", params={"lang": "fr"})).text
    assert_previewable(listing, f"{BASE}/producers?lang=fr", "fr_FR")
    assert structured(listing)["@type"] == "CollectionPage"
    page = (await client.get(f"/producers/{maker.id}", params={"lang": "ja"})).text  # by id: same page
    assert_previewable(page, f"{BASE}/producers/{maker.code}?lang=ja", "ja_JP")
    data = structured(page)
    assert data["@type"] == "Organization" and data["name"] == maker.name
    assert data["address"]["streetAddress"] == "Thôn Nà Diệu" and data["address"]["addressCountry"] == "VN"
    assert data["address"]["addressRegion"] and data["telephone"] == "0209 3880 123"


async def test_the_sales_point_pages_say_where_and_when_to_buy(shop: Shop) -> None:
    client, point = shop.client, shop.world.shop
    changed = await client.patch(
        f"/api/v1/sales-points/{point.code}",
        json={"address": "12 Trường Chinh", "opening_hours": "7:30–17:00, thứ Hai đến thứ Bảy"},
        headers=shop.admin,
    )
    assert changed.status_code == 200, changed.text
    listing = (await client.get("/sales-points", params={"lang": "vi"})).text
    assert_previewable(listing, f"{BASE}/sales-points?lang=vi", "vi_VN")
    listed = structured(listing)["mainEntity"]["itemListElement"]
    assert f"{BASE}/sales-points/{point.code}?lang=vi" in {i["url"] for i in listed}
    page = (await client.get(f"/sales-points/{point.code}", params={"lang": "en"})).text
    assert_previewable(page, f"{BASE}/sales-points/{point.code}?lang=en", "en_US")
    data = structured(page)
    assert data["@type"] == "Store" and data["name"] == point.name
    assert data["address"]["streetAddress"] == "12 Trường Chinh"
    (hours,) = data["openingHoursSpecification"]
    assert (hours["opens"], hours["closes"], len(hours["dayOfWeek"])) == ("07:30", "17:00", 6)
    assert "geo" not in data  # no coordinates are stored
    fair = shop.world.fair
    body = {"opening_hours": "8:00–22:00 trong những ngày hội chợ"}
    assert (await client.patch(f"/api/v1/sales-points/{fair.code}", json=body, headers=shop.admin)).is_success
    (during,) = structured((await client.get(f"/sales-points/{fair.code}")).text)["openingHoursSpecification"]
    assert (during["validFrom"], during["validThrough"]) == (str(fair.starts_on), str(fair.ends_on))
    sitemap = (await client.get("/sitemaps/en")).text
    assert f"/sales-points/{point.code}?lang=en" in sitemap


def test_opening_hours_become_structured_data_only_when_read_with_certainty() -> None:
    def read(text: str) -> list[tuple[int, str, str]]:
        return [(len(h["dayOfWeek"]), h["opens"], h["closes"]) for h in specification(text)]

    assert read("7:30–21:00 hằng ngày") == [(7, "07:30", "21:00")]
    assert read("T2-T6 7h30-17h") == [(5, "07:30", "17:00")]
    assert read("sáng 7:00–11:00, chiều 13:00–17:00") == [(7, "07:00", "11:00"), (7, "13:00", "17:00")]
    assert read("thứ Bảy, Chủ nhật 8:00–12:00") == [(2, "08:00", "12:00")]
    for unsure in ("7:00–17:00, nghỉ Chủ nhật", "Mon–Sat 8:00–17:00", "theo lịch hội chợ", "25:00–26:00"):
        assert read(unsure) == [], unsure
