"""The office writes the year's plan through /api/v1/programme/plans and /office/plans/, and
reads its progress there and on /reports/programme (with its .xlsx); refusals name their
field in words; nobody but the office writes or reads a plan."""

from __future__ import annotations

import io

import httpx
import openpyxl
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.programme.models import Plan, PlanTarget
from tests import factories
from tests.inventory.test_pos_pages import login, submit
from tests.programme.test_progress import district, province

EN = {"Accept-Language": "en"}


async def _people(session: AsyncSession) -> None:
    await factories.user(session, Role.admin, username="office1")
    maker = await factories.producer(session, code="HTX-API")
    await factories.user(session, Role.cooperative, producer_code=maker.code, username="coop1")
    await factories.location(session, code="SP-API")
    await factories.user(session, Role.staff, location_codes=["SP-API"], username="staff1")
    await session.commit()


async def test_the_office_writes_a_plan_and_reads_its_progress(
    client: httpx.AsyncClient, session: AsyncSession
):
    await _people(session)
    p = await province(session)
    na_ri = await district(session, "Na Rì, Bắc Kạn")
    await factories.product(session, origin="Na Rì, Bắc Kạn")
    item = await factories.product(session, origin="Na Rì, Bắc Kạn")
    await factories.certificate(session, item, 3)
    await session.commit()
    office = {**await factories.bearer(client, "office1"), **EN}
    made = await client.post(
        "/api/v1/programme/plans",
        json={"province_id": p.id, "year": 2026, "title": "Kế hoạch 2026"},
        headers=office,
    )
    assert made.status_code == 201, made.text
    plan = made.json()["id"]
    assert made.json()["status"] == "draft" and made.json()["targets"] == []
    base = f"/api/v1/programme/plans/{plan}"
    added = await client.post(
        f"{base}/targets", json={"measure": "new_certified_products", "target": 20}, headers=office
    )
    assert added.status_code == 201, added.text
    assert (
        added.json()["stars"] == 3 and added.json()["description"] == "Products newly certified at 3★ or more"
    )
    local = await client.post(
        f"{base}/targets",
        json={
            "measure": "new_certified_products",
            "target": 2,
            "place_id": na_ri.id,
            "note": "2–3 per district",
        },
        headers=office,
    )
    assert local.status_code == 201 and local.json()["place"] == na_ri.name
    linkage = await client.post(
        f"{base}/targets",
        json={"measure": "recorded", "target": 25, "label": "Linked producers"},
        headers=office,
    )
    record = await client.post(
        f"{base}/targets/{linkage.json()['id']}/records",
        json={"counted": 4, "counted_on": "2026-01-15"},
        headers=office,
    )
    assert record.status_code == 201, record.text
    listed = (await client.get("/api/v1/programme/plans?year=2026", headers=office)).json()
    assert listed["total"] == 1 and listed["items"][0]["targets"] == 3 and listed["page_size"] == 50
    body = (await client.get(f"{base}/progress", headers=office)).json()
    assert [t["status"] in ("reached", "on_track", "behind", "no_data") for t in body["targets"]] == [
        True
    ] * 3
    assert body["by"] == "district" and body["targets"][2]["recorded"]["counted"] == 4
    assert body["targets"][2]["done"] == 4
    assert na_ri.name in [a["area"] for a in body["targets"][0]["areas"]]

    sheet = await client.get(f"/api/v1/reports/programme?plan={plan}&format=xlsx", headers=office)
    assert sheet.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(sheet.content))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    assert rows[0][0] == "Kế hoạch 2026 (Tỉnh Thái Nguyên, 2026): progress"
    header = rows.index(
        ["Target", "Area", "To reach by the year's end", "Done so far", "Expected by today", "Status", "Note"]
    )
    described = [r[0] for r in rows[header + 1 :] if r[0]]
    assert described == [
        "Products newly certified at 3★ or more",
        "Products newly certified at 3★ or more",
        "Linked producers",
    ]
    assert any(r[1] == na_ri.name for r in rows[header + 1 :])
    latest = (await client.get("/api/v1/reports/programme", headers=office)).json()
    assert latest["title"].startswith("Kế hoạch 2026") and latest["total"] > 3
    bad = await client.get("/api/v1/reports/programme?plan=abc", headers=office)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "plan"
    page = await client.get(f"/api/v1/reports/programme?plan={plan}&by=commune", headers=office)
    assert page.status_code == 200 and page.json()["items"][0][0] == "Products newly certified at 3★ or more"


