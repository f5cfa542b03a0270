"""Rounds and registrations through /api/v1/evaluation: the office opens and moves rounds;
a cooperative registers only its own products, only while the round takes registrations,
and sees only its own dossiers; the kind of evaluation follows the product's certificate."""

from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.evaluation.models.registrations import RoundStatus
from tests import factories as f
from tests.evaluation import dossier_support as ev

ROUNDS = "/api/v1/evaluation/rounds"
REGISTRATIONS = "/api/v1/evaluation/registrations"


async def test_office_opens_a_round_and_moves_it_forward_only(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    office = await f.admin_headers(session, client)
    item = await f.product(session)
    await session.commit()
    on = today()
    body = {
        "province_id": item.origin_province_id,
        "year": on.year,
        "number": 1,
        "registration_until": (on + dt.timedelta(days=5)).isoformat(),
        "dossier_until": (on + dt.timedelta(days=15)).isoformat(),
        "scoring_until": (on + dt.timedelta(days=40)).isoformat(),
    }
    opened = await client.post(ROUNDS, json=body, headers=office)
    assert opened.status_code == 201, opened.text
    assert opened.json()["status"] == "open" and opened.json()["accepts_registrations"] is True
    again = await client.post(ROUNDS, json=body, headers=office)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")

    round_id = opened.json()["id"]
    scoring = await client.post(f"{ROUNDS}/{round_id}/status", json={"status": "scoring"}, headers=office)
    assert scoring.status_code == 200 and scoring.json()["accepts_registrations"] is False
    back = await client.post(f"{ROUNDS}/{round_id}/status", json={"status": "open"}, headers=office)
    assert back.status_code == 409
    listed = await client.get(ROUNDS, headers=office, params={"page_size": 5})
    assert listed.json()["total"] == 1 and listed.json()["page_size"] == 5


async def test_round_deadlines_must_come_in_order(session: AsyncSession, client: httpx.AsyncClient) -> None:
    office = await f.admin_headers(session, client)
    item = await f.product(session)
    await session.commit()
    body = {
        "province_id": item.origin_province_id,
        "year": 2026,
        "number": 2,
        "registration_until": "2026-06-30",
        "dossier_until": "2026-06-01",
        "scoring_until": "2026-05-01",
    }
    refused = await client.post(ROUNDS, json=body, headers=office)
    assert refused.status_code == 422
    fields = {e["field"] for e in refused.json()["errors"]}
    assert fields == {"dossier_until", "scoring_until"}


async def test_a_cooperative_cannot_open_or_move_rounds(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    maker = await f.producer(session)
    found = await ev.round_for(session, await f.product(session, maker))
    coop = await ev.cooperative(session, client, maker.code)
    moved = await client.post(f"{ROUNDS}/{found.id}/status", json={"status": "scoring"}, headers=coop)
    assert moved.status_code == 403
    assert (await client.get(ROUNDS, headers=coop)).status_code == 200


async def _registered(
    session: AsyncSession, client: httpx.AsyncClient, **kw: object
) -> tuple[dict[str, str], dict[str, object], int]:
    maker = await f.producer(session)
    item = await f.product(session, maker)
    sheet = await ev.sheet(session)
    found = await ev.round_for(session, item)
    coop = await ev.cooperative(session, client, maker.code)
    body = {"round_id": found.id, "product_id": item.id, "product_set": sheet.product_set} | kw
    answer = await client.post(REGISTRATIONS, json=body, headers=coop)
    assert answer.status_code == 201, answer.text
    return coop, answer.json(), found.id


async def test_a_cooperative_registers_its_product_with_an_empty_dossier(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    _, detail, _ = await _registered(session, client)
    registration = detail["registration"]
    assert registration["status"] == "draft"
    assert registration["kind"] == "first"  # no certificate yet
    assert registration["criteria"] == 4 and registration["answered"] == 0
    assert [a["code"] for a in detail["answers"]] == ["A.1", "A.2", "B.1", "C.1"]
    assert all("option" in a["missing"] for a in detail["answers"])
    assert len(detail["checklist"]) == 4 and detail["can_edit"] is True


async def test_a_producer_sees_only_its_own_dossier(session: AsyncSession, client: httpx.AsyncClient) -> None:
    coop, detail, _ = await _registered(session, client)
    other, other_detail, _ = await _registered(session, client)
    mine, theirs = detail["registration"]["id"], other_detail["registration"]["id"]

    assert (await client.get(f"{REGISTRATIONS}/{theirs}", headers=coop)).status_code == 404
    patched = await client.patch(
        f"{REGISTRATIONS}/{theirs}/answers", json=ev.all_answers(other_detail), headers=coop
    )
    assert patched.status_code == 404
    assert (await client.post(f"{REGISTRATIONS}/{theirs}/submit", headers=coop)).status_code == 404
    listed = (await client.get(REGISTRATIONS, headers=coop)).json()
    assert [r["id"] for r in listed["items"]] == [mine] and listed["total"] == 1

    office = await f.admin_headers(session, client)
    everything = (await client.get(REGISTRATIONS, headers=office)).json()
    assert {r["id"] for r in everything["items"]} == {mine, theirs}
    assert (await client.get(f"{REGISTRATIONS}/{theirs}", headers=other)).status_code == 200


async def test_a_cooperative_cannot_register_another_producers_product(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    mine = await f.producer(session)
    theirs = await f.product(session)
    sheet = await ev.sheet(session)
    found = await ev.round_for(session, theirs)
    coop = await ev.cooperative(session, client, mine.code)
    body = {"round_id": found.id, "product_id": theirs.id, "product_set": sheet.product_set}
    refused = await client.post(REGISTRATIONS, json=body, headers=coop)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "product_id"


async def test_no_registration_after_the_deadline_or_once_scoring(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    maker = await f.producer(session)
    item = await f.product(session, maker)
    sheet = await ev.sheet(session)
    on = today()
    late = await ev.round_for(session, item, registration_until=on - dt.timedelta(days=1))
    scoring = await ev.round_for(session, item, status=RoundStatus.scoring)
    coop = await ev.cooperative(session, client, maker.code)
    for found in (late, scoring):
        body = {"round_id": found.id, "product_id": item.id, "product_set": sheet.product_set}
        refused = await client.post(REGISTRATIONS, json=body, headers=coop)
        assert refused.status_code == 409, refused.text
        assert refused.json()["code"] == "registration_closed"


async def test_registration_refuses_a_second_entry_an_unknown_set_and_another_province(
    session: AsyncSession, client: httpx.AsyncClient
) -> None:
    coop, detail, round_id = await _registered(session, client)
    product_id = detail["registration"]["product_id"]
    body = {
        "round_id": round_id,
        "product_id": product_id,
        "product_set": detail["registration"]["product_set"],
    }
    assert (await client.post(REGISTRATIONS, json=body, headers=coop)).status_code == 409
    unknown = await client.post(REGISTRATIONS, json=body | {"product_set": "no-such-set"}, headers=coop)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "product_set"

    elsewhere = await f.product(session, origin="Hội An, Quảng Nam")
    other_round = await ev.round_for(session, elsewhere)
    await session.commit()
    office = await f.admin_headers(session, client)
    body = {
        "round_id": other_round.id,
        "product_id": product_id,
        "product_set": detail["registration"]["product_set"],
    }
    moved = await client.post(REGISTRATIONS, json=body, headers=office)
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "product_id"


async def test_the_kind_follows_the_certificate(session: AsyncSession, client: httpx.AsyncClient) -> None:
    on = today()
    ending = await f.product(session)
    await f.certificate(
        session,
        ending,
        3,
        decision_date=on - dt.timedelta(days=900),
        valid_from=on - dt.timedelta(days=900),
        valid_until=dt.date(on.year, 12, 31),
        today=on,
    )
    running = await f.product(session)
    await f.certificate(session, running, 3, decision_date=on - dt.timedelta(days=30), today=on)
    sheet = await ev.sheet(session)
    found = await ev.round_for(session, ending)
    await session.commit()
    office = await f.admin_headers(session, client)
    kinds = {}
    for item in (ending, running):
        body = {"round_id": found.id, "product_id": item.id, "product_set": sheet.product_set}
        answer = await client.post(REGISTRATIONS, json=body, headers=office)
        assert answer.status_code == 201, answer.text
        kinds[item.id] = answer.json()["registration"]["kind"]
    assert kinds == {ending.id: "re_evaluation", running.id: "upgrade"}
