"""Piccolo Admin over our tables: it matches the models, logs in, and guards business tables."""

from __future__ import annotations

import sqlalchemy as sa
from piccolo import columns as pc

from admin.config import TABLES
from admin.site import AdminSite, listed_columns
from shop.accounts.models import Role
from shop.catalog.models import Certificate, Producer, Product, ProductGroup
from shop.db import Database
from shop.geo.models import Place
from shop.models import Base
from shop.settings import Settings
from tests import factories as f

_COMPATIBLE = {
    pc.Serial: (sa.Integer,),
    pc.BigSerial: (sa.BigInteger,),
    pc.Integer: (sa.Integer,),
    pc.BigInt: (sa.BigInteger,),
    pc.SmallInt: (sa.SmallInteger,),
    pc.Varchar: (sa.String, sa.Enum),
    pc.Text: (sa.Text,),
    pc.Numeric: (sa.Numeric,),
    pc.Boolean: (sa.Boolean,),
    pc.Date: (sa.Date,),
    pc.Timestamptz: (sa.DateTime,),
    pc.Timestamp: (sa.DateTime,),
    pc.UUID: (sa.Uuid,),
    pc.ForeignKey: (sa.Integer, sa.Uuid),
}


def test_the_admin_view_of_every_table_matches_the_models():
    site = AdminSite(
        Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key="x"),
        Database.connect("sqlite+aiosqlite:///:memory:"),
    )
    for config in TABLES:
        table = Base.metadata.tables[config.table]
        piccolo = site.tables[config.table]
        for column in piccolo._meta.columns:
            model_column = table.columns[column._meta.db_column_name]
            kind = type(column)
            model_type = model_column.type
            if isinstance(model_type, sa.TypeDecorator):
                model_type = model_type.impl
            assert isinstance(model_type, _COMPATIBLE[kind]), (config.table, column._meta.name)
            assert column._meta.null == model_column.nullable, (config.table, column._meta.name)
            if isinstance(column, pc.Varchar) and isinstance(model_column.type, sa.String):
                assert column.length >= (model_column.type.length or 0)
            if isinstance(column, pc.ForeignKey):
                # A column in a composite key too (stock_level.product_id) has one plain key.
                targets = {fk.column.table.name for fk in model_column.foreign_keys if fk.column.primary_key}
                assert column._foreign_key_meta.resolved_references._meta.tablename in targets
        mapped = {c._meta.db_column_name for c in piccolo._meta.columns}
        required = {c.name for c in table.columns if not c.nullable and c.server_default is None}
        assert required <= mapped, (config.table, required - mapped)


async def _admin_login(client, username, password="password123"):
    await client.get("/admin/")
    token = client.cookies.get("csrftoken")
    response = await client.post(
        "/admin/public/login/",
        json={"username": username, "password": password},
        headers={"X-CSRFToken": token},
    )
    return response, {"X-CSRFToken": token}


async def test_admin_redirects_to_the_slash_and_serves_the_app(client):
    response = await client.get("/admin", follow_redirects=False)
    assert response.status_code == 307 and response.headers["location"] == "/admin/"
    assert (await client.get("/admin/")).status_code == 200


async def test_an_office_user_logs_into_admin_with_the_same_password(client, session):
    name = await f.user(session, Role.admin)
    await session.commit()
    response, _ = await _admin_login(client, name)
    assert response.status_code in (200, 303), response.text
    tables = await client.get("/admin/api/tables/")
    assert tables.status_code == 200 and "product" in tables.json()


async def test_staff_cannot_log_into_admin(client, session):
    shop = await f.location(session)
    name = await f.user(session, Role.staff, location_codes=[shop.code])
    await session.commit()
    await _admin_login(client, name)
    assert (await client.get("/admin/api/tables/")).status_code in (401, 403)


