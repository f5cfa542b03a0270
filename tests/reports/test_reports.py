"""The office's reports against a small hand-built world whose answers are known:
certified products by stars and province or group, areas without a sales point,
certificates expiring this quarter (with their emails); JSON, CSV, Excel and the page."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import httpx
import openpyxl
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop import jobs
from shop.accounts.models import Role
from shop.catalog.models import CouncilLevel, FailedEvaluation, Producer, Product, ProductGroup
from shop.catalog.sellability import today
from shop.geo.models import Area, Place, PlaceEra, PlaceLevel
from shop.inventory.models import LocationKind
from shop.mail.models import OutgoingEmail
from tests import factories
from tests.inventory.test_pos_pages import login

EN = {"Accept-Language": "en"}


async def _world(session: AsyncSession) -> dict[str, object]:
    """Province A: one 5★, two 4★, three 3★ (one of them expiring in 20 days, one in 75);
    province B: one 3★ and one product whose certificate has expired. Two areas of three
    have a sales point (one of them only a fair)."""
    a, b = await factories.provinces(session, 2)
    maker = await factories.producer(session, code="HTX-A", name="HTX A", email="htx-a@example.vn")
    on = today()
    decided = on - dt.timedelta(days=300)
    specs = [(a, 5, None), (a, 4, None), (a, 4, None), (a, 3, None), (a, 3, 20), (a, 3, 75), (b, 3, None)]
    for place, stars, days_left in specs:
        item = await factories.product(session, maker)
        until = on + dt.timedelta(days=days_left) if days_left else None
        await factories.certificate(
            session, item, stars, decision_date=decided, valid_from=decided, valid_until=until, today=decided
        )
        await session.execute(
            sa.update(Product).where(Product.id == item.id).values(origin_province_id=place.id)
        )
    lapsed = await factories.product(session, maker)
    old = on - dt.timedelta(days=1200)
    await factories.certificate(session, lapsed, 5, decision_date=old, valid_from=old, today=old)
    await session.execute(sa.update(Product).where(Product.id == lapsed.id).values(origin_province_id=b.id))
    await factories.location(session, code="SP-1", province_id=a.id)
    fair_start = on - dt.timedelta(days=1)
    await factories.location(
        session, LocationKind.fair, code="FAIR-1", province_id=b.id, starts_on=fair_start, ends_on=on
    )
    session.add(Area(code="AREA-EMPTY", name="Vùng trống", province_id=b.id))
    await factories.user(session, Role.staff, location_codes=["SP-1"], username="staff1")
    await factories.user(session, Role.admin, username="office1")
    await session.commit()
    return {"a": a.name, "b": b.name}


async def test_certified_products_by_stars_and_province(client: httpx.AsyncClient, session: AsyncSession):
    names = await _world(session)
    admin = await factories.bearer(client, "office1")
    body = (await client.get("/api/v1/reports/certification", headers={**admin, **EN})).json()
    assert body["columns"] == ["Province", "5★", "4★", "3★", "Total"]
    assert body["items"] == [[names["a"], 1, 2, 3, 6], [names["b"], 0, 0, 1, 1], ["Total", 1, 2, 4, 7]]
    assert body["summary"] == "7 certified products: 1 five-star, 2 four-star, 4 three-star"
    by_group = (await client.get("/api/v1/reports/certification?by=group", headers={**admin, **EN})).json()
    assert by_group["items"][-1] == ["Total", 1, 2, 4, 7] and by_group["columns"][0] == "Product group"
    vi = (await client.get("/api/v1/reports/certification", headers=admin)).json()
    assert vi["summary"] == "7 sản phẩm được chứng nhận: 1 sản phẩm 5 sao, 2 sản phẩm 4 sao, 4 sản phẩm 3 sao"


async def test_areas_without_a_sales_point(client: httpx.AsyncClient, session: AsyncSession):
    await _world(session)
    admin = await factories.bearer(client, "office1")
    body = (await client.get("/api/v1/reports/coverage", headers={**admin, **EN})).json()
    by_points = {row[2]: row[3] for row in body["items"]}
    assert by_points["AREA-EMPTY"] == 0 and list(by_points.values()).count(1) == 1  # the fair is not one
    assert body["summary"] == "2 areas have no sales point."
    uncovered = (await client.get("/api/v1/reports/coverage?uncovered=true", headers=admin)).json()
    assert all(row[3] == 0 for row in uncovered["items"]) and len(uncovered["items"]) == 2


async def test_certificates_expiring_this_quarter_listed_and_announced_once(
    client: httpx.AsyncClient, session: AsyncSession
):
    await _world(session)
    admin = await factories.bearer(client, "office1")
    body = (
        await client.get("/api/v1/reports/expiring-certificates?within=90", headers={**admin, **EN})
    ).json()
    assert [row[1] for row in body["items"]] == [20, 75]
    assert (await client.get("/api/v1/reports/expiring-certificates?within=30", headers=admin)).json()[
        "items"
    ][0][1] == 20

    app = client.app  # type: ignore[attr-defined]
    office = dataclasses.replace(app.state.settings, office_email="ocop@sct.example.vn")
    for _ in range(2):  # the jobs run every minute: each notice goes once
        await jobs.run_due(app.state.db, office)
    async with app.state.db.read_sessions() as s:
        keys = sorted(await s.scalars(sa.select(OutgoingEmail.key)))
        subjects = sorted(
            await s.scalars(sa.select(OutgoingEmail.subject).where(OutgoingEmail.to == "htx-a@example.vn"))
        )
    assert sorted(k.rsplit(":", 1)[1] for k in keys if k.startswith("certificate:")) == ["30", "90"]
    assert len([k for k in keys if k.startswith("office:certificates-expiring:")]) == 1
    assert len(subjects) == 2 and all("hết hạn sau" in s for s in subjects)


async def test_downloads_and_the_dashboard(client: httpx.AsyncClient, session: AsyncSession):
    names = await _world(session)
    admin = await factories.bearer(client, "office1")
    as_csv = await client.get("/api/v1/reports/certification?format=csv", headers={**admin, **EN})
    assert as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == ["Province", "5★", "4★", "3★", "Total"] and rows[1] == [names["a"], "1", "2", "3", "6"]
    as_xlsx = await client.get("/api/v1/reports/expiring-certificates?format=xlsx", headers=admin)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    values = [row for row in sheet.iter_rows(values_only=True) if row and isinstance(row[1], int)]
    assert [v[1] for v in values] == [20, 75]

    staff = await factories.bearer(client, "staff1")
    assert (await client.get("/api/v1/reports/coverage", headers=staff)).status_code == 403
    await login(client, "office1", lang="en")
    page = await client.get("/reports/")
    assert page.status_code == 200 and "7 certified products: 1 five-star" in page.text
    assert page.text.count("<rect") >= 6 and "Areas with no sales point" in page.text
    listing = await client.get("/reports/certificates?within=30")
    assert listing.status_code == 200 and listing.text.count("<tr>") == 2  # the header and one


async def test_by_former_district_and_within_one_group(client: httpx.AsyncClient, session: AsyncSession):
    await _world(session)
    district = await session.scalar(
        sa.select(Place).where(Place.era == PlaceEra.legacy, Place.level == PlaceLevel.district).limit(1)
    )
    assert district is not None
    five = await session.scalar(sa.select(Product.id).where(Product.stars == 5))
    await session.execute(sa.update(Product).where(Product.id == five).values(legacy_district_id=district.id))
    other_group = await session.scalar(  # a top group other than food-processed's own
        sa.select(ProductGroup.code).where(ProductGroup.parent_id.is_(None), ProductGroup.code != "food")
    )
    await session.commit()
    admin = await factories.bearer(client, "office1")
    areas = (await client.get("/api/v1/reports/certification?by=area", headers={**admin, **EN})).json()
    assert areas["columns"][0] == "Former district"
    assert [district.name, 1, 0, 0, 1] in areas["items"]  # the others keep their own district
    assert areas["items"][-1] == ["Total", 1, 2, 4, 7] and len(areas["items"]) == 3
    same = (await client.get("/api/v1/reports/certification?group=food-processed", headers=admin)).json()
    assert same["items"][-1][-1] == 7
    none = (await client.get(f"/api/v1/reports/certification?group={other_group}", headers=admin)).json()
    assert none["items"] == [["Tổng cộng", 0, 0, 0, 0]]
    wrong = await client.get("/api/v1/reports/certification?by=commune", headers={**admin, **EN})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "by"


async def test_the_share_of_evaluated_products_reaching_three_stars(
    client: httpx.AsyncClient, session: AsyncSession
):
    names = await _world(session)
    decided = today() - dt.timedelta(days=300)  # when the world's seven certificates were decided
    a = await session.scalar(
        sa.select(Place.id).where(Place.name == names["a"], Place.era == PlaceEra.current)
    )
    maker = await session.scalar(sa.select(Producer.id).where(Producer.code == "HTX-A"))
    for stars, score in ((2, 45), (2, 38), (1, 20)):
        session.add(
            FailedEvaluation(
                producer_id=maker,
                product_name=f"Sản phẩm chưa đạt {score}",
                province_id=a,
                council_level=CouncilLevel.province,
                evaluated_on=decided,
                score=score,
                stars=stars,
            )
        )
    await session.commit()
    admin = await factories.bearer(client, "office1")
    body = (
        await client.get(f"/api/v1/reports/evaluations?year={decided.year}", headers={**admin, **EN})
    ).json()
    assert body["items"] == [
        [names["a"], 9, 6, 1, 2, 3, 3, 66.7],
        [names["b"], 1, 1, 0, 0, 1, 0, 100.0],
        ["Total", 10, 7, 1, 2, 4, 3, 70.0],
    ]
    assert body["summary"] == "7 of 10 evaluated products reached 3★ (70.0 %)."
    future = await client.get(f"/api/v1/reports/evaluations?year={today().year + 1}", headers=admin)
    assert future.status_code == 422
