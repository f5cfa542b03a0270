"""The public catalog API: filters, search without diacritics, details, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from shop.catalog import cache, certificates, schemas
from tests import factories as f


@pytest.fixture
async def catalog(session):
    """Three producers in three legacy provinces; one product of each star; two unsellable."""
    tai_hoan = await f.producer(session, code="TAIHOAN", name="HTX Tài Hoan", place="Na Rì, Bắc Kạn")
    dong_van = await f.producer(
        session, code="DONGVAN", name="HTX Mật ong Đồng Văn", place="Đồng Văn, Hà Giang", kind="enterprise"
    )
    tue_lam = await f.producer(
        session, code="TUELAM", name="HTX Dược liệu Tuệ Lâm", place="Bình Liêu, Quảng Ninh"
    )
    noodles = await f.product(
        session,
        tai_hoan,
        name="Miến dong Tài Hoan",
        price_vnd=120_000,
        group_code="food-processed",
        translations=[{"language": "en", "name": "Tài Hoan arrowroot noodles"}],
    )
    honey = await f.product(
        session,
        dong_van,
        name="Mật ong bạc hà",
        price_vnd=450_000,
        group_code="food-honey",
        translations=[{"language": "en", "name": "Mint honey"}],
    )
    oil = await f.product(
        session, tue_lam, name="Tinh dầu quế", price_vnd=95_000, group_code="herbal-cosmetic"
    )
    expired = await f.product(session, tai_hoan, name="Miến dong cũ", price_vnd=10_000)
    revoked = await f.product(
        session, dong_van, name="Mật ong thu hồi", price_vnd=20_000, group_code="food-honey"
    )
    await f.certificate(session, noodles, 5)
    await f.certificate(session, honey, 4)
    await f.certificate(session, oil, 3)
    await f.certificate(session, expired, 4, decision_date=dt.date(2020, 1, 1))
    cert = await f.certificate(session, revoked, 3)
    await certificates.revoke(session, cert.id, schemas.RevocationIn(reason="Vi phạm ATTP"), today=f.TODAY)
    await session.commit()
    return {"noodles": noodles, "honey": honey, "oil": oil, "expired": expired, "revoked": revoked}


def names(response):
    assert response.status_code == 200, response.text
    return sorted(item["name"] for item in response.json()["items"])


async def test_list_shows_only_sellable_products_in_the_fixed_shape(client, catalog):
    response = await client.get("/api/v1/products")
    body = response.json()
    assert set(body) == {"items", "total", "page", "page_size"}
    assert body["total"] == 3
    assert names(response) == ["Miến dong Tài Hoan", "Mật ong bạc hà", "Tinh dầu quế"]
    item = next(i for i in body["items"] if i["name"] == "Miến dong Tài Hoan")
    assert item["stars"] == 5 and item["sellable"] is True and item["price_vnd"] == 120_000
    assert item["producer"] == {"code": "TAIHOAN", "name": "HTX Tài Hoan", "kind": "cooperative"}
    assert item["origin"]["province"] == "Tỉnh Thái Nguyên"
    assert item["origin"]["legacy_province"] == "Tỉnh Bắc Kạn"
    assert item["origin"]["legacy_district"] == "Huyện Na Rì"
    assert len(item["trace_code"]) == 8


@pytest.mark.parametrize("query", ["mien dong", "MIẾN DONG", "Miến   dong", "tai hoan", "na ri"])
async def test_search_ignores_diacritics_and_case(client, catalog, query):
    assert names(await client.get("/api/v1/products", params={"q": query})) == ["Miến dong Tài Hoan"]


async def test_search_finds_vietnamese_and_english_names(client, catalog):
    assert names(await client.get("/api/v1/products", params={"q": "mật ong"})) == ["Mật ong bạc hà"]
    response = await client.get("/api/v1/products", params={"q": "honey"}, headers={"Accept-Language": "en"})
    assert names(response) == ["Mint honey"]


async def test_a_latin_word_matches_a_word_s_start_not_its_middle(client, catalog, session):
    """ "mật ong" listed the aromatic wax gourd of an agricultural co-operative first ("mat" is
    inside "aromatic", "ong" inside "nông"); a word being typed still finds its product."""
    farm = await f.producer(session, code="NONGNGHIEP", name="HTX Nông nghiệp Ba Bể", place="Na Rì, Bắc Kạn")
    gourd = await f.product(
        session,
        farm,
        name="Bí sáp thơm",
        translations=[{"language": "en", "name": "Ba Bể aromatic wax-gourd"}],
    )
    await f.certificate(session, gourd, 3)
    await session.commit()
    assert names(await client.get("/api/v1/products", params={"q": "mật ong"})) == ["Mật ong bạc hà"]
    assert names(await client.get("/api/v1/products", params={"q": "mie"})) == ["Miến dong Tài Hoan"]
    assert names(await client.get("/api/v1/products", params={"q": "gourd"})) == ["Bí sáp thơm"]
    assert names(await client.get("/api/v1/products", params={"q": "oney"})) == []


@pytest.mark.parametrize(
    ("province", "expected"),
    [
        ("Bắc Kạn", ["Miến dong Tài Hoan"]),
        ("bac kan", ["Miến dong Tài Hoan"]),
        ("Thái Nguyên", ["Miến dong Tài Hoan"]),
        ("Hà Giang", ["Mật ong bạc hà"]),
        ("Tuyên Quang", ["Mật ong bạc hà"]),
        ("Quảng Ninh", ["Tinh dầu quế"]),
    ],
)
async def test_province_filter_takes_old_and_new_names(client, catalog, province, expected):
    assert names(await client.get("/api/v1/products", params={"province": province})) == expected


async def test_filters_by_group_stars_and_producer(client, catalog):
    assert names(await client.get("/api/v1/products", params={"group": "food"})) == [
        "Miến dong Tài Hoan",
        "Mật ong bạc hà",
    ]
    assert names(await client.get("/api/v1/products", params={"group": "food-honey"})) == ["Mật ong bạc hà"]
    assert names(await client.get("/api/v1/products", params={"min_stars": 4})) == [
        "Miến dong Tài Hoan",
        "Mật ong bạc hà",
    ]
    assert names(await client.get("/api/v1/products", params={"producer": "TUELAM"})) == ["Tinh dầu quế"]


async def test_sort_and_pagination(client, catalog):
    response = await client.get("/api/v1/products", params={"sort": "-price", "page_size": 2})
    body = response.json()
    assert [i["price_vnd"] for i in body["items"]] == [450_000, 120_000]
    assert (body["total"], body["page"], body["page_size"]) == (3, 1, 2)
    second = (
        await client.get("/api/v1/products", params={"sort": "-price", "page_size": 2, "page": 2})
    ).json()
    assert [i["price_vnd"] for i in second["items"]] == [95_000]


async def test_product_detail_has_certificate_origin_and_translation(client, catalog):
    product_id = catalog["noodles"].id
    body = (await client.get(f"/api/v1/products/{product_id}")).json()
    assert body["certificate"]["stars"] == 5 and body["certificate"]["status"] == "active"
    assert body["certificate_history"] is None  # only the office sees the history
    english = (await client.get(f"/api/v1/products/{product_id}?lang=en")).json()
    assert english["name"] == "Tài Hoan arrowroot noodles" and english["language"] == "en"


async def test_an_unsellable_product_is_shown_without_stars(client, catalog):
    body = (await client.get(f"/api/v1/products/{catalog['revoked'].id}")).json()
    assert body["sellable"] is False and body["stars"] is None
    assert body["certificate"]["status"] == "revoked"
    assert body["certificate"]["revocation_reason"] == "Vi phạm ATTP"


@pytest.mark.parametrize(
    "params",
    [
        {"page": 0},
        {"page": -1},
        {"page_size": 0},
        {"page_size": 1000},
        {"page_size": "ten"},
        {"min_stars": 2},
        {"min_stars": 9},
        {"sort": "bogus"},
        {"q": "x" * 201},
    ],
)
async def test_malformed_filters_are_a_400_problem(client, catalog, params):
    response = await client.get("/api/v1/products", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == 400 and problem["detail"] and problem["errors"]


async def test_unknown_province_or_group_is_a_422_naming_the_field(client, catalog):
    response = await client.get("/api/v1/products", params={"province": "Atlantis"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "province"
    response = await client.get("/api/v1/products", params={"group": "nope"})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/products/999999",
        "/api/v1/products/abc",
        "/api/v1/producers/NOPE",
        "/api/v1/sales-points/NOPE",
    ],
)
async def test_unknown_ids_are_404_problems(client, catalog, path):
    response = await client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_problem_detail_follows_accept_language(client, catalog):
    vi = (await client.get("/api/v1/products/999999", headers={"Accept-Language": "vi"})).json()
    en = (await client.get("/api/v1/products/999999", headers={"Accept-Language": "en"})).json()
    assert en["detail"] == "No product 999999."
    assert vi["detail"] != en["detail"]


async def test_producers_list_and_detail(client, catalog):
    body = (await client.get("/api/v1/producers")).json()
    assert body["total"] == 3
    by_code = {p["code"]: p for p in body["items"]}
    assert by_code["TAIHOAN"]["product_count"] == 1  # the expired one does not count
    detail = (await client.get("/api/v1/producers/TAIHOAN")).json()
    assert [p["name"] for p in detail["products"]] == ["Miến dong Tài Hoan"]
    assert detail["province"] == "Tỉnh Thái Nguyên"
    same = (await client.get(f"/api/v1/producers/{detail['id']}")).json()
    assert same["code"] == "TAIHOAN"


async def test_the_list_costs_the_same_statements_for_any_page_size(client, catalog, session, database):
    for _ in range(12):
        await f.certified_product(session, 3)
    await session.commit()
    counts = []
    for size in (2, 15):
        statements = []

        def count(*_args, statements=statements):
            statements.append(1)

        cache.catalog_changed()  # count the COUNT too, not a cached total
        cache.forget_place_names()  # and the place names (a test before may have left them)
        event.listen(client.app.state.db.engine.sync_engine, "before_cursor_execute", count)
        response = await client.get("/api/v1/products", params={"page_size": size})
        event.remove(client.app.state.db.engine.sync_engine, "before_cursor_execute", count)
        assert len(response.json()["items"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert counts[0] <= 8


async def test_the_product_detail_costs_a_fixed_number_of_statements(client, catalog):
    statements = []

    def count(*_args):
        statements.append(1)

    engine = client.app.state.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    response = await client.get(f"/api/v1/products/{catalog['noodles'].id}")
    event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert len(statements) <= 9


async def test_groups_are_listed_with_their_criteria_version(client):
    groups = (await client.get("/api/v1/groups")).json()["items"]
    codes = {g["code"] for g in groups}
    assert {"food", "beverage", "herbal", "handicraft", "ornamental", "tourism"} <= codes
    assert all(g["criteria_version"] == "148/QĐ-TTg" for g in groups)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/products/99999999999999999999",
        "/api/v1/producers/²",
        "/api/v1/producers/99999999999999999999",
    ],
)
async def test_absurd_ids_are_404_not_500(client, path):
    response = await client.get(path)
    assert response.status_code in (400, 404), response.text
    assert response.headers["content-type"].startswith("application/problem+json")
