"""The province's decision turns the council's results into certificates and recorded
failures, once; the producers are told; the annex prints. On both databases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from shop.catalog.models import Certificate, CertificateStatus, CouncilLevel, FailedEvaluation, Product
from shop.catalog.sellability import today
from shop.errors import Conflict
from shop.evaluation import councils, decisions, results
from shop.evaluation.council_schemas import CentralIn, DecisionIn
from shop.evaluation.models.registrations import EvaluationKind, RegistrationStatus
from shop.evaluation.models.results import CentralOutcome, DecisionLine
from shop.evaluation.models.scoring import MemberRole
from shop.mail.models import OutgoingEmail
from tests import factories as f
from tests.evaluation import factories as ef

TODAY = f.TODAY
DECIDED = TODAY - dt.timedelta(days=3)
ROLES = (MemberRole.chair, MemberRole.secretary, MemberRole.member)
SHORT = {"A.1": 5, "A.2": 30, "B.1": 20, "C.1": 0, "C.2": 7}  # 62 points, C.1 (3★) missed


async def _three_products(session, **product_kw):
    """A round's three products ranked by a council of three: 75 points (4★), 62 points
    missing a 3★ mandatory criterion (2★), 91 points (forwarded to the central level)."""
    round_row = await ef.round_(session)
    criteria = await ef.sheet(session)
    council, seats = await ef.council(session, round_row, ROLES)
    maker = await f.producer(session, email="htx@example.vn")
    regs = [
        await ef.registration(session, round_row, criteria, await f.product(session, maker, **product_kw))
        for _ in range(3)
    ]
    await councils.assign(session, council, [r.id for r in regs])
    good, short, best = regs
    comments = {"C.1": "Cần bổ sung phiếu kiểm nghiệm định kỳ", "B.1": "Câu chuyện sản phẩm rõ ràng"}
    for (_, member), total in zip(seats, (76, 75, 74), strict=True):
        await ef.scored(session, good, member, ef.split(total), comments=comments)
    for _, member in seats:
        await ef.scored(session, short, member, SHORT)
    for (_, member), total in zip(seats, (91, 92, 90), strict=True):
        await ef.scored(session, best, member, ef.split(total))
    for reg in regs:
        await results.rank(session, reg)
    return round_row, regs


def _decision(round_row, regs, number="1114/QĐ-UBND", decided_on=DECIDED):
    return DecisionIn(
        round_id=round_row.id,
        number=number,
        decided_on=decided_on,
        signer="Nguyễn Văn An, Phó Chủ tịch",
        issuer="UBND tỉnh Bắc Kạn",
        registration_ids=[r.id for r in regs],
    )


async def _stars(session, product_id):
    return await session.scalar(sa.select(Product.stars).where(Product.id == product_id))


async def _counts(session):
    return tuple(
        [
            await session.scalar(sa.select(sa.func.count()).select_from(table))
            for table in (Certificate, FailedEvaluation, DecisionLine, OutgoingEmail)
        ]
    )


async def test_the_decision_makes_exactly_the_certificates_and_failures_it_lists(session):
    round_row, (good, short, best) = await _three_products(session)
    before = await _counts(session)
    issued = await decisions.issue(session, _decision(round_row, [good, short]), today=TODAY)
    assert len(issued.made) == 2
    cert = await session.scalar(sa.select(Certificate).where(Certificate.product_id == good.product_id))
    assert (cert.stars, cert.score, cert.score_a, cert.score_b, cert.score_c) == (4, 75, 40, 15, 20)
    assert (cert.council_level, cert.decision_number, cert.decision_date) == (
        CouncilLevel.province,
        "1114/QĐ-UBND",
        DECIDED,
    )
    assert (cert.valid_from, cert.status, cert.criteria_version) == (
        DECIDED,
        CertificateStatus.active,
        "148/2023",
    )
    assert await _stars(session, good.product_id) == 4
    failure = await session.scalar(
        sa.select(FailedEvaluation).where(FailedEvaluation.product_id == short.product_id)
    )
    assert (failure.stars, failure.score, failure.evaluated_on) == (2, 62, DECIDED)
    assert "C.1 (3★)" in failure.note
    assert (
        await session.scalar(sa.select(Certificate.id).where(Certificate.product_id == short.product_id))
        is None
    )
    lines = {line.registration_id: line for line in issued.made}
    assert lines[good.id].certificate_id == cert.id and lines[short.id].failed_evaluation_id == failure.id
    assert good.status is short.status is RegistrationStatus.decided
    assert best.status is RegistrationStatus.ranked
    certs, failures, made, emails = await _counts(session)
    assert (certs, failures, made, emails) == (before[0] + 1, before[1] + 1, before[2] + 2, before[3] + 2)


async def test_issuing_the_same_decision_again_changes_nothing(session):
    round_row, (good, short, _) = await _three_products(session)
    await decisions.issue(session, _decision(round_row, [good, short]), today=TODAY)
    after_first = await _counts(session)
    again = await decisions.issue(session, _decision(round_row, [short, good]), today=TODAY)
    assert again.made == [] and await _counts(session) == after_first
    with pytest.raises(Conflict) as refused:
        await decisions.issue(
            session, _decision(round_row, [good], decided_on=DECIDED - dt.timedelta(days=1)), today=TODAY
        )
    assert refused.value.code == "decision_differs"
    with pytest.raises(Conflict) as twice:  # the same registration in another decision
        await decisions.issue(session, _decision(round_row, [good], number="2000/QĐ-UBND"), today=TODAY)
    assert twice.value.errors[0]["field"] == "registration_ids[0]"
    assert await _counts(session) == after_first


async def test_a_forwarded_product_waits_for_the_central_level(session):
    round_row, (_, _, best) = await _three_products(session)
    with pytest.raises(Conflict) as waiting:
        await decisions.issue(session, _decision(round_row, [best]), today=TODAY)
    assert waiting.value.errors[0]["field"] == "registration_ids[0]"
    answer = CentralIn(outcome=CentralOutcome.recognised, reference="245/QĐ-BNNMT", decided_on=DECIDED)
    await results.record_central(session, best, answer)
    await decisions.issue(session, _decision(round_row, [best]), today=TODAY)
    cert = await session.scalar(sa.select(Certificate).where(Certificate.product_id == best.product_id))
    assert (cert.stars, cert.council_level, cert.score) == (5, CouncilLevel.central, 91)


async def test_a_product_the_central_level_returns_is_certified_four_stars_by_the_province(session):
    round_row, (_, _, best) = await _three_products(session)
    answer = CentralIn(outcome=CentralOutcome.returned, reference="88/VPĐP-OCOP", decided_on=DECIDED)
    await results.record_central(session, best, answer)
    await decisions.issue(session, _decision(round_row, [best]), today=TODAY)
    cert = await session.scalar(sa.select(Certificate).where(Certificate.product_id == best.product_id))
    assert (cert.stars, cert.council_level) == (4, CouncilLevel.province)


async def test_a_renewal_decided_early_waits_for_the_running_certificate(session):
    round_row = await ef.round_(session)
    criteria = await ef.sheet(session)
    council, seats = await ef.council(session, round_row, (MemberRole.chair,))
    renewed, upgraded = await f.product(session), await f.product(session)
    running = await f.certificate(session, renewed, 3, decision_date=TODAY - dt.timedelta(days=1000))
    await f.certificate(session, upgraded, 3, decision_date=TODAY - dt.timedelta(days=400))
    regs = [
        await ef.registration(session, round_row, criteria, renewed, kind=EvaluationKind.re_evaluation),
        await ef.registration(session, round_row, criteria, upgraded, kind=EvaluationKind.upgrade),
    ]
    await councils.assign(session, council, [r.id for r in regs])
    for reg in regs:
        await ef.scored(session, reg, seats[0][1], ef.split(80))
        await results.rank(session, reg)
    await decisions.issue(session, _decision(round_row, regs), today=TODAY)
    later = await session.scalar(
        sa.select(Certificate).where(
            Certificate.decision_number == "1114/QĐ-UBND", Certificate.product_id == renewed.id
        )
    )
    assert later.valid_from == running.valid_until + dt.timedelta(days=1)
    assert later.status is CertificateStatus.scheduled
    assert await _stars(session, renewed.id) == 3  # still on sale under the old one
    now = await session.scalar(
        sa.select(Certificate).where(
            Certificate.decision_number == "1114/QĐ-UBND", Certificate.product_id == upgraded.id
        )
    )
    assert now.status is CertificateStatus.active and await _stars(session, upgraded.id) == 4


async def test_each_producer_is_told_its_score_per_part_and_the_comments(session):
    round_row, (good, short, _) = await _three_products(session)
    await decisions.issue(session, _decision(round_row, [good, short]), today=TODAY)
    emails = (await session.scalars(sa.select(OutgoingEmail).order_by(OutgoingEmail.id))).all()
    assert [e.to for e in emails] == ["htx@example.vn", "htx@example.vn"]
    certified = next(e for e in emails if e.key.endswith(f"registration:{good.id}"))
    assert "4" in certified.subject and "1114/QĐ-UBND" in certified.body_text
    assert "75,00" in certified.body_text and "40,00" in certified.body_text  # the mean, part A
    assert "Cần bổ sung phiếu kiểm nghiệm định kỳ" in certified.body_text
    failed = next(e for e in emails if e.key.endswith(f"registration:{short.id}"))
    assert "62,00" in failed.body_text and "C.1 (3★)" in failed.body_text


# ---- through the API ----


async def test_the_office_previews_issues_and_prints_the_decision(session, client):
    round_row, regs = await _three_products(session)
    round_id, (good, short, best) = round_row.id, [r.id for r in regs]
    product_id = regs[0].product_id
    good_name = (await session.get(Product, product_id)).name
    headers = await f.admin_headers(session, client)  # commits: the test reads no row after this
    body = {
        "round_id": round_id,
        "number": "77/QĐ-UBND",
        "decided_on": (today() - dt.timedelta(days=1)).isoformat(),
        "signer": "Nguyễn Văn An",
        "issuer": "UBND tỉnh Bắc Kạn",
        "registration_ids": [good, short],
    }
    preview = await client.post("/api/v1/evaluation/decisions/preview", json=body, headers=headers)
    assert preview.status_code == 200, preview.text
    assert [(line["stars"], line["certified"]) for line in preview.json()["lines"]] == [(4, True), (2, False)]
    assert (await client.get(f"/api/v1/products/{product_id}")).json()["stars"] is None

    issued = await client.post("/api/v1/evaluation/decisions", json=body, headers=headers)
    assert issued.status_code == 201, issued.text
    decision = issued.json()
    assert [line["stars"] for line in decision["lines"]] == [4, 2]
    again = await client.post("/api/v1/evaluation/decisions", json=body, headers=headers)
    assert again.status_code == 200 and again.json()["lines"] == decision["lines"]
    shown = await client.get(f"/api/v1/products/{product_id}")
    assert shown.json()["stars"] == 4 and shown.json()["sellable"] is True

    pdf = await client.get(decision["annex_pdf"], headers=headers)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = await client.get(decision["annex_xlsx"], headers=headers)
    assert xlsx.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows() for c in row]
    assert good_name in cells and 75.0 in cells and "77/QĐ-UBND" in " ".join(str(c) for c in cells if c)

    waiting = await client.post(
        "/api/v1/evaluation/decisions",
        json=body | {"number": "78/QĐ-UBND", "registration_ids": [best]},
        headers=headers,
    )
    assert waiting.status_code == 409 and waiting.json()["errors"][0]["field"] == "registration_ids[0]"
    central = await client.post(
        f"/api/v1/evaluation/registrations/{best}/result/central",
        json={"outcome": "recognised", "reference": "245/QĐ-BNNMT", "decided_on": body["decided_on"]},
        headers=headers,
    )
    assert central.status_code == 200 and central.json()["final_stars"] == 5


async def test_only_the_office_issues_decisions(session, client):
    maker = await f.producer(session)
    coop = await f.user(session, f.Role.cooperative, producer_code=maker.code)
    await session.commit()
    headers = await f.bearer(client, coop)
    assert (await client.get("/api/v1/evaluation/decisions", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/evaluation/councils", headers=headers)).status_code == 403
    assert (await client.get("/api/v1/evaluation/decisions")).status_code == 401
