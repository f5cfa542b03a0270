"""The evaluation reports against a hand-built year whose answers are known: registrations and
results per round and commune (or former district), the share reaching 3★ with its
denominator, the products to re-evaluate in 2026 and the days from registration to decision;
JSON pages, Excel, the report pages and who may read them. On both databases."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import httpx
import openpyxl
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.catalog.models import Certificate, CertificateStatus, Product
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.models.results import DecisionLine, EvaluationDecision, EvaluationResult
from shop.geo.models import Place, PlaceEra, PlaceLevel
from tests import factories as f
from tests.evaluation import factories as ef
from tests.inventory.test_pos_pages import login

EN = {"Accept-Language": "en"}
S = RegistrationStatus
K = EvaluationKind
UTC = dt.UTC

# (round, commune, kind, status, registered on, decision: (stars, decided on) or None,
#  a council result: forwarded to the central level or not, or None)
R1 = [
    ("r1", "c1", K.first, S.decided, dt.date(2026, 2, 1), (5, dt.date(2026, 6, 1)), True),  # 120 days
    ("r1", "c1", K.upgrade, S.decided, dt.date(2026, 2, 11), (4, dt.date(2026, 6, 1)), False),  # 110
    ("r1", "c1", K.first, S.decided, dt.date(2026, 3, 3), (2, dt.date(2026, 6, 1)), False),  # 90
    ("r1", "c2", K.re_evaluation, S.decided, dt.date(2026, 1, 2), (3, dt.date(2026, 6, 1)), False),  # 150
    ("r1", "c2", K.first, S.submitted, dt.date(2026, 3, 1), None, None),
    ("r1", "c2", K.first, S.draft, dt.date(2026, 3, 2), None, None),
    ("r1", "c2", K.first, S.withdrawn, dt.date(2026, 3, 2), None, None),
    ("r1", "c1", K.first, S.ranked, dt.date(2026, 3, 4), None, False),
]
R2 = [
    ("r2", "c1", K.first, S.decided, dt.date(2026, 7, 1), (3, dt.date(2026, 10, 10)), False),  # 101
    ("r2", None, K.re_evaluation, S.reviewed, dt.date(2026, 7, 2), None, None),
    ("r2", "c2", K.upgrade, S.returned, dt.date(2026, 7, 3), None, None),
]
R0 = [("r0", "c1", K.first, S.decided, dt.date(2025, 7, 1), (4, dt.date(2025, 10, 1)), False)]


async def _places(session: AsyncSession) -> dict[str, Place]:
    communes = (
        await session.scalars(
            sa.select(Place)
            .where(Place.era == PlaceEra.current, Place.level == PlaceLevel.commune)
            .order_by(Place.name)
            .limit(2)
        )
    ).all()
    district = await session.scalar(
        sa.select(Place).where(Place.era == PlaceEra.legacy, Place.level == PlaceLevel.district).limit(1)
    )
    assert len(communes) == 2 and district is not None
    return {"c1": communes[0], "c2": communes[1], "d": district}


async def _product(session: AsyncSession, places: dict[str, Place], commune: str | None) -> Product:
    item = await f.product(session)
    values: dict[str, Any] = {
        "origin_commune_id": places[commune].id if commune else None,
        # The former district: only c1's products have one.
        "legacy_district_id": places["d"].id if commune == "c1" else None,
    }
    await session.execute(sa.update(Product).where(Product.id == item.id).values(**values))
    return item


async def _register(
    session: AsyncSession,
    rounds: dict[str, EvaluationRound],
    sheet: Any,
    item: Product,
    spec: tuple[Any, ...],
    decisions: dict[tuple[str, dt.date], EvaluationDecision],
) -> None:
    """One line of the tables above: the registration, its council result and its decision."""
    key, _, kind, status, on, decided, forwarded = spec
    reg = await ef.registration(session, rounds[key], sheet, item, kind=kind, status=status)
    reg.created_at = dt.datetime.combine(on, dt.time(3), tzinfo=UTC)  # 10:00 in Vietnam
    if status is not S.draft:
        reg.submitted_at = reg.created_at + dt.timedelta(days=5)
    if status in (S.decided, S.ranked, S.reviewed):
        reg.accepted_at = reg.created_at + dt.timedelta(days=9)
    if forwarded is not None:
        stars = decided[0] if decided else 3
        session.add(
            EvaluationResult(
                registration_id=reg.id,
                mean_hundredths=9100 if forwarded else 6000,
                spread=2,
                part_a_hundredths=3000,
                part_b_hundredths=2000,
                part_c_hundredths=1000,
                band_stars=stars,
                stars=min(stars, 4),
                forwarded_central=forwarded,
            )
        )
    if decided:
        stars, decided_on = decided
        decision = decisions.get((key, decided_on))
        if decision is None:
            decision = EvaluationDecision(
                round_id=rounds[key].id,
                number=f"{len(decisions) + 1}/QĐ-UBND",
                decided_on=decided_on,
                signer="Nguyễn Văn An",
                issuer="UBND tỉnh",
            )
            session.add(decision)
            await session.flush()
            decisions[key, decided_on] = decision
        session.add(DecisionLine(decision_id=decision.id, registration_id=reg.id, stars=stars))
    await session.flush()


async def _world(session: AsyncSession) -> dict[str, Any]:
    """Rounds 1 and 2 of 2026 and round 1 of 2025 (see the tables above), and certificates
    ending in 2026: p1 (re-evaluated in round 1, decided, its renewal certified), p2 (not
    registered), p3 (in round 2, reviewed), p6 (withdrawn in round 1); p4 ends in 2027 and p5
    was revoked."""
    places = await _places(session)
    sheet = await ef.sheet(session)
    rounds = {
        "r0": await ef.round_(session, year=2025, number=1, status=RoundStatus.decided),
        "r1": await ef.round_(session, year=2026, number=1, status=RoundStatus.decided),
        "r2": await ef.round_(session, year=2026, number=2, status=RoundStatus.decided),
    }
    decisions: dict[tuple[str, dt.date], EvaluationDecision] = {}
    products: dict[str, Product] = {}
    for i, spec in enumerate([*R1, *R2, *R0]):
        item = await _product(session, places, spec[1])
        named = {("r1", 3): "p1", ("r1", 6): "p6", ("r2", 9): "p3"}.get((spec[0], i))
        if named:
            products[named] = item
        await _register(session, rounds, sheet, item, spec, decisions)

    async def cert(item: Product, stars: int, decided: dt.date, until: dt.date, **kw: Any) -> None:
        await f.certificate(
            session,
            item,
            stars,
            decision_date=decided,
            valid_from=decided,
            valid_until=until,
            today=decided,
            **kw,
        )

    await cert(products["p1"], 3, dt.date(2023, 5, 1), dt.date(2026, 4, 30))
    await cert(products["p1"], 3, dt.date(2026, 6, 1), dt.date(2029, 5, 31))  # the renewal
    products["p2"] = await _product(session, places, "c2")
    await cert(products["p2"], 4, dt.date(2023, 9, 1), dt.date(2026, 8, 31))
    await cert(products["p3"], 3, dt.date(2023, 12, 20), dt.date(2026, 12, 19))
    products["p4"] = await _product(session, places, "c1")
    await cert(products["p4"], 3, dt.date(2024, 3, 1), dt.date(2027, 2, 28))
    await cert(products["p6"], 5, dt.date(2023, 8, 1), dt.date(2026, 7, 31))
    products["p5"] = await _product(session, places, "c1")
    await cert(products["p5"], 3, dt.date(2023, 4, 1), dt.date(2026, 3, 31))
    await session.execute(
        sa.update(Certificate)
        .where(Certificate.product_id == products["p5"].id)
        .values(status=CertificateStatus.revoked, revoked_on=dt.date(2024, 1, 5), revocation_reason="Vi phạm")
    )
    await f.user(session, Role.admin, username="office1")
    await f.location(session, code="SP-EV")
    await f.user(session, Role.staff, username="staff1", location_codes=["SP-EV"])
    await f.user(session, Role.cooperative, username="coop1", producer_code=(await f.producer(session)).code)
    province = await session.scalar(sa.select(Place.name).where(Place.id == rounds["r1"].province_id))
    await session.commit()
    return {
        "places": places,
        "products": products,
        # In the rows (the rounds are of one province); in titles and the re-evaluation list:
        "r0": "Round 1, 2025",
        "r1": "Round 1, 2026",
        "r2": "Round 2, 2026",
        "r1 full": f"{province} 2026, round 1",
        "r2 full": f"{province} 2026, round 2",
        "ids": {k: r.id for k, r in rounds.items()},
    }


async def _get(client: httpx.AsyncClient, headers: dict[str, str], path: str) -> dict[str, Any]:
    response = await client.get(path, headers={**headers, **EN})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_registrations_and_results_per_round_and_area(client: httpx.AsyncClient, session: AsyncSession):
    w = await _world(session)
    c1, c2 = w["places"]["c1"].name, w["places"]["c2"].name
    admin = await f.bearer(client, "office1")
    body = await _get(client, admin, "/api/v1/reports/evaluation-rounds?year=2026&page_size=100")
    assert set(body) == {"key", "title", "summary", "columns", "items", "total", "page", "page_size"}
    assert body["key"] == "evaluation-rounds-2026"
    assert body["columns"] == [
        "Round", "Commune", "Registered", "First evaluation", "Upgrade", "Re-evaluation", "Submitted",
        "Dossier accepted", "Scored", "Decided", "5★", "4★", "3★", "Below 3★",
        "Forwarded to the central level", "Withdrawn",
    ]  # fmt: skip
    r1, r2 = w["r1"], w["r2"]
    assert body["items"] == [
        [r1, c1, 4, 3, 1, 0, 4, 4, 4, 3, 1, 1, 0, 1, 1, 0],
        [r1, c2, 3, 2, 0, 1, 2, 1, 1, 1, 0, 0, 1, 0, 0, 1],
        [r1, "All areas", 7, 5, 1, 1, 6, 5, 5, 4, 1, 1, 1, 1, 1, 1],
        [r2, c1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0],
        [r2, c2, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [r2, "—", 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0],
        [r2, "All areas", 3, 1, 1, 1, 3, 2, 1, 1, 0, 0, 1, 0, 0, 0],
        ["Total", "All areas", 10, 6, 2, 2, 9, 7, 6, 5, 1, 1, 2, 1, 1, 1],
    ]
    assert body["total"] == 8
    assert body["summary"] == (
        "10 products registered: 5 decided, 4 reached 3★ or more, 1 forwarded to the central level."
    )
    # By former district: only round 1's c1 products have one; one round chosen; another year.
    by_district = await _get(
        client, admin, f"/api/v1/reports/evaluation-rounds?round={w['ids']['r1']}&area=district"
    )
    assert by_district["columns"][1] == "Former district"
    assert [row[1:4] for row in by_district["items"]] == [
        [w["places"]["d"].name, 4, 3],
        ["—", 3, 2],  # c2's products
        ["All areas", 7, 5],
    ]
    one_place = await _get(
        client, admin, f"/api/v1/reports/evaluation-rounds?year=2026&place={w['places']['c2'].id}"
    )
    assert [row[:3] for row in one_place["items"]] == [
        [r1, c2, 3],
        [r1, "All areas", 3],
        [r2, c2, 1],
        [r2, "All areas", 1],
        ["Total", "All areas", 4],
    ]
    last_year = await _get(client, admin, "/api/v1/reports/evaluation-rounds?year=2025")
    assert last_year["items"] == [
        [w["r0"], c1, 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0],
        [w["r0"], "All areas", 1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0],
    ]
    # A round of 2025 asked with the year 2026 (the year changed on the form): the year wins.
    mixed = await _get(client, admin, f"/api/v1/reports/evaluation-rounds?year=2026&round={w['ids']['r0']}")
    assert mixed["items"][-1][0] == "Total"


async def test_share_reaching_three_stars_with_its_denominator(
    client: httpx.AsyncClient, session: AsyncSession
):
    w = await _world(session)
    c1, c2 = w["places"]["c1"].name, w["places"]["c2"].name
    admin = await f.bearer(client, "office1")
    body = await _get(client, admin, "/api/v1/reports/evaluation-3-star-share?year=2026")
    assert body["columns"] == [
        "Round", "Commune", "Registered", "Decided", "3★ or more", "Below 3★",
        "Share of registered (%)", "Share of decided (%)", "Short of the target",
    ]  # fmt: skip
    r1, r2 = w["r1"], w["r2"]
    assert body["items"] == [
        [r1, c1, 4, 3, 2, 1, 50.0, 66.7, 1],
        [r1, c2, 3, 1, 1, 0, 33.3, 100.0, 2],
        [r1, "All areas", 7, 4, 3, 1, 42.9, 75.0, 2],
        [r2, c1, 1, 1, 1, 0, 100.0, 100.0, 0],
        [r2, c2, 1, 0, 0, 0, 0.0, None, 1],
        [r2, "—", 1, 0, 0, 0, 0.0, None, 1],
        [r2, "All areas", 3, 1, 1, 0, 33.3, 100.0, 2],
        ["Total", "All areas", 10, 5, 4, 1, 40.0, 80.0, 3],
    ]
    assert body["summary"] == "4 of 10 registered products reached 3★ or more (40 %); the target is 70 %."
    lower = await _get(client, admin, "/api/v1/reports/evaluation-3-star-share?year=2026&target=40")
    assert lower["items"][-1][-1] == 0 and lower["summary"].endswith("the target is 40 %.")
    vi = (await client.get("/api/v1/reports/evaluation-3-star-share?year=2026", headers=admin)).json()
    assert vi["summary"].startswith("4/10 sản phẩm đăng ký") and "70\u00a0%" in vi["summary"]


async def test_products_to_re_evaluate_this_year(client: httpx.AsyncClient, session: AsyncSession):
    w = await _world(session)
    p = w["products"]
    c2 = w["places"]["c2"].name
    admin = await f.bearer(client, "office1")
    body = await _get(client, admin, "/api/v1/reports/re-evaluations-due?year=2026")
    assert body["columns"] == [
        "Certificate ends", "Product", "Producer", "Stars", "Commune", "Registered in", "Kind", "Status",
    ]  # fmt: skip
    rows = [[r[0], r[1], r[3], r[4], r[5], r[6], r[7]] for r in body["items"]]
    assert rows == [
        ["2026-04-30", p["p1"].name, 3, c2, w["r1 full"], "Re-evaluation", "Decided"],
        ["2026-07-31", p["p6"].name, 5, c2, w["r1 full"], "First evaluation", "Withdrawn"],
        ["2026-08-31", p["p2"].name, 4, c2, None, None, "Not registered yet"],
        ["2026-12-19", p["p3"].name, 3, "—", w["r2 full"], "Re-evaluation", "Reviewed by the advisory group"],
    ]
    assert body["summary"] == (
        "4 products' certificates end in 2026: 1 decided again, 1 being evaluated, 2 not registered yet."
    )
    next_year = await _get(client, admin, "/api/v1/reports/re-evaluations-due?year=2027")
    assert [r[1] for r in next_year["items"]] == [p["p4"].name]
    only_c2 = await _get(
        client, admin, f"/api/v1/reports/re-evaluations-due?year=2026&place={w['places']['c2'].id}"
    )
    assert len(only_c2["items"]) == 3


async def test_days_from_registration_to_decision(client: httpx.AsyncClient, session: AsyncSession):
    w = await _world(session)
    admin = await f.bearer(client, "office1")
    body = await _get(client, admin, "/api/v1/reports/evaluation-duration?year=2026")
    assert body["columns"] == [
        "Round", "Decided", "Median (days)", "90th percentile (days)", "Shortest (days)", "Longest (days)",
    ]  # fmt: skip
    assert body["items"] == [
        [w["r1"], 4, 115.0, 150, 90, 150],
        [w["r2"], 1, 101.0, 101, 101, 101],
        ["All rounds", 5, 110.0, 150, 90, 150],
    ]
    assert body["summary"] == (
        "5 registrations decided: 110 days from registration to decision at the median, "
        "150 days for nine in ten."
    )
    one = await _get(client, admin, f"/api/v1/reports/evaluation-duration?round={w['ids']['r2']}")
    assert one["items"] == [[w["r2"], 1, 101.0, 101, 101, 101]]
    assert one["title"] == f"Days from registration to decision, {w['r2 full']}"


async def test_excel_pages_roles_and_bad_input(client: httpx.AsyncClient, session: AsyncSession):
    w = await _world(session)
    admin = await f.bearer(client, "office1")
    names = ["evaluation-rounds", "evaluation-3-star-share", "re-evaluations-due", "evaluation-duration"]
    listed = (await client.get("/api/v1/reports/?page_size=100", headers=admin)).json()["items"]
    assert set(names) <= set(listed)
    as_xlsx = await client.get(
        "/api/v1/reports/evaluation-3-star-share?year=2026&format=xlsx", headers={**admin, **EN}
    )
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Registered products reaching 3★, 2026"
    assert ("Total", "All areas", 10, 5, 4, 1, 40.0, 80.0, 3) in values
    due = await client.get("/api/v1/reports/re-evaluations-due?year=2026&format=xlsx", headers=admin)
    due_rows = list(openpyxl.load_workbook(io.BytesIO(due.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert sum(1 for row in due_rows if isinstance(row[0], dt.datetime)) == 4

    for bad in ("year=abc", "year=1999", "area=ward", "round=-1", "target=0", "place=x"):
        refused = await client.get(f"/api/v1/reports/evaluation-rounds?{bad}", headers=admin)
        assert refused.status_code in (400, 422), (bad, refused.status_code)
        assert refused.headers["content-type"].startswith("application/problem+json")

    for who, status in (("staff1", 403), ("coop1", 403)):
        token = await f.bearer(client, who)
        for name in names:
            assert (await client.get(f"/api/v1/reports/{name}", headers=token)).status_code == status
    assert (await client.get("/api/v1/reports/evaluation-rounds")).status_code == 401

    await login(client, "coop1", lang="en")
    assert (await client.get("/reports/evaluation-rounds")).status_code in (302, 303, 403)
    await login(client, "office1", lang="en")
    page = await client.get(f"/reports/evaluation-rounds?year=2026&round={w['ids']['r1']}")
    assert page.status_code == 200
    assert 'aria-current="page">By round and area' in page.text
    assert f'<option value="{w["ids"]["r1"]}" selected>' in page.text
    assert "Download Excel" in page.text and 'href="/office/evaluation/"' in page.text
    for name in names:
        assert (await client.get(f"/reports/{name}?year=2026")).status_code == 200
    bad_page = await client.get("/reports/evaluation-rounds?year=abc")
    assert bad_page.status_code in (400, 422) and "Traceback" not in bad_page.text
    dashboard = await client.get("/reports/")
    assert 'href="/reports/re-evaluations-due"' in dashboard.text
