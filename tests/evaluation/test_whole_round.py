"""A whole evaluation round, as issue 18 asks for it, on SQLite and PostgreSQL, through
/api/v1/evaluation/… with each person's own account, then what the public sees.

Two cooperatives register three products in an open round and submit their dossiers; the
office accepts them, the commune confirms, the advisory group reviews. A council of four
scores: the result waits for the quorum with the chair, a member 12 points away blocks it
until re-scored. One product reaches 4★ (an upgrade from 3★), one is refused despite 62
points (a criterion mandatory for 3★ missed), one at 91 points waits for the central level.
The decision makes exactly the certificates and the failure it lists, again changes nothing,
and the storefront page, its listing, the till's product list and the trace page show the
new stars at once, although each was read (and cached) before. Then ``ocop jobs run`` opens
the re-evaluation of the 4★ product in the round of the year its certificate ends, its
dossier the decided one with today's sales.

A renewal decided while the running certificate still runs waits, scheduled, and comes into
force through the jobs on its first day, when the pages show it."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop import jobs
from shop.accounts.models import Role
from shop.catalog import cache
from shop.catalog.models import Certificate, CertificateStatus, FailedEvaluation, Product
from shop.catalog.sellability import today
from shop.db import Database
from shop.evaluation import councils, decisions, results
from shop.evaluation.council_schemas import DecisionIn
from shop.evaluation.models.registrations import DossierAnswer, EvaluationKind, Registration, RoundStatus
from shop.evaluation.models.results import DecisionLine
from shop.evaluation.models.scoring import MemberRole
from shop.settings import Settings
from tests import factories as f
from tests.evaluation import factories as ef
from tests.inventory.support import receipt_body
from tests.till.support import cash, line, sale

API = "/api/v1/evaluation"
# Points per criterion of the tiny sheet (tests/evaluation/factories.py).
SHORT = {"A.1": 5, "A.2": 30, "B.1": 20, "C.1": 0, "C.2": 7}  # 62 points, C.1 (mandatory for 3★) at 0
STARS = re.compile(r'<p class="stars"[^>]*>(★+)')


def _stars_on(html: str, name: str | None = None) -> int | None:
    """The stars shown on a page (on the card naming ``name`` in a listing)."""
    if name is not None:
        title = f">{name}</a></h3>"
        if title not in html:
            return None
        start = html.index(title)
        html = html[html.rfind("<article", 0, start) : html.find("</article>", start)]
    found = STARS.search(html)
    return len(found.group(1)) if found else None


async def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, (answer.request.method, answer.request.url, answer.text)
    return answer.json() if answer.content else None


async def _counts(session: AsyncSession) -> tuple[int, ...]:
    found = tuple(
        [
            await session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (Certificate, FailedEvaluation, DecisionLine)
        ]
    )
    await session.commit()  # ends the read: SQLite lets the app write again
    return found


async def _till_stars(client: httpx.AsyncClient, staff: dict[str, str], product_id: int) -> int | None:
    listed = await _ok(await client.get("/api/v1/sales-points/SP-R/till/products", headers=staff))
    return next(p["stars"] for p in listed["items"] if p["id"] == product_id)


async def _public(client: httpx.AsyncClient, item: Product) -> dict[str, int | None]:
    """The stars the storefront page, its listing and the trace page show (anonymous)."""
    page = await client.get(f"/products/{item.slug}")
    listing = await client.get("/products", params={"q": item.name})
    trace = await client.get(f"/t/{item.trace_code}")
    for answer in (page, listing, trace):
        assert answer.status_code == 200, (answer.request.url, answer.text[:300])
    return {
        "page": _stars_on(page.text),
        "listing": _stars_on(listing.text, item.name),
        "trace": _stars_on(trace.text),
    }


async def test_a_whole_round_from_registration_to_what_the_storefront_the_till_and_trace_show(
    session: AsyncSession, client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    on = today()
    # -- the world: two cooperatives, three products, a sales point selling the first --
    maker, other = await f.producer(session, email="htx.a@example.vn"), await f.producer(session)
    upgraded = await f.product(session, maker, name="Miến dong Bằng Phúc")
    refused = await f.product(session, maker, name="Tương ớt Chợ Mới")
    best = await f.product(session, other, name="Chè Shan tuyết Tân Cương")
    await f.certificate(session, upgraded, 3, decision_date=on - dt.timedelta(days=400), today=on)
    criteria = await ef.sheet(session)
    await f.location(session, code="SP-R", name="Điểm bán OCOP Bắc Kạn")
    manager = await f.user(session, Role.manager, location_codes=["SP-R"])
    staff_name = await f.user(session, Role.staff, location_codes=["SP-R"])
    coop_a = await f.user(session, Role.cooperative, producer_code=maker.code)
    coop_b = await f.user(session, Role.cooperative, producer_code=other.code)
    council_names = [await f.user(session, Role.admin) for _ in range(5)]  # four members, one outsider
    council_ids = [await ef.user_id(session, name) for name in council_names]
    office = await f.admin_headers(session, client)  # commits
    a, b = await f.bearer(client, coop_a), await f.bearer(client, coop_b)
    staff = await f.bearer(client, staff_name)
    received = receipt_body(upgraded.id, 10, producer=maker.code)
    await _ok(
        await client.post(
            "/api/v1/sales-points/SP-R/receipts", json=received, headers=await f.bearer(client, manager)
        ),
        201,
    )
    shift = {"opening_float": 200_000}
    await _ok(await client.post("/api/v1/sales-points/SP-R/shifts", json=shift, headers=staff), 201)
    three = sale([line(upgraded.id, 3)], [cash(3 * upgraded.price_vnd)])
    await _ok(await client.post("/api/v1/sales-points/SP-R/sales", json=three, headers=staff), 201)

    # What the public sees before the round, read once so that any cache holds it.
    assert await _public(client, upgraded) == {"page": 3, "listing": 3, "trace": 3}
    assert await _till_stars(client, staff, upgraded.id) == 3
    assert (await client.get(f"/products/{best.slug}")).status_code in (200, 404)

    # -- the office opens the round; the cooperatives register and build their dossiers --
    opened = await _ok(
        await client.post(
            f"{API}/rounds",
            json={
                "province_id": upgraded.origin_province_id,
                "year": on.year,
                "number": 1,
                "registration_until": (on + dt.timedelta(days=5)).isoformat(),
                "dossier_until": (on + dt.timedelta(days=15)).isoformat(),
                "scoring_until": (on + dt.timedelta(days=40)).isoformat(),
            },
            headers=office,
        ),
        201,
    )
    round_id = opened["id"]
    details = {}
    for item, coop in ((upgraded, a), (refused, a), (best, b)):
        body = {"round_id": round_id, "product_id": item.id, "product_set": criteria.product_set}
        details[item.id] = await _ok(await client.post(f"{API}/registrations", json=body, headers=coop), 201)
    reg = {item_id: d["registration"]["id"] for item_id, d in details.items()}
    assert details[upgraded.id]["registration"]["kind"] == EvaluationKind.upgrade.value
    assert details[best.id]["registration"]["kind"] == EvaluationKind.first.value

    # Scoping: a producer reads and lists only its own dossiers.
    assert (await client.get(f"{API}/registrations/{reg[upgraded.id]}", headers=b)).status_code == 404
    assert (await client.get(f"{API}/registrations/{reg[best.id]}", headers=a)).status_code == 404
    mine = await _ok(await client.get(f"{API}/registrations", headers=a))
    assert sorted(r["id"] for r in mine["items"]) == sorted([reg[upgraded.id], reg[refused.id]])

    for item, coop in ((upgraded, a), (refused, a), (best, b)):
        detail, path = details[item.id], f"{API}/registrations/{reg[item.id]}"
        answers = [
            {
                "criterion_id": ans["criterion_id"],
                "option_id": ans["options"][-1]["id"],
                "note": f"Tự đánh giá {ans['code']}",
                "links": [{"kind": "sales"}] if ans["code"] == "B.1" else [],
            }
            for ans in detail["answers"]
        ]
        saved = await _ok(await client.patch(f"{path}/answers", json={"answers": answers}, headers=coop))
        if item is upgraded:
            assert saved["figures"]["till_units"] == 3  # the sale at SP-R, linked as evidence
        await _ok(await client.post(f"{path}/submit", headers=coop))
        await _ok(await client.post(f"{path}/accept", headers=office))
        check = {
            "product_origin": True,
            "raw_material_origin": True,
            "local_labour": True,
            "idea_origin": True,
        }
        await _ok(await client.post(f"{path}/commune-check", json=check, headers=office))
        review = {"note": "Hồ sơ đầy đủ, mẫu đạt", "inspected_on": on.isoformat()}
        reviewed = await _ok(await client.post(f"{path}/review", json=review, headers=office))
        assert reviewed["registration"]["status"] == "reviewed"
    await _ok(
        await client.post(f"{API}/rounds/{round_id}/status", json={"status": "scoring"}, headers=office)
    )

    # -- the council: a chair, a secretary and two members; an outsider on another council --
    roles = ("chair", "secretary", "member", "member")
    members = [{"user_id": uid, "role": role} for uid, role in zip(council_ids, roles, strict=False)]
    council = await _ok(
        await client.post(
            f"{API}/councils",
            json={"round_id": round_id, "name": "Hội đồng OCOP tỉnh", "members": members},
            headers=office,
        ),
        201,
    )
    given = await _ok(
        await client.post(
            f"{API}/councils/{council['id']}/assignments",
            json={"registration_ids": list(reg.values())},
            headers=office,
        )
    )
    assert given["quorum"] == 3
    outsider = {
        "round_id": round_id,
        "name": "Hội đồng khác",
        "members": [{"user_id": council_ids[4], "role": "chair"}],
    }
    await _ok(await client.post(f"{API}/councils", json=outsider, headers=office), 201)
    chair, secretary, member, far, stranger = [await f.bearer(client, n) for n in council_names]

    criteria_view = await _ok(
        await client.get(f"{API}/registrations/{reg[upgraded.id]}/score-sheets/criteria", headers=chair)
    )
    option = {(c["code"], o["points"]): o["id"] for c in criteria_view["criteria"] for o in c["options"]}
    by_code = {c["code"]: c["id"] for c in criteria_view["criteria"]}

    async def score(item: Product, headers: dict[str, str], points: dict[str, int]) -> None:
        base = f"{API}/registrations/{reg[item.id]}/score-sheets"
        lines = [
            {"criterion_id": by_code[code], "option_id": option[(code, p)], "comment": None}
            for code, p in points.items()
        ]
        saved = await _ok(await client.put(f"{base}/current", json={"lines": lines}, headers=headers))
        assert saved["total"] == sum(points.values()) and saved["missing"] == []
        await _ok(await client.post(f"{base}/current/sign", headers=headers))

    # Scoping: the other council's member reads nothing of these products.
    for item in (upgraded, refused, best):
        for path in ("/score-sheets", "/score-sheets/criteria"):
            answer = await client.get(f"{API}/registrations/{reg[item.id]}{path}", headers=stranger)
            assert answer.status_code == 404, (item.name, path)

    # The upgraded product: three members sign, without the chair: no quorum.
    result_path = f"{API}/registrations/{reg[upgraded.id]}/result"
    await score(upgraded, secretary, ef.split(75))
    await score(upgraded, member, ef.split(74))
    await score(upgraded, far, ef.split(64))
    waiting = await client.post(result_path, headers=office)
    assert waiting.status_code == 409 and waiting.json()["code"] == "quorum_not_reached"
    # The chair signs 76: 12 points from the far member; the result stays blocked.
    await score(upgraded, chair, ef.split(76))
    blocked = await _ok(await client.get(result_path, headers=office))
    assert (blocked["standing"], blocked["spread"]) == ("blocked", 12)
    spread = await client.post(result_path, headers=office)
    assert spread.status_code == 409 and spread.json()["code"] == "spread_too_wide"
    # The council discusses; the member corrects the sheet (a new version) and re-scores.
    fix = {"reason": "Hội đồng thảo luận, chấm lại tiêu chí A.2"}
    base = f"{API}/registrations/{reg[upgraded.id]}/score-sheets"
    assert (await _ok(await client.post(f"{base}/corrections", json=fix, headers=far), 201))["version"] == 2
    await score(upgraded, far, ef.split(75))
    ranked = await _ok(await client.post(result_path, headers=office))
    assert (ranked["mean_hundredths"], ranked["spread"], ranked["stars"]) == (7500, 2, 4)

    # 62 points from the three who sign, C.1 left at 0: below 3★, whatever the band.
    for headers in (chair, secretary, member):
        await score(refused, headers, SHORT)
    short = await _ok(await client.post(f"{API}/registrations/{reg[refused.id]}/result", headers=office))
    assert (short["mean_hundredths"], short["band_stars"], short["stars"]) == (6200, 3, 2)
    assert short["failed_mandatory"] == ["C.1 (3★)"]

    # 91 points: forwarded to the central level.
    for headers, total in ((chair, 91), (secretary, 92), (member, 90)):
        await score(best, headers, ef.split(total))
    forwarded = await _ok(await client.post(f"{API}/registrations/{reg[best.id]}/result", headers=office))
    assert (forwarded["mean_hundredths"], forwarded["forwarded_central"], forwarded["final_stars"]) == (
        9100,
        True,
        None,
    )

    # -- the decision --
    decision = {
        "round_id": round_id,
        "number": "1114/QĐ-UBND",
        "decided_on": on.isoformat(),
        "signer": "Nguyễn Văn An, Phó Chủ tịch",
        "issuer": "UBND tỉnh Bắc Kạn",
        "registration_ids": [reg[upgraded.id], reg[refused.id], reg[best.id]],
    }
    early = await client.post(f"{API}/decisions/preview", json=decision, headers=office)
    assert early.status_code == 409 and early.json()["errors"][0]["field"] == "registration_ids[2]"
    central = {"outcome": "recognised", "reference": "245/QĐ-BNNMT", "decided_on": on.isoformat()}
    answer = await _ok(
        await client.post(f"{API}/registrations/{reg[best.id]}/result/central", json=central, headers=office)
    )
    assert answer["final_stars"] == 5
    before = await _counts(session)
    issued = await _ok(await client.post(f"{API}/decisions", json=decision, headers=office), 201)
    assert [(ln["registration_id"], ln["stars"]) for ln in issued["lines"]] == [
        (reg[upgraded.id], 4),
        (reg[refused.id], 2),
        (reg[best.id], 5),
    ] or sorted(ln["stars"] for ln in issued["lines"]) == [2, 4, 5]
    after = await _counts(session)
    assert after == (before[0] + 2, before[1] + 1, before[2] + 3)
    again = await _ok(await client.post(f"{API}/decisions", json=decision, headers=office))
    assert again["lines"] == issued["lines"] and await _counts(session) == after

    certs = (
        await session.execute(
            sa.select(Certificate.product_id, Certificate.stars, Certificate.status, Certificate.score).where(
                Certificate.decision_number == "1114/QĐ-UBND"
            )
        )
    ).all()
    assert sorted(certs) == sorted(
        [(upgraded.id, 4, CertificateStatus.active, 75), (best.id, 5, CertificateStatus.active, 91)]
    )
    failure = await session.scalar(
        sa.select(FailedEvaluation).where(FailedEvaluation.product_id == refused.id)
    )
    assert failure is not None and (failure.score, failure.stars) == (62, 2)
    await session.commit()

    # -- what the public and the till show, at once (every page was read, and cached, before) --
    assert await _public(client, upgraded) == {"page": 4, "listing": 4, "trace": 4}
    assert await _public(client, best) == {"page": 5, "listing": 5, "trace": 5}
    assert await _till_stars(client, staff, upgraded.id) == 4
    shown = await _ok(await client.get(f"/api/v1/products/{refused.id}"))
    assert shown["stars"] is None and shown["sellable"] is False

    # -- re-evaluation: the round of the year the 4★ certificate ends opens it, pre-filled --
    two = sale([line(upgraded.id, 2)], [cash(2 * upgraded.price_vnd)])
    await _ok(await client.post("/api/v1/sales-points/SP-R/sales", json=two, headers=staff), 201)
    until = await session.scalar(
        sa.select(Certificate.valid_until).where(
            Certificate.product_id == upgraded.id, Certificate.status == CertificateStatus.active
        )
    )
    assert until is not None
    later = await ef.round_(
        session,
        province_id=upgraded.origin_province_id,
        year=until.year,
        status=RoundStatus.open,
        registration_until=on + dt.timedelta(days=30),
        dossier_until=on + dt.timedelta(days=60),
        scoring_until=on + dt.timedelta(days=90),
    )
    later_id = later.id
    await session.commit()
    assert (await jobs.run_due(database, settings))["re-evaluations opened"] >= 1
    renewal_id = await session.scalar(
        sa.select(Registration.id).where(
            Registration.round_id == later_id, Registration.product_id == upgraded.id
        )
    )
    assert renewal_id is not None
    renewal = await _ok(await client.get(f"{API}/registrations/{renewal_id}", headers=a))
    assert renewal["registration"]["kind"] == "re_evaluation"
    assert [ans["note"] for ans in renewal["answers"]] == [f"Tự đánh giá {c}" for c in by_code]
    assert [ans["option_id"] for ans in renewal["answers"]] == [
        ans["options"][-1]["id"] for ans in renewal["answers"]
    ]
    assert renewal["figures"]["till_units"] == 5  # today's: 3 before the round, 2 since
    b1 = next(ans for ans in renewal["answers"] if ans["code"] == "B.1")
    stored = await session.scalar(
        sa.select(DossierAnswer.evidence).where(
            DossierAnswer.registration_id == renewal_id, DossierAnswer.criterion_id == b1["criterion_id"]
        )
    )
    assert [(e["kind"], e["till_units"]) for e in stored] == [("sales", 5)]
    await session.commit()
    assert (await client.get(f"{API}/registrations/{renewal_id}", headers=b)).status_code == 404


async def test_a_renewal_decided_early_comes_into_force_through_the_jobs_on_its_first_day(
    session: AsyncSession, client: httpx.AsyncClient, database: Database, settings: Settings
) -> None:
    """The running certificate ends yesterday; the renewal was decided and issued ten days
    ago, so it waited, scheduled, to start today: the jobs bring it into force and the pages,
    read before, show it."""
    on = today()
    item = await f.product(session, name="Gạo nếp vải Hoàng Trĩ")
    started = on - dt.timedelta(days=1000)
    running = await f.certificate(
        session,
        item,
        3,
        decision_date=started,
        valid_from=started,
        valid_until=on - dt.timedelta(days=1),
        today=on - dt.timedelta(days=10),
    )
    round_row = await ef.round_(session, province_id=item.origin_province_id)
    criteria = await ef.sheet(session)
    council, [(_, chair)] = await ef.council(session, round_row, (MemberRole.chair,))
    registration = await ef.registration(
        session, round_row, criteria, item, kind=EvaluationKind.re_evaluation
    )
    await councils.assign(session, council, [registration.id])
    await ef.scored(session, registration, chair, ef.split(80))
    await results.rank(session, registration)
    issued_on = on - dt.timedelta(days=10)
    data = DecisionIn(
        round_id=round_row.id,
        number="52/QĐ-UBND",
        decided_on=on - dt.timedelta(days=12),
        signer="Nguyễn Văn An",
        issuer="UBND tỉnh Bắc Kạn",
        registration_ids=[registration.id],
    )
    await decisions.issue(session, data, today=issued_on)
    await cache.commit(session)
    renewed = await session.scalar(sa.select(Certificate).where(Certificate.decision_number == "52/QĐ-UBND"))
    assert renewed is not None
    assert (renewed.valid_from, renewed.status) == (on, CertificateStatus.scheduled)
    assert running.valid_until == on - dt.timedelta(days=1)
    assert await session.scalar(sa.select(Product.stars).where(Product.id == item.id)) == 3
    await session.commit()
    # Until the jobs run (every minute in the app), yesterday's end shows: no stars, not on sale.
    assert await _public(client, item) == {"page": None, "listing": None, "trace": None}

    done = await jobs.run_due(database, settings)
    assert done["certificates come into force"] == 1
    await session.refresh(renewed)
    await session.refresh(running)
    assert renewed.status is CertificateStatus.active and running.status is CertificateStatus.superseded
    await session.commit()
    assert await _public(client, item) == {"page": 4, "listing": 4, "trace": 4}
    shown = await _ok(await client.get(f"/api/v1/products/{item.id}"))
    assert (shown["stars"], shown["sellable"]) == (4, True)
