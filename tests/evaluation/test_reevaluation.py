"""Re-evaluation: ``ocop jobs run`` opens a draft re-evaluation for each product whose
certificate ends within an open round's year, once; the new dossier is the last one copied
(options, notes, files marked for review) with the system's figures made again from today."""

from __future__ import annotations

import datetime as dt

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop import jobs
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import today
from shop.db import Database
from shop.evaluation import reevaluation
from shop.evaluation.dossier import answer_rows
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.registrations import start_dossier
from shop.settings import Settings
from tests import factories as f
from tests.evaluation import dossier_support as ev

REGISTRATIONS = "/api/v1/evaluation/registrations"


async def _ending_this_year(session: AsyncSession, **kw: object) -> Product:
    on = today()
    item = await f.product(session, **kw)
    start = on - dt.timedelta(days=1000)
    await f.certificate(
        session,
        item,
        3,
        decision_date=start,
        valid_from=start,
        valid_until=dt.date(on.year, 12, 31),
        today=on,
    )
    return item


async def test_the_job_opens_one_re_evaluation_with_the_last_dossier_copied(
    session: AsyncSession, database: Database, settings: Settings, client: httpx.AsyncClient
) -> None:
    item = await _ending_this_year(session)
    sheet = await ev.sheet(session)
    previous = Registration(
        round_id=(await ev.round_for(session, item, year=today().year - 1, status=RoundStatus.closed)).id,
        product_id=item.id,
        producer_id=item.producer_id,
        sheet_id=sheet.id,
        kind=EvaluationKind.first,
        status=RegistrationStatus.decided,
    )
    session.add(previous)
    await session.flush()
    await start_dossier(session, previous, today=today())
    rows = await answer_rows(session, previous.id)
    for row in rows:
        row.answer.option_id = row.options[-1].id
        row.answer.note = f"Ghi chú {row.criterion.code}"
    pdf = {"ref": "aa11", "kind": "pdf", "digest": "0" * 64, "size": 10, "name": "hop-dong.pdf"}
    stale_sales = {"ref": "bb22", "kind": "sales", "till_units": 999, "provinces": ["Cũ"]}
    rows[2].answer.evidence = [pdf, stale_sales]
    open_round = await ev.round_for(session, item, number=1)
    untouched = await _ending_this_year(session)  # no sheet can be guessed for it: left to its producer
    await session.commit()

    first = await jobs.run_due(database, settings)
    assert first["re-evaluations opened"] == 1
    second = await jobs.run_due(database, settings)
    assert second["re-evaluations opened"] == 0  # idempotent

    made = await session.scalar(
        sa.select(Registration).where(
            Registration.round_id == open_round.id, Registration.product_id == item.id
        )
    )
    assert made is not None and made.kind is EvaluationKind.re_evaluation
    assert made.status is RegistrationStatus.draft and made.previous_id == previous.id
    assert made.sheet_id == sheet.id
    assert (
        await session.scalar(sa.select(Registration.id).where(Registration.product_id == untouched.id))
        is None
    )

    maker = await session.get_one(Producer, item.producer_id)
    coop = await ev.cooperative(session, client, maker.code)
    detail = (await client.get(f"{REGISTRATIONS}/{made.id}", headers=coop)).json()
    answers = detail["answers"]
    assert [a["option_id"] for a in answers] == [a["options"][-1]["id"] for a in answers]
    assert [a["note"] for a in answers] == ["Ghi chú A.1", "Ghi chú A.2", "Ghi chú B.1", "Ghi chú C.1"]
    assert all(a["needs_review"] and "review" in a["missing"] for a in answers)
    b1 = answers[2]["evidence"]
    assert [(e["kind"], e["copied"]) for e in b1] == [("pdf", True), ("sales", False)]
    assert "999" not in b1[1]["label"]  # the figures are today's, not last year's

    refused = await client.post(f"{REGISTRATIONS}/{made.id}/submit", headers=coop)
    assert refused.status_code == 422  # the copied answers are confirmed first
    confirmed = {"answers": [{"criterion_id": a["criterion_id"]} for a in answers]}
    assert (
        await client.patch(f"{REGISTRATIONS}/{made.id}/answers", json=confirmed, headers=coop)
    ).status_code == 200
    sent = await client.post(f"{REGISTRATIONS}/{made.id}/submit", headers=coop)
    assert sent.status_code == 200, sent.text


async def test_the_job_leaves_alone_a_product_registered_this_year(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    item = await _ending_this_year(session)
    sheet = await ev.sheet(session, "processed")
    first = await ev.round_for(session, item, number=1)
    await ev.round_for(session, item, number=2)
    office = await f.admin_headers(session, client)
    body = {"round_id": first.id, "product_id": item.id, "product_set": sheet.product_set}
    assert (await client.post(REGISTRATIONS, json=body, headers=office)).status_code == 201
    assert await reevaluation.open_due(session, today=today()) == 0


async def test_the_job_guesses_the_sheet_from_the_product_group(session: AsyncSession) -> None:
    item = await _ending_this_year(session, group_code="food-tea")
    await ev.sheet(session, "tea")
    await ev.sheet(session, "processed-food")
    found = await ev.round_for(session, item, number=1)
    late = await ev.round_for(session, item, number=2, registration_until=today() - dt.timedelta(days=1))
    assert await reevaluation.open_due(session, today=today()) == 1
    made = await session.scalar(sa.select(Registration).where(Registration.product_id == item.id))
    assert made is not None and made.round_id == found.id != late.id
    assert made.previous_id is None
    assert await session.scalar(sa.select(sa.func.count()).where(EvaluationRound.id == late.id)) == 1
