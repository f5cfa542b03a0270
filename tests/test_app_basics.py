"""Health, the OpenAPI schema, language negotiation, pages and error pages."""

from __future__ import annotations

import pytest

from shop.i18n import pick_language
from tests import factories as f


async def test_health_reports_the_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in {"sqlite", "postgresql"}


async def test_openapi_schema_lists_the_public_contract(client):
    schema = (await client.get("/schema/openapi.json")).json()
    assert schema["openapi"].startswith("3.1")
    for path in (
        "/api/v1/products",
        "/api/v1/products/{product_id}",
        "/api/v1/producers",
        "/api/v1/sales-points",
        "/api/v1/auth/tokens",
        "/api/v1/auth/login",
        "/api/v1/certificates/{certificate_id}/revoke",
    ):
        assert path in schema["paths"], path


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        ("en", None, None, "en"),
        (None, "en", "vi", "en"),
        ("vi", "en", None, "vi"),
        (None, None, "en-US,en;q=0.9", "en"),
        (None, None, "fr-CH, fr;q=0.9, en;q=0.8", "fr"),
        (None, None, "zh-CN", "zh_Hans"),
        (None, None, "de-DE", "vi"),
        ("klingon", None, "ko", "ko"),
        (None, None, None, "vi"),
    ],
)
def test_language_is_query_then_cookie_then_header(query, cookie, header, expected):
    assert pick_language(query, cookie, header) == expected


async def test_catalog_page_renders_in_both_languages_and_remembers_the_choice(client, session):
    await f.certified_product(session, 4, name="Mật ong bạc hà")
    await session.commit()
    vi = await client.get("/")  # the home page features 4★ and 5★ products
    assert vi.status_code == 200 and "Mật ong bạc hà" in vi.text and "Sản phẩm OCOP" in vi.text
    en = await client.get("/products?lang=en")
    assert "Certified OCOP products" in en.text
    assert client.cookies.get("lang") == "en"
    again = await client.get("/")
    assert "OCOP products of Vietnam" in again.text


async def test_product_page_and_search_page(client, session):
    item = await f.certified_product(session, 5, name="Miến dong Tài Hoan")
    await session.commit()
    page = await client.get(f"/products/{item.slug}")
    assert page.status_code == 200 and "★★★★★" in page.text
    found = await client.get("/", params={"q": "mien dong"})
    assert "Miến dong Tài Hoan" in found.text
    missing = await client.get("/products/does-not-exist?lang=en")
    assert missing.status_code == 404 and "Not found." in missing.text
    assert missing.headers["content-type"].startswith("text/html")


async def test_bad_page_input_is_a_friendly_page_not_a_500(client):
    response = await client.get("/?page=-3&lang=en")
    assert response.status_code == 400
    assert "text/html" in response.headers["content-type"]
    unknown_province = await client.get("/?province=Atlantis&lang=en")
    assert unknown_province.status_code == 200
    assert "No province named Atlantis." in unknown_province.text


async def test_sales_points_are_public(client, session):
    await f.location(session, code="NARI", name="Điểm bán OCOP Na Rì", address="Thị trấn Yến Lạc")
    await session.commit()
    body = (await client.get("/api/v1/sales-points")).json()
    assert body["total"] == 1
    item = body["items"][0]
    assert item["code"] == "NARI" and item["kind"] == "sales_point" and item["area"]["code"]
    assert (await client.get("/api/v1/sales-points/NARI")).json()["name"] == "Điểm bán OCOP Na Rì"


async def test_place_pickers(client):
    provinces = (await client.get("/api/v1/places/provinces")).json()["items"]
    assert len(provinces) == 34
    legacy = (await client.get("/api/v1/places/provinces?era=legacy")).json()["items"]
    assert len(legacy) == 63
    hanoi = next(p for p in provinces if p["code"] == "01")
    communes = (await client.get(f"/api/v1/places/provinces/{hanoi['code']}/communes")).json()["items"]
    assert len(communes) > 100
    assert (await client.get("/api/v1/places/provinces/99/communes")).status_code == 404