async def test_refusals_name_their_field(client: httpx.AsyncClient, session: AsyncSession):
    p = await province(session)
    other = await province(session, "Đà Nẵng")
    legacy = await session.scalar(
        sa.select(Place).where(Place.era == PlaceEra.legacy, Place.level == PlaceLevel.province).limit(1)
    )
    da_nang = await session.scalar(sa.select(Place.id).where(Place.province_id == other.id).limit(1))
    await _people(session)  # commits: the app may write
    office = {**await factories.bearer(client, "office1"), **EN}
    old_map = await client.post(
        "/api/v1/programme/plans", json={"province_id": legacy.id, "year": 2026, "title": "x"}, headers=office
    )
    assert old_map.status_code == 422 and old_map.json()["errors"][0]["field"] == "province_id"
    plan = (
        await client.post(
            "/api/v1/programme/plans", json={"province_id": p.id, "year": 2026, "title": "x"}, headers=office
        )
    ).json()["id"]
    again = await client.post(
        "/api/v1/programme/plans", json={"province_id": p.id, "year": 2026, "title": "y"}, headers=office
    )
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "year"
    assert again.headers["content-type"].startswith("application/problem+json")
    base = f"/api/v1/programme/plans/{plan}/targets"
    share = await client.post(
        base, json={"measure": "share_reaching_three_stars", "target": 120}, headers=office
    )
    assert share.status_code == 422 and share.json()["errors"][0]["field"] == "target"
    unnamed = await client.post(base, json={"measure": "recorded", "target": 8}, headers=office)
    assert unnamed.status_code == 422 and unnamed.json()["errors"][0]["field"] == "label"
    elsewhere = await client.post(
        base, json={"measure": "fairs_held", "target": 2, "place_id": da_nang}, headers=office
    )
    assert elsewhere.status_code == 422 and elsewhere.json()["errors"][0]["field"] == "place_id"
    counted = (await client.post(base, json={"measure": "fairs_held", "target": 2}, headers=office)).json()[
        "id"
    ]
    refused = await client.post(
        f"{base}/{counted}/records", json={"counted": 1, "counted_on": "2026-01-02"}, headers=office
    )
    assert refused.status_code == 409
    vi = await client.post(
        base, json={"measure": "recorded", "target": 8}, headers={**office, "Accept-Language": "vi"}
    )
    assert vi.json()["errors"][0]["message"] != "Say what the office counts for this target."
    assert (await client.get("/api/v1/programme/plans/999999", headers=office)).status_code == 404


async def test_only_the_office_writes_or_reads_plans(client: httpx.AsyncClient, session: AsyncSession):
    p = await province(session)
    await _people(session)
    for name in ("coop1", "staff1"):
        headers = await factories.bearer(client, name)
        made = await client.post(
            "/api/v1/programme/plans", json={"province_id": p.id, "year": 2026, "title": "x"}, headers=headers
        )
        assert made.status_code == 403
        assert (await client.get("/api/v1/programme/plans", headers=headers)).status_code == 403
        assert (await client.get("/api/v1/reports/programme", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/programme/plans")).status_code == 401
    await login(client, "staff1")
    assert (await client.get("/office/plans/")).status_code in (303, 403)
    assert await session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0
    await session.commit()


async def test_the_office_fills_the_forms_leaving_optional_fields_empty(
    client: httpx.AsyncClient, session: AsyncSession
):
    p = await province(session)
    await _people(session)
    await login(client, "office1")
    refused = await submit(
        client, "/office/plans/new", "/office/plans/", {"province_id": str(p.id), "year": "20x6", "title": ""}
    )
    assert refused.status_code == 422
    assert "Give a whole number from 2018 to 2100." in refused.text and "Fill in this field." in refused.text
    assert 'value="20x6"' in refused.text  # nothing typed is lost
    saved = await submit(
        client,
        "/office/plans/new",
        "/office/plans/",
        {"province_id": str(p.id), "year": "2026", "title": "Kế hoạch OCOP 2026", "status": "", "note": ""},
    )
    assert saved.status_code == 303, saved.text
    plan = await session.scalar(sa.select(Plan.id))
    await session.commit()
    empty = {"stars": "", "quality_kind": "", "producer_kind": "", "place_id": "", "label": "", "note": ""}
    bad = await submit(
        client,
        f"/office/plans/{plan}/targets/new",
        f"/office/plans/{plan}/targets",
        {"measure": "recorded", "target": "0", **empty},
    )
    assert bad.status_code == 422 and "Give a whole number from 1 to 1000000." in bad.text
    added = await submit(
        client,
        f"/office/plans/{plan}/targets/new",
        f"/office/plans/{plan}/targets",
        {"measure": "traceable_products", "target": "20", **empty},
    )
    assert added.status_code == 303, added.text
    shown = await client.get(f"/office/plans/{plan}")
    assert shown.status_code == 200 and "Products with a traceable batch recorded this year" in shown.text
    assert "The target is saved." in (await client.get(f"/office/plans/{plan}?done=target_saved")).text
    target = await session.scalar(sa.select(PlanTarget))
    assert target is not None and target.place_id is None and target.note is None and target.stars is None
    await session.commit()
    dashboard = await client.get("/reports/")
    assert (
        'id="programme"' in dashboard.text
        and "Products with a traceable batch recorded this year" in dashboard.text
    )
    report = await client.get(f"/reports/programme?plan={plan}")
    assert report.status_code == 200 and "Kế hoạch OCOP 2026" in report.text