async def test_reference_data_is_editable_and_business_tables_are_read_only(client, session):
    name = await f.user(session, Role.admin)
    item = await f.certified_product(session, 4)
    await session.commit()
    _, headers = await _admin_login(client, name)
    rows = (await client.get("/admin/api/tables/producer/")).json()["rows"]
    producer_id = rows[0]["id"]
    response = await client.patch(
        f"/admin/api/tables/producer/{producer_id}/", json={"name": "HTX Đổi Tên"}, headers=headers
    )
    assert response.status_code == 200, response.text
    async with client.app.state.db.read_sessions() as fresh:
        assert await fresh.scalar(sa.select(Producer.name).where(Producer.id == producer_id)) == "HTX Đổi Tên"
    found = (await client.get("/api/v1/products", params={"q": "doi ten"})).json()
    assert [p["id"] for p in found["items"]] == [item.id]
    cert_id = await session.scalar(sa.select(Certificate.id).where(Certificate.product_id == item.id))
    response = await client.patch(
        f"/admin/api/tables/certificate/{cert_id}/", json={"issuer": "Ai đó"}, headers=headers
    )
    assert response.status_code == 405, response.text


async def test_every_admin_form_opens(client, session):
    """A form's name is its address: a "/" in it answered 404 and the form did nothing."""
    name = await f.user(session, Role.admin)
    await session.commit()
    await _admin_login(client, name)
    forms = (await client.get("/admin/api/forms/")).json()
    assert forms, "no admin form"
    for form in forms:
        schema = await client.get(f"/admin/api/forms/{form['slug']}/schema/")
        assert schema.status_code == 200, (form["name"], schema.status_code)
        for field in schema.json()["properties"].values():
            assert "null" not in str(field.get("anyOf", "")), (form["name"], field)  # no "NULL" shown


async def test_the_office_renews_a_certificate_naming_the_product_by_its_address(client, session):
    name = await f.user(session, Role.admin)
    item = await f.certified_product(session, 3)
    await session.commit()
    _, headers = await _admin_login(client, name)
    forms = (await client.get("/admin/api/forms/")).json()
    assert not [form for form in forms if "Thu hồi" in form["name"]]  # revoking is on /office/products/
    links = (await client.get("/admin/api/links/")).json()
    assert "/office/products/" in links.values() and "/office/people/" in links.values()
    slug = next(form["slug"] for form in forms if "công nhận lại" in form["name"])
    body = {
        "product": f"http://shop.example/products/{item.slug}",
        "stars": 4,
        "council_level": "Cấp tỉnh",
        "issuer": "UBND tỉnh Bắc Kạn",
        "decision_number": "123/QĐ-UBND",
        "decision_date": "2026-11-01",
        "score": "",
        "criteria_version": "148/QĐ-TTg",
    }
    response = await client.post(f"/admin/api/forms/{slug}/", json=body, headers=headers)
    assert response.status_code == 200, response.text
    async with client.app.state.db.read_sessions() as fresh:
        statuses = await fresh.execute(
            sa.select(Certificate.stars, Certificate.status).where(Certificate.product_id == item.id)
        )
    assert sorted((stars, status.value) for stars, status in statuses) == [(3, "superseded"), (4, "active")]
    unknown = await client.post(
        f"/admin/api/forms/{slug}/", json=body | {"product": "khong-co"}, headers=headers
    )
    assert unknown.status_code == 422 and "khong-co" in unknown.text


def test_every_table_and_column_explains_itself_in_vietnamese():
    site = AdminSite(
        Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key="x"),
        Database.connect("sqlite+aiosqlite:///:memory:"),
    )
    missing = []
    for config in TABLES:
        table = site.tables[config.table]
        if not table._meta.help_text:
            missing.append(config.table)
        missing += [
            f"{config.table}.{c._meta.name}"
            for c in table._meta.columns
            if not c._meta.primary_key and not c._meta.help_text
        ]
        listed = listed_columns(table)
        assert not [c._meta.name for c in listed if c._meta.null], config.table  # no "NULL" in lists
    assert missing == []


async def test_created_at_is_the_system_s_to_write(client, session):
    name = await f.user(session, Role.admin)
    maker = await f.producer(session, code="ADM-T", name="HTX Thời Gian")
    await session.commit()
    _, headers = await _admin_login(client, name)
    before = maker.created_at
    row = (await client.get(f"/admin/api/tables/producer/{maker.id}/")).json()
    schema = (await client.get("/admin/api/tables/producer/schema/")).json()
    assert "không sửa được" in schema["properties"]["created_at"]["extra"]["help_text"]
    assert schema["extra"]["help_text"].startswith("Chủ thể OCOP")
    changed = await client.patch(
        f"/admin/api/tables/producer/{maker.id}/",
        json={"created_at": "2001-01-01T00:00:00+00:00", "phone": row["phone"] or "0209 000 000"},
        headers=headers,
    )
    assert changed.status_code == 200, changed.text
    async with client.app.state.db.read_sessions() as fresh:
        kept = await fresh.scalar(sa.select(Producer.created_at).where(Producer.id == maker.id))
    assert kept == before


