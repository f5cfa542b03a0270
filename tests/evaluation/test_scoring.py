"""Councils score on the score sheet; the result follows the council's rules (quorum, mean,
spread, bands and mandatory criteria, gates, forwarding to the central level). On both
databases, through the services and through /api/v1/evaluation/…"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop.accounts.models import PiccoloUser, Role
from shop.catalog.models import Producer
from shop.errors import Conflict, InvalidInput
from shop.evaluation import councils, results, scoring
from shop.evaluation.models.registrations import RegistrationStatus
from shop.evaluation.models.scoring import MemberRole, ScoreLine, ScoreSheetStatus
from tests import factories as f
from tests.evaluation import factories as ef
from tests.office.support import token

CHAIR, SECRETARY, MEMBER = MemberRole.chair, MemberRole.secretary, MemberRole.member
FOUR = (CHAIR, SECRETARY, MEMBER, MEMBER)


async def _setup(session, roles=FOUR, products=1):
    round_row = await ef.round_(session)
    criteria = await ef.sheet(session)
    council, seats = await ef.council(session, round_row, roles)
    regs = [await ef.registration(session, round_row, criteria) for _ in range(products)]
    await councils.assign(session, council, [r.id for r in regs])
    return council, [m for _, m in seats], regs


def test_the_mean_is_kept_in_hundredths_rounded_half_up():
    assert results.mean_hundredths([71, 72]) == 7150
    assert results.mean_hundredths([70, 71, 71]) == 7067  # 70.666…
    assert results.mean_hundredths([70, 70, 70, 71, 71, 71, 71, 71]) == 7063  # 70.625 → 70.63
    assert results.mean_hundredths([62, 63]) == 6250
    assert results.whole_points(6250) == 63 and results.whole_points(6249) == 62


@pytest.mark.parametrize(
    ("mean", "stars"),
    [(9000, 5), (8999, 4), (7000, 4), (6999, 3), (5000, 3), (4999, 2), (3000, 2), (2999, 1)],
)
def test_the_bands_of_the_mean(mean, stars):
    assert results.band(mean) == stars


async def test_totals_per_part_are_computed_on_the_server(session):
    _, members, [reg] = await _setup(session)
    sheet = await ef.scored(session, reg, members[0], ef.split(75), sign=False)
    assert (sheet.part_a, sheet.part_b, sheet.part_c, sheet.total) == (40, 20, 15, 75)
    assert sheet.status is ScoreSheetStatus.draft and not sheet.gate_failed
    lines = (await session.scalars(sa.select(ScoreLine).where(ScoreLine.sheet_id == sheet.id))).all()
    assert sorted(line.points for line in lines) == sorted(ef.split(75).values())


async def test_a_gate_left_at_no_points_stops_the_sheet(session):
    _, members, [reg] = await _setup(session)
    sheet = await ef.scored(session, reg, members[0], ef.split(90) | {"A.1": 0})
    assert sheet.gate_failed and sheet.status is ScoreSheetStatus.signed
    assert sheet.total == 0  # nothing after the gate was scored
    lines = (await session.scalars(sa.select(ScoreLine).where(ScoreLine.sheet_id == sheet.id))).all()
    assert len(lines) == 1


async def test_a_sheet_is_signed_only_when_every_criterion_has_an_option(session):
    _, members, [reg] = await _setup(session)
    partial = {k: v for k, v in ef.split(75).items() if k != "C.2"}
    await ef.scored(session, reg, members[0], partial, sign=False)
    with pytest.raises(InvalidInput) as refused:
        await scoring.sign(session, reg, members[0])
    assert "C.2" in refused.value.first_message


async def test_a_signed_sheet_never_changes_and_a_correction_is_a_new_version(session):
    _, members, [reg] = await _setup(session)
    first = await ef.scored(session, reg, members[0], ef.split(75))
    view = await scoring.load_sheet(session, reg.sheet_id)
    with pytest.raises(Conflict):
        await scoring.save(session, reg, members[0], ef.lines_for(view, ef.split(80)))
    fix = await scoring.correct(session, reg, members[0], "Chấm lại sau khi hội đồng thảo luận")
    assert (fix.version, fix.status, fix.total) == (2, ScoreSheetStatus.draft, 75)
    await scoring.save(session, reg, members[0], ef.lines_for(view, ef.split(80)))
    await session.refresh(first)
    assert first.status is ScoreSheetStatus.signed  # it counts until the correction is signed
    await scoring.sign(session, reg, members[0])
    await session.refresh(first)
    assert first.status is ScoreSheetStatus.replaced and first.total == 75
    assert [s.total for s in await scoring.signed_sheets(session, reg.id)] == [80]


async def test_the_result_waits_for_the_quorum_with_the_chair_among_it(session):
    _, members, [reg] = await _setup(session)  # 4 members: 3 signatures needed, the chair's too
    chair, secretary, member, other = members
    await ef.scored(session, reg, secretary, ef.split(75))
    await ef.scored(session, reg, member, ef.split(76))
    await ef.scored(session, reg, other, ef.split(77))
    found = await results.evaluate(session, reg)
    assert (found.quorum, len(found.totals), found.standing) == (3, 3, results.Standing.incomplete)
    with pytest.raises(Conflict) as refused:
        await results.rank(session, reg)
    assert refused.value.code == "quorum_not_reached"
    await ef.scored(session, reg, chair, ef.split(74))
    result = await results.rank(session, reg)
    assert result.mean_hundredths == 7550 and result.stars == 4 and result.spread == 3
    assert reg.status is RegistrationStatus.ranked


async def test_members_twelve_points_apart_block_the_result_until_they_re_score(session):
    _, members, [reg] = await _setup(session, roles=(CHAIR, MEMBER, MEMBER))
    chair, member, far = members
    await ef.scored(session, reg, chair, ef.split(75))
    await ef.scored(session, reg, member, ef.split(74))
    await ef.scored(session, reg, far, ef.split(63))
    found = await results.evaluate(session, reg)
    assert (found.spread, found.standing) == (12, results.Standing.blocked)
    with pytest.raises(Conflict) as refused:
        await results.rank(session, reg)
    assert refused.value.code == "spread_too_wide" and "12" in refused.value.detail
    await scoring.correct(session, reg, far, "Hội đồng thảo luận, chấm lại tiêu chí B.1")
    view = await scoring.load_sheet(session, reg.sheet_id)
    await scoring.save(session, reg, far, ef.lines_for(view, ef.split(72)))
    assert (await results.evaluate(session, reg)).standing is results.Standing.blocked  # not signed yet
    await scoring.sign(session, reg, far)
    result = await results.rank(session, reg)
    assert (result.spread, result.mean_hundredths, result.stars) == (3, 7367, 4)


async def test_a_round_of_three_products_four_stars_a_mandatory_failure_and_one_forwarded(session):
    _, members, [good, short, best] = await _setup(session, roles=(CHAIR, SECRETARY, MEMBER), products=3)
    for member, total in zip(members, (76, 75, 74), strict=True):
        await ef.scored(session, good, member, ef.split(total))
    # 62 points, but C.1 (mandatory for 3★, at least 5 points) left at 0 by every member.
    short_points = {"A.1": 5, "A.2": 30, "B.1": 20, "C.1": 0, "C.2": 7}
    for member in members:
        await ef.scored(session, short, member, short_points)
    for member, total in zip(members, (91, 92, 90), strict=True):
        await ef.scored(session, best, member, ef.split(total))

    four = await results.rank(session, good)
    assert (four.mean_hundredths, four.band_stars, four.stars, four.forwarded_central) == (7500, 4, 4, False)
    assert results.final_stars(four) == 4

    failed = await results.rank(session, short)
    assert (failed.mean_hundredths, failed.band_stars, failed.stars) == (6200, 3, 2)
    assert failed.failed_mandatory == ["C.1 (3★)"]
    assert results.final_stars(failed) == 2

    forwarded = await results.rank(session, best)
    assert (forwarded.mean_hundredths, forwarded.stars, forwarded.forwarded_central) == (9100, 5, True)
    assert results.final_stars(forwarded) is None  # pending the central decision


async def test_a_product_at_ninety_points_missing_a_five_star_criterion_stays_with_the_province(session):
    _, members, [reg] = await _setup(session, roles=(CHAIR, MEMBER))
    points = {"A.1": 5, "A.2": 35, "B.1": 15, "C.1": 20, "C.2": 15}  # 90, but B.1 under 20 (5★)
    for member in members:
        await ef.scored(session, reg, member, points)
    result = await results.rank(session, reg)
    assert (result.mean_hundredths, result.band_stars, result.stars) == (9000, 5, 4)
    assert result.failed_mandatory == ["B.1 (5★)"] and not result.forwarded_central
    assert results.final_stars(result) == 4


async def test_a_gate_failure_is_never_certified(session):
    _, members, [reg] = await _setup(session, roles=(CHAIR, MEMBER))
    for member in members:
        await ef.scored(session, reg, member, {"A.1": 0})
    result = await results.rank(session, reg)
    assert result.stars == 1 and result.failed_mandatory == ["A.1 (gate)"]


# ---- through the API, with the roles and the scope ----


async def _api_setup(session, client):
    council, members, [reg] = await _setup(session, roles=(CHAIR, MEMBER))
    names = {}
    for member in members:
        names[member.id] = await session.scalar(
            sa.select(PiccoloUser.username).where(PiccoloUser.id == member.user_id)
        )
    view = await scoring.load_sheet(session, reg.sheet_id)
    await session.commit()
    headers = [await f.bearer(client, names[m.id]) for m in members]
    return council, reg, view, headers


def _body(view, points, comments=None):
    return {
        "lines": [
            {"criterion_id": line.criterion_id, "option_id": line.option_id, "comment": line.comment}
            for line in ef.lines_for(view, points, comments)
        ]
    }


async def test_members_score_sign_and_correct_through_the_api(session, client):
    _, reg, view, (chair, member) = await _api_setup(session, client)
    base = f"/api/v1/evaluation/registrations/{reg.id}"
    criteria = await client.get(f"{base}/score-sheets/criteria", headers=chair)
    assert criteria.status_code == 200, criteria.text
    assert [c["code"] for c in criteria.json()["criteria"]] == ["A.1", "A.2", "B.1", "C.1", "C.2"]

    saved = await client.put(
        f"{base}/score-sheets/current",
        json=_body(view, ef.split(75), {"C.1": "Đã công bố TCCS"}),
        headers=chair,
    )
    assert saved.status_code == 200, saved.text
    assert (saved.json()["total"], saved.json()["part_a"], saved.json()["missing"]) == (75, 40, [])
    assert (await client.post(f"{base}/score-sheets/current/sign", headers=chair)).status_code == 200
    again = await client.put(f"{base}/score-sheets/current", json=_body(view, ef.split(80)), headers=chair)
    assert again.status_code == 409 and again.json()["code"] == "sheet_signed"

    waiting = await client.post(f"{base}/result", headers=chair)
    assert waiting.status_code == 409 and waiting.json()["code"] == "quorum_not_reached"
    await client.put(f"{base}/score-sheets/current", json=_body(view, ef.split(63)), headers=member)
    await client.post(f"{base}/score-sheets/current/sign", headers=member)
    blocked = await client.get(f"{base}/result", headers=member)
    assert blocked.json()["standing"] == "blocked" and blocked.json()["spread"] == 12

    fix = await client.post(
        f"{base}/score-sheets/corrections", json={"reason": "Chấm lại sau thảo luận"}, headers=member
    )
    assert fix.status_code == 201 and fix.json()["version"] == 2
    await client.put(f"{base}/score-sheets/current", json=_body(view, ef.split(73)), headers=member)
    await client.post(f"{base}/score-sheets/current/sign", headers=member)
    ranked = await client.post(f"{base}/result", headers=chair)
    assert ranked.status_code == 200, ranked.text
    assert (ranked.json()["mean_hundredths"], ranked.json()["stars"], ranked.json()["ranked"]) == (
        7400,
        4,
        True,
    )
    mine = await client.get(f"{base}/score-sheets", headers=member)
    assert [s["status"] for s in mine.json()["items"]] == ["signed", "replaced"]


async def test_a_bad_option_is_a_field_error_never_a_500(session, client):
    _, reg, view, (chair, _) = await _api_setup(session, client)
    other = view.criteria[1].options[0].id
    body = {"lines": [{"criterion_id": view.criteria[0].id, "option_id": other}]}
    answer = await client.put(
        f"/api/v1/evaluation/registrations/{reg.id}/score-sheets/current", json=body, headers=chair
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "lines[0].option_id"


async def test_nobody_but_the_council_reads_or_scores_a_registration(session, client):
    _, reg, view, (chair, _) = await _api_setup(session, client)
    other_round = await ef.round_(session)
    _, [(outsider, _)] = await ef.council(session, other_round, (CHAIR,))
    lone_admin = await f.user(session, Role.admin)
    maker = await session.get(Producer, reg.producer_id)
    coop = await f.user(session, Role.cooperative, producer_code=maker.code)  # the product's own
    await session.commit()
    base = f"/api/v1/evaluation/registrations/{reg.id}"
    for name in (outsider, lone_admin, coop):
        headers = await f.bearer(client, name)
        for method, path in (
            ("GET", "/score-sheets"),
            ("GET", "/score-sheets/criteria"),
            ("PUT", "/score-sheets/current"),
            ("POST", "/score-sheets/current/sign"),
        ):
            answer = await client.request(
                method,
                base + path,
                json=_body(view, ef.split(75)) if method == "PUT" else None,
                headers=headers,
            )
            assert answer.status_code == 404, (name, method, path, answer.text)
    # The result is the office's (every council member is an office account); others: 403.
    assert (await client.get(f"{base}/result", headers=await f.bearer(client, lone_admin))).status_code == 200
    assert (await client.get(f"{base}/result", headers=await f.bearer(client, coop))).status_code == 403
    assert (await client.get(f"{base}/result", headers=chair)).status_code == 200
    assert (await client.get(f"{base}/score-sheets", headers=chair)).status_code == 200


async def test_the_office_forms_a_council_with_one_chair_and_gives_it_registrations(session, client):
    round_row = await ef.round_(session)
    criteria = await ef.sheet(session)
    regs = [await ef.registration(session, round_row, criteria) for _ in range(2)]
    chair, member, second = [await ef.user_id(session, await f.user(session, Role.admin)) for _ in range(3)]
    maker = await session.get(Producer, regs[0].producer_id)
    coop = await ef.user_id(session, await f.user(session, Role.cooperative, producer_code=maker.code))
    round_id, reg_ids = round_row.id, [r.id for r in regs]
    headers = await f.admin_headers(session, client)
    base = "/api/v1/evaluation/councils"
    body = {
        "round_id": round_id,
        "name": "Hội đồng cấp tỉnh",
        "members": [{"user_id": chair, "role": "chair"}],
    }
    made = await client.post(base, json=body, headers=headers)
    assert made.status_code == 201, made.text
    council = made.json()["id"]
    members = f"{base}/{council}/members"
    assert (await client.post(members, json={"user_id": member}, headers=headers)).status_code == 201
    twice = await client.post(members, json={"user_id": second, "role": "chair"}, headers=headers)
    assert twice.status_code == 409 and twice.json()["code"] == "one_chair"
    outsider = await client.post(members, json={"user_id": coop}, headers=headers)
    assert outsider.status_code == 422 and outsider.json()["errors"][0]["field"] == "user_id"
    given = await client.post(
        f"{base}/{council}/assignments", json={"registration_ids": reg_ids}, headers=headers
    )
    assert given.status_code == 200 and given.json()["quorum"] == 2
    assert {r["registration_id"] for r in given.json()["registrations"]} == set(reg_ids)
    foreign = await client.post(
        f"{base}/{council}/assignments", json={"registration_ids": [reg_ids[0], 999]}, headers=headers
    )
    assert foreign.status_code == 422 and foreign.json()["errors"][0]["field"] == "registration_ids[1]"
    back = await client.delete(f"{base}/{council}/assignments/{reg_ids[1]}", headers=headers)
    assert back.status_code == 204
    listed = await client.get(base, params={"round_id": round_id}, headers=headers)
    assert listed.json()["items"][0]["registrations"] == 1 and listed.json()["items"][0]["members"] == 2


async def test_a_member_who_scored_stays_on_the_council(session):
    council, members, [reg] = await _setup(session, roles=(CHAIR, MEMBER))
    await ef.scored(session, reg, members[1], ef.split(75), sign=False)
    with pytest.raises(Conflict) as refused:
        await councils.remove_member(session, council, members[1].id)
    assert refused.value.code == "member_scored"
    with pytest.raises(Conflict):
        await councils.unassign(session, council, reg.id)


# ---- the tablet pages ----


async def _login(client, username):
    page = await client.get("/login?lang=en")
    answer = await client.post(
        "/login", data={"username": username, "password": "password123", "_csrf_token": token(page.text)}
    )
    assert answer.status_code == 303, answer.text


async def test_a_member_scores_and_signs_on_the_sheet_page(session, client):
    council, members, [reg] = await _setup(session, roles=(CHAIR, MEMBER))
    view = await scoring.load_sheet(session, reg.sheet_id)
    username = await session.scalar(
        sa.select(PiccoloUser.username).where(PiccoloUser.id == members[0].user_id)
    )
    reg_id = reg.id
    await session.commit()
    await _login(client, username)
    page = await client.get(f"/office/evaluation/score/{reg_id}")
    assert page.status_code == 200, page.text
    assert "A.1" in page.text and "data-sheet" in page.text
    form = {"_csrf_token": token(page.text), "action": "save"}
    for line in ef.lines_for(view, ef.split(75), {"C.1": "Đạt"}):
        form[f"c{line.criterion_id}"] = str(line.option_id)
        if line.comment:
            form[f"n{line.criterion_id}"] = line.comment
    saved = await client.post(f"/office/evaluation/score/{reg_id}", data=form)
    assert saved.status_code == 303 and "done=saved" in saved.headers["location"]
    signed = await client.post(f"/office/evaluation/score/{reg_id}", data=form | {"action": "sign"})
    assert signed.status_code == 303 and "done=signed" in signed.headers["location"]
    shown = await client.get(f"/office/evaluation/score/{reg_id}?done=signed")
    assert "Correct this sheet" in shown.text and "data-total>75<" in shown.text
    assert (await client.get("/office/evaluation/score/")).status_code == 200
    result = await client.get(f"/office/evaluation/results/{reg_id}")
    assert result.status_code == 200 and "1 signed sheets of the 2" in result.text
    assert (await client.get(f"/office/evaluation/councils/{council.id}")).status_code == 200
    assert (await client.get("/office/evaluation/councils/")).status_code == 200
    assert (await client.get("/office/evaluation/decisions/")).status_code == 200


async def test_a_member_of_another_council_finds_no_sheet_page(session, client):
    _, _, [reg] = await _setup(session, roles=(CHAIR,))
    other_round = await ef.round_(session)
    _, [(outsider, _)] = await ef.council(session, other_round, (CHAIR,))
    reg_id = reg.id
    await session.commit()
    await _login(client, outsider)
    assert (await client.get(f"/office/evaluation/score/{reg_id}")).status_code == 404
    page = await client.get("/office/evaluation/score/")
    assert page.status_code == 200
    answer = await client.post(f"/office/evaluation/score/{reg_id}", data={"_csrf_token": token(page.text)})
    assert answer.status_code == 404
