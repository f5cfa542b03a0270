"""A dossier from draft to reviewed through /api/v1/evaluation/registrations: the producer
answers each criterion with links to what the system holds and submits; the office returns
it with comments, accepts the completed one; the commune confirms origin, labour and idea;
the advisory group reviews. Each step refuses to run out of order or for the wrong role."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import QualityCertification, QualityKind
from shop.catalog.sellability import today
from shop.evaluation.models.registrations import EvaluationRound, Registration, RoundStatus
from shop.inventory.models import Batch
from tests import factories as f
from tests.evaluation import dossier_support as ev

REGISTRATIONS = "/api/v1/evaluation/registrations"


async def _draft(session: AsyncSession, client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, Any]]:
    maker = await f.producer(session)
    item = await f.product(session, maker)
    sheet = await ev.sheet(session)
    found = await ev.round_for(session, item)
    coop = await ev.cooperative(session, client, maker.code)
    body = {"round_id": found.id, "product_id": item.id, "product_set": sheet.product_set}
    answer = await client.post(REGISTRATIONS, json=body, headers=coop)
    assert answer.status_code == 201, answer.text
    return coop, answer.json()


def _path(detail: dict[str, Any], step: str = "") -> str:
    return f"{REGISTRATIONS}/{detail['registration']['id']}" + (f"/{step}" if step else "")


async def test_an_incomplete_dossier_cannot_be_submitted(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    coop, detail = await _draft(session, client)
    first = detail["answers"][0]
    one = {"answers": [{"criterion_id": first["criterion_id"], "option_id": first["options"][1]["id"]}]}
    assert (await client.patch(_path(detail, "answers"), json=one, headers=coop)).status_code == 200
    refused = await client.post(_path(detail, "submit"), headers=coop)
    assert refused.status_code == 422
    assert refused.json()["code"] == "dossier_incomplete"
    assert [e["field"] for e in refused.json()["errors"]] == ["answers[A.2]", "answers[B.1]", "answers[C.1]"]


async def test_an_option_must_belong_to_its_criterion(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    coop, detail = await _draft(session, client)
    a1, b1 = detail["answers"][0], detail["answers"][2]
    wrong = {"answers": [{"criterion_id": a1["criterion_id"], "option_id": b1["options"][0]["id"]}]}
    refused = await client.patch(_path(detail, "answers"), json=wrong, headers=coop)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "answers[0].option_id"


async def test_links_to_system_data_are_the_products_own(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    coop, detail = await _draft(session, client)
    product_id = detail["registration"]["product_id"]
    on = today()
    quality = QualityCertification(
        product_id=product_id,
        kind=QualityKind.vietgap,
        number="VG-123",
        valid_until=on + dt.timedelta(days=300),
    )
    batch = Batch(product_id=product_id, code="L01", trace_code="TRBATCH0001", produced_on=on)
    stranger = await f.product(session)
    foreign = Batch(product_id=stranger.id, code="X", trace_code="TRBATCH0002")
    session.add_all([quality, batch, foreign])
    await session.commit()
    c1 = detail["answers"][3]
    links = [{"kind": "quality", "id": quality.id}, {"kind": "batch", "id": batch.id}, {"kind": "sales"}]
    body = {"answers": [{"criterion_id": c1["criterion_id"], "note": "  Có chứng nhận  ", "links": links}]}
    saved = await client.patch(_path(detail, "answers"), json=body, headers=coop)
    assert saved.status_code == 200, saved.text
    answer = saved.json()["answers"][3]
    assert answer["note"] == "Có chứng nhận"
    assert [e["kind"] for e in answer["evidence"]] == ["quality", "batch", "sales"]
    assert "VG-123" in answer["evidence"][0]["label"] and "TRBATCH0001" in answer["evidence"][1]["label"]
    assert "evidence" not in answer["missing"]
    assert saved.json()["figures"]["traceable_batches"] == 1

    body["answers"][0]["links"] = [{"kind": "batch", "id": foreign.id}]
    refused = await client.patch(_path(detail, "answers"), json=body, headers=coop)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "answers[0].links[0].id"


async def _submitted(
    session: AsyncSession, client: httpx.AsyncClient
) -> tuple[dict[str, str], dict[str, Any]]:
    coop, detail = await _draft(session, client)
    saved = await client.patch(_path(detail, "answers"), json=ev.all_answers(detail), headers=coop)
    assert saved.status_code == 200, saved.text
    checklist = saved.json()["checklist"]  # evidence is still missing: a warning, not a refusal
    assert [line.split(":")[0] for line in checklist] == [a["code"] for a in detail["answers"]]
    sent = await client.post(_path(detail, "submit"), headers=coop)
    assert sent.status_code == 200, sent.text
    assert sent.json()["registration"]["status"] == "submitted" and sent.json()["can_edit"] is False
    return coop, sent.json()


async def test_the_dossier_goes_from_draft_to_reviewed(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    coop, detail = await _submitted(session, client)
    office = await f.admin_headers(session, client)
    again = await client.post(_path(detail, "submit"), headers=coop)
    assert again.status_code == 200  # a double tap changes nothing
    locked = await client.patch(_path(detail, "answers"), json=ev.all_answers(detail), headers=coop)
    assert locked.status_code == 409 and locked.json()["code"] == "dossier_locked"

    b1 = detail["answers"][2]["criterion_id"]
    comments = {
        "note": "Bổ sung hợp đồng phân phối",
        "comments": [{"criterion_id": b1, "comment": "Thiếu hợp đồng"}],
    }
    returned = await client.post(_path(detail, "return"), json=comments, headers=office)
    assert returned.status_code == 200, returned.text
    body = returned.json()
    assert (
        body["registration"]["status"] == "returned" and body["office_note"] == "Bổ sung hợp đồng phân phối"
    )
    assert (
        body["answers"][2]["office_comment"] == "Thiếu hợp đồng"
        and "comment" in body["answers"][2]["missing"]
    )

    fixed = {"answers": [{"criterion_id": b1, "note": "Đã bổ sung", "links": [{"kind": "sales"}]}]}
    assert (await client.patch(_path(detail, "answers"), json=fixed, headers=coop)).status_code == 200
    assert (await client.post(_path(detail, "submit"), headers=coop)).status_code == 200

    assert (await client.post(_path(detail, "accept"), headers=coop)).status_code == 403
    early = await client.post(_path(detail, "review"), json={"note": "x"}, headers=office)
    assert early.status_code == 409 and early.json()["code"] == "registration_status"
    accepted = await client.post(_path(detail, "accept"), headers=office)
    assert accepted.json()["registration"]["status"] == "accepted"

    check = {"product_origin": True, "raw_material_origin": True, "local_labour": False, "idea_origin": True}
    refused = await client.post(_path(detail, "commune-check"), json=check, headers=office)
    assert refused.status_code == 422 and [e["field"] for e in refused.json()["errors"]] == ["local_labour"]
    checked = await client.post(
        _path(detail, "commune-check"),
        json=check | {"local_labour": True, "note": "UBND xã xác nhận"},
        headers=office,
    )
    assert checked.status_code == 200, checked.text
    assert checked.json()["commune_confirmed"]["local_labour"] is True

    review = {
        "note": "Hồ sơ đầy đủ, mẫu đạt",
        "inspected_on": today().isoformat(),
        "comments": [{"criterion_id": b1, "comment": "Kênh phân phối tốt"}],
    }
    reviewed = await client.post(_path(detail, "review"), json=review, headers=office)
    assert reviewed.status_code == 200, reviewed.text
    assert reviewed.json()["registration"]["status"] == "reviewed"
    assert reviewed.json()["answers"][2]["advisory_comment"] == "Kênh phân phối tốt"
    assert (await client.post(_path(detail, "return"), json=comments, headers=office)).status_code == 409


async def test_a_return_needs_something_to_complete(session: AsyncSession, client: httpx.AsyncClient) -> None:
    _, detail = await _submitted(session, client)
    office = await f.admin_headers(session, client)
    refused = await client.post(_path(detail, "return"), json={"comments": []}, headers=office)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "note"


async def _move_deadline(session: AsyncSession, registration_id: int, **kw: Any) -> None:
    round_id = await session.scalar(
        sa.select(Registration.round_id).where(Registration.id == registration_id)
    )
    await session.execute(sa.update(EvaluationRound).where(EvaluationRound.id == round_id).values(**kw))
    await session.commit()


async def test_a_draft_is_due_by_the_dossier_deadline_but_a_returned_one_may_be_completed(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    coop, draft = await _draft(session, client)
    late = today() - dt.timedelta(days=1)
    await _move_deadline(
        session,
        draft["registration"]["id"],
        registration_until=late - dt.timedelta(days=5),
        dossier_until=late,
    )
    refused = await client.patch(_path(draft, "answers"), json=ev.all_answers(draft), headers=coop)
    assert refused.status_code == 409 and refused.json()["code"] == "dossier_locked"

    coop, sent = await _submitted(session, client)
    office = await f.admin_headers(session, client)
    assert (
        await client.post(_path(sent, "return"), json={"note": "Bổ sung"}, headers=office)
    ).status_code == 200
    await _move_deadline(
        session,
        sent["registration"]["id"],
        registration_until=late - dt.timedelta(days=5),
        dossier_until=late,
    )
    assert (await client.post(_path(sent, "submit"), headers=coop)).status_code == 200

    await _move_deadline(session, sent["registration"]["id"], status=RoundStatus.scoring)
    accepted = await client.post(_path(sent, "accept"), headers=office)
    assert accepted.status_code == 200  # the office's checks go on while the council forms