async def test_every_admin_table_lists(client, session):
    """One app and one login for all the tables: starting the admin is the slow part."""
    name = await f.user(session, Role.admin)
    await f.certified_product(session, 3)
    await session.commit()
    await _admin_login(client, name)
    failed = {}
    for table in [c.table for c in TABLES if c.table != "place"]:
        response = await client.get(f"/admin/api/tables/{table}/?__page_size=5")
        if response.status_code != 200:
            failed[table] = (response.status_code, response.text[:200])
    assert failed == {}


async def test_a_product_added_and_moved_in_admin_gets_its_derived_columns(client, session):
    name = await f.user(session, Role.admin)
    maker = await f.producer(session, code="ADM", name="HTX Quản Trị")
    await session.commit()
    _, headers = await _admin_login(client, name)
    new = (await client.get("/admin/api/tables/product/new/")).json()
    new.update(
        producer_id=maker.id,
        group_id=1,
        name="Chè Shan Tuyết",
        unit="gói",
        price_vnd=90_000,
        slug="",
        trace_code="",
    )
    response = await client.post("/admin/api/tables/product/", json=new, headers=headers)
    assert response.status_code == 201, response.text
    async with client.app.state.db.read_sessions() as fresh:
        product = await fresh.scalar(sa.select(Product).where(Product.name == "Chè Shan Tuyết"))
        assert product.slug == "che-shan-tuyet" and len(product.trace_code) == 8
        assert "quan tri" in product.search_text
        dong_van = await fresh.scalar(sa.select(Place.id).where(Place.name == "Huyện Đồng Văn"))
    response = await client.patch(
        f"/admin/api/tables/product/{product.id}/", json={"origin_place_id": dong_van}, headers=headers
    )
    assert response.status_code == 200, response.text
    async with client.app.state.db.read_sessions() as fresh:
        moved = await fresh.get(Product, product.id)
        province = await fresh.get(Place, moved.origin_province_id)
    assert province.name == "Tỉnh Tuyên Quang"
    assert "dong van" in moved.search_text


async def test_roles_cannot_be_changed_in_admin(client, session):
    """piccolo_user's admin flags follow the role, so roles change only through the services."""
    name = await f.user(session, Role.admin)
    await session.commit()
    _, headers = await _admin_login(client, name)
    account_id = (await client.get("/admin/api/tables/account/")).json()["rows"][0]["id"]
    response = await client.patch(
        f"/admin/api/tables/account/{account_id}/", json={"role": "staff"}, headers=headers
    )
    assert response.status_code == 405


async def test_an_admin_edit_shows_at_once_on_the_cached_public_pages(client, session):
    """The product group has no write hook: the admin's write itself drops the catalog caches
    (here, and through ``shop.cluster`` on the other instances), once Piccolo has committed."""
    name = await f.user(session, Role.admin)
    item = await f.certified_product(session, 4)
    await session.commit()
    _, headers = await _admin_login(client, name)
    page = await client.get(f"/products/{item.slug}", headers={"Accept-Language": "vi"})
    group = await session.get(ProductGroup, item.group_id)
    await session.commit()  # SQLite: our read would hold off Piccolo's write
    assert group.name in page.text
    address = f"/admin/api/tables/product_group/{group.id}/"
    try:
        response = await client.patch(address, json={"name": "Nhóm Đổi Tên"}, headers=headers)
        assert response.status_code == 200, response.text
        page = await client.get(f"/products/{item.slug}", headers={"Accept-Language": "vi"})
        assert "Nhóm Đổi Tên" in page.text
    finally:  # groups are reference data, kept between the tests of a PostgreSQL database
        restored = await client.patch(address, json={"name": group.name}, headers=headers)
        assert restored.status_code == 200, restored.text
