"""The office's write API: producers, products, certificates, revocation; scope and bad input."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import Role
from shop.catalog.models import Producer, Product
from tests import factories as f

PRODUCER = {
    "code": "HTX-TAIHOAN",
    "kind": "cooperative",
    "name": "HTX Tài Hoan",
    "tax_code": "4700123456",
    "place": "Côn Minh, Na Rì, Bắc Kạn",
}


@pytest.fixture
async def office(session, client):
    return await f.admin_headers(session, client)


async def test_the_office_builds_a_certified_product_end_to_end(client, office):
    response = await client.post("/api/v1/producers", json=PRODUCER, headers=office)
    assert response.status_code == 201, response.text
    assert response.json()["province"] == "Tỉnh Thái Nguyên"
    response = await client.post(
        "/api/v1/products",
        headers=office,
        json={
            "producer_code": "HTX-TAIHOAN",
            "group_code": "food-processed",
            "name": "Miến dong Tài Hoan",
            "unit": "gói",
            "pack_size": "500 g",
            "price_vnd": 65_000,
            "gtin": "8938500000012",
            "translations": [{"language": "en", "name": "Arrowroot noodles"}],
        },
    )
    assert response.status_code == 201, response.text
    product = response.json()
    assert product["slug"] == "mien-dong-tai-hoan" and product["sellable"] is False
    assert product["origin"]["legacy_district"] == "Huyện Na Rì"
    response = await client.post(
        "/api/v1/certificates",
        headers=office,
        json={
            "product_id": product["id"],
            "stars": 5,
            "council_level": "central",
            "issuer": "Bộ Nông nghiệp và PTNT",
            "decision_number": "1020/QĐ-BNN",
            "decision_date": "2024-07-01",
        },
    )
    assert response.status_code == 201, response.text
    cert = response.json()
    assert cert["valid_until"] == "2027-06-30"
    listed = (await client.get("/api/v1/products", params={"q": "arrowroot"})).json()
    assert [p["stars"] for p in listed["items"]] == [5]
    response = await client.post(
        f"/api/v1/certificates/{cert['id']}/revoke",
        headers=office,
        json={"reason": "Vi phạm quy định ghi nhãn"},
    )
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert (await client.get("/api/v1/products")).json()["total"] == 0
    history = (await client.get(f"/api/v1/products/{product['id']}", headers=office)).json()
    assert [c["status"] for c in history["certificate_history"]] == ["revoked"]


async def test_updating_a_product_and_a_producer(client, office, session):
    maker = await f.producer(session, code="UPD")
    item = await f.certified_product(session, 4, maker=maker, name="Trà shan tuyết")
    await session.commit()
    response = await client.patch(
        f"/api/v1/products/{item.id}",
        headers=office,
        json={"price_vnd": 180_000, "origin": "Hoàng Su Phì, Hà Giang"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["price_vnd"] == 180_000
    assert response.json()["origin"]["legacy_province"] == "Tỉnh Hà Giang"
    response = await client.patch("/api/v1/producers/UPD", headers=office, json={"name": "HTX Chè Cổ Thụ"})
    assert response.status_code == 200
    found = (await client.get("/api/v1/products", params={"q": "co thu"})).json()
    assert [p["name"] for p in found["items"]] == ["Trà shan tuyết"]


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({**PRODUCER, "kind": "bank"}, 400, None),
        ({**PRODUCER, "tax_code": "12"}, 400, None),
        ({**PRODUCER, "name": "x" * 201}, 400, None),
        ({**PRODUCER, "code": "bad code!"}, 400, None),
        ({**PRODUCER, "unexpected": 1}, 400, None),
        ({**PRODUCER, "place": "Nowhere, Atlantis"}, 422, "place"),
    ],
)
async def test_bad_producer_input_is_refused_and_nothing_is_written(
    client, office, session, payload, status, field
):
    response = await client.post("/api/v1/producers", json=payload, headers=office)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    if field:
        assert response.json()["errors"][0]["field"] == field
    assert await session.scalar(sa.select(sa.func.count()).select_from(Producer)) == 0


async def test_duplicates_are_conflicts(client, office):
    assert (await client.post("/api/v1/producers", json=PRODUCER, headers=office)).status_code == 201
    response = await client.post("/api/v1/producers", json=PRODUCER, headers=office)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"producer_code": "NOPE", "group_code": "food", "name": "A", "unit": "gói", "price_vnd": 1}, 422),
        (
            {
                "producer_code": "HTX-TAIHOAN",
                "group_code": "nope",
                "name": "A",
                "unit": "gói",
                "price_vnd": 1,
            },
            422,
        ),
        (
            {
                "producer_code": "HTX-TAIHOAN",
                "group_code": "food",
                "name": "A",
                "unit": "gói",
                "price_vnd": -5,
            },
            400,
        ),
        (
            {
                "producer_code": "HTX-TAIHOAN",
                "group_code": "food",
                "name": "A",
                "unit": "gói",
                "price_vnd": 1.5,
            },
            400,
        ),
        (
            {"producer_code": "HTX-TAIHOAN", "group_code": "food", "name": "", "unit": "gói", "price_vnd": 1},
            400,
        ),
        (
            {
                "producer_code": "HTX-TAIHOAN",
                "group_code": "food",
                "name": "A",
                "unit": "gói",
                "price_vnd": None,
            },
            400,
        ),
    ],
)
async def test_bad_product_input(client, office, session, payload, status):
    await client.post("/api/v1/producers", json=PRODUCER, headers=office)
    response = await client.post("/api/v1/products", json=payload, headers=office)
    assert response.status_code == status, response.text
    assert await session.scalar(sa.select(sa.func.count()).select_from(Product)) == 0


@pytest.mark.parametrize(
    "payload",
    [
        {"stars": 2},
        {"stars": 6},
        {"score": 101},
        {"decision_date": "yesterday"},
        {"valid_from": "2024-01-01", "valid_until": "2023-01-01"},
        {"council_level": "galactic"},
    ],
)
async def test_bad_certificates_are_refused(client, office, session, payload):
    item = await f.product(session)
    await session.commit()
    body = {
        "product_id": item.id,
        "stars": 3,
        "council_level": "province",
        "issuer": "UBND tỉnh",
        "decision_number": "1/QĐ",
        "decision_date": "2024-01-01",
    } | payload
    response = await client.post("/api/v1/certificates", json=body, headers=office)
    assert response.status_code in (400, 422), response.text


async def test_revoking_an_unknown_certificate_is_404(client, office):
    response = await client.post(
        "/api/v1/certificates/7c1b6a1e-0000-4000-8000-000000000000/revoke",
        json={"reason": "test"},
        headers=office,
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.manager, Role.staff, Role.cooperative])
async def test_only_the_office_writes_the_catalog(client, session, role):
    maker = await f.producer(session)
    shop = await f.location(session)
    extra = {"producer_code": maker.code} if role is Role.cooperative else {"location_codes": [shop.code]}
    name = await f.user(session, role, **extra)
    await session.commit()
    headers = await f.bearer(client, name)
    response = await client.post("/api/v1/producers", json=PRODUCER, headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_anonymous_writes_are_401(client):
    response = await client.post("/api/v1/producers", json=PRODUCER)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"[]", "application/json"),
        (b"code=X", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
    ],
)
async def test_malformed_bodies_are_4xx_problems(client, office, content, content_type):
    response = await client.post(
        "/api/v1/producers", content=content, headers={**office, "Content-Type": content_type}
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_wrong_method_is_405_not_500(client):
    response = await client.delete("/api/v1/products")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
