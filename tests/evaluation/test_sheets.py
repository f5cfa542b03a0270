"""Score sheets as data: the repository's files are sound and total 100, the upgrade installs
them once, a changed file becomes a new revision, a sheet in use is never edited in place,
and the office corrects a sheet as a new revision it can publish only once complete (pages
and API)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.errors import Conflict, InvalidInput
from shop.evaluation import sheet_revisions as revisions
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, SheetStatus
from shop.evaluation.sheet_revisions import CriterionEdit, OptionEdit
from shop.evaluation.sheet_rules import publish_problems
from shop.evaluation.sheets import CRITERIA_DIR, SheetFileError, install_sheets, read_versions
from shop.geo.models import Place, PlaceEra, PlaceLevel
from tests import factories as f
from tests.office.support import login_as, post

SHEETS = "/api/v1/evaluation/sheets"
PAGES = "/office/evaluation/sheets"
ORNAMENTAL = {"flowers", "ornamental-plants", "ornamental-animals"}


def _by_key() -> dict[tuple[str, str], object]:
    return {(s.version, s.product_set): s for v in read_versions() for s in v.sheets}


# ---- the files ----


def test_every_complete_sheet_file_totals_100_in_its_versions_parts() -> None:
    versions = {v.version: v for v in read_versions()}
    assert versions["148/2023"].part_points == {"A": 40, "B": 25, "C": 35}
    assert versions["1048/2019"].part_points == {"A": 35, "B": 25, "C": 40}
    complete = [s for v in versions.values() for s in v.sheets if s.status is not SheetStatus.draft]
    assert {(s.version, s.product_set) for s in complete} == {
        ("148/2023", "processed-food"),
        ("148/2023", "tea"),
        ("1048/2019", "fresh-produce"),
    }
    for sheet in complete:
        assert publish_problems(sheet) == [], sheet.product_set
        assert sheet.totals() == sheet.part_points and sum(sheet.totals().values()) == 100
        assert all(len(c.options) >= 2 and c.text and c.max_points > 0 for c in sheet.criteria)


def test_the_148_food_sheets_have_the_food_safety_gate_and_stars_markers() -> None:
    for product_set in ("processed-food", "tea"):
        sheet = next(s for v in read_versions() for s in v.sheets if s.product_set == product_set)
        gate = next(c for c in sheet.criteria if c.gate)
        assert "an toàn thực phẩm" in gate.text and min(o.points for o in gate.options) == 0
        marked = {
            (c.code, o.mandatory_for_star) for c in sheet.criteria for o in c.options if o.mandatory_for_star
        }
        assert {(gate.code, 3), ("C.7.1", 3), (gate.code, 4)} <= marked
        assert {star for _, star in marked} == {3, 4, 5}
        # Nothing of 148 was read in the gazette: every criterion says it is reconstructed.
        assert all(c.reconstructed for c in sheet.criteria)
        assert "KHÔNG đọc được nguyên văn Phụ lục III" in (sheet.source_note or "")


def test_148_lists_the_26_sets_and_3_ornamental_ones_each_scored_or_drafted() -> None:
    version = next(v for v in read_versions() if v.version == "148/2023")
    keys = [s.key for s in version.sets]
    assert len(keys) == 29 == len(set(keys)) and set(keys) >= ORNAMENTAL
    drafts = {s.product_set for s in version.sheets if s.status is SheetStatus.draft}
    scored_by_file = {s.key for s in version.sets if s.sheet}
    assert drafts == set(keys) - scored_by_file and len(drafts) == 23
    for sheet in version.sheets:
        if sheet.status is SheetStatus.draft:
            assert {c.part.value for c in sheet.criteria} == {"A", "B", "C"}
            assert publish_problems(sheet), "a structure-only draft must not be publishable"


def _copy_148(tmp_path: Path) -> Path:
    root = tmp_path / "criteria"
    shutil.copytree(CRITERIA_DIR / "148-2023", root / "148-2023")
    return root


def _rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False))


def test_a_file_whose_part_does_not_total_its_points_is_refused(tmp_path: Path) -> None:
    root = _copy_148(tmp_path)

    def more_points(data: dict) -> None:
        criterion = data["groups"][-1]["criteria"][0]
        criterion["options"][-1]["points"] += 1
        criterion["max_points"] += 1

    _rewrite(root / "148-2023" / "tea.json", more_points)
    with pytest.raises(SheetFileError, match=r"tea\.json.*Part C totals 36 points; it must total 35"):
        read_versions(root)


def test_a_file_with_an_unknown_field_is_refused(tmp_path: Path) -> None:
    root = _copy_148(tmp_path)
    _rewrite(root / "148-2023" / "tea.json", lambda d: d["groups"][0]["criteria"][0].update(pointz=3))
    with pytest.raises(SheetFileError, match="pointz"):
        read_versions(root)


# ---- installing ----


async def _sheet(session: AsyncSession, version: str, product_set: str, revision: int) -> CriteriaSheet:
    found = await session.scalar(
        sa.select(CriteriaSheet).where(
            CriteriaSheet.version == version,
            CriteriaSheet.product_set == product_set,
            CriteriaSheet.revision == revision,
        )
    )
    assert found is not None, (version, product_set, revision)
    return found


async def _registration(session: AsyncSession, sheet: CriteriaSheet) -> Registration:
    province = await session.scalar(
        sa.select(Place.id).where(Place.level == PlaceLevel.province, Place.era == PlaceEra.current).limit(1)
    )
    assert province is not None
    round_row = EvaluationRound(
        province_id=province,
        year=2026,
        number=1,
        registration_until=dt.date(2026, 3, 31),
        dossier_until=dt.date(2026, 5, 31),
        scoring_until=dt.date(2026, 8, 31),
        status=RoundStatus.open,
    )
    session.add(round_row)
    await session.flush()
    item = await f.product(session)
    found = Registration(
        round_id=round_row.id,
        product_id=item.id,
        producer_id=item.producer_id,
        sheet_id=sheet.id,
        kind=EvaluationKind.first,
        status=RegistrationStatus.draft,
    )
    session.add(found)
    await session.flush()
    return found


async def test_a_fresh_database_gets_the_sheets_once(session: AsyncSession) -> None:
    assert await install_sheets(session) == 26
    assert await install_sheets(session) == 0
    rows = await session.execute(
        sa.select(CriteriaSheet.product_set, CriteriaSheet.status).where(CriteriaSheet.version == "148/2023")
    )
    statuses = {product_set: status for product_set, status in rows.all()}
    assert statuses["processed-food"] is SheetStatus.published and statuses["tea"] is SheetStatus.published
    assert statuses["flowers"] is SheetStatus.draft and len(statuses) == 25
    old = await _sheet(session, "1048/2019", "fresh-produce", 1)
    assert old.status is SheetStatus.retired and old.part_points == {"A": 35, "B": 25, "C": 40}
    tea = await revisions.load_tree(session, (await _sheet(session, "148/2023", "tea", 1)).id)
    assert tea.data().totals() == {"A": 40, "B": 25, "C": 35} and publish_problems(tea.data()) == []


async def test_a_changed_file_is_a_new_revision_and_the_used_one_never_changes(
    session: AsyncSession, tmp_path: Path
) -> None:
    root = _copy_148(tmp_path)
    await install_sheets(session, root)
    first = await _sheet(session, "148/2023", "tea", 1)
    await _registration(session, first)
    gate_label = "Không có giấy chứng nhận (đã sửa)"
    _rewrite(
        root / "148-2023" / "tea.json",
        lambda d: d["groups"][0]["criteria"][0]["options"][0].update(label=gate_label),
    )
    assert await install_sheets(session, root) == 1  # only the changed file
    second = await _sheet(session, "148/2023", "tea", 2)
    await session.refresh(first)
    assert (first.status, second.status) == (SheetStatus.retired, SheetStatus.published)
    labels = await session.scalars(
        sa.select(CriterionOption.label)
        .join(Criterion, Criterion.id == CriterionOption.criterion_id)
        .where(Criterion.sheet_id == first.id, Criterion.code == "A.1.1")
    )
    assert gate_label not in list(labels)
    assert await install_sheets(session, root) == 0


async def test_the_offices_published_correction_outlives_a_changed_file(
    session: AsyncSession, tmp_path: Path
) -> None:
    root = _copy_148(tmp_path)
    await install_sheets(session, root)
    office = await revisions.new_revision(session, (await _sheet(session, "148/2023", "tea", 1)).id)
    await revisions.publish(session, office.id)
    _rewrite(root / "148-2023" / "tea.json", lambda d: d.update(name="Chè (tên mới)"))
    await install_sheets(session, root)
    from_file = await _sheet(session, "148/2023", "tea", 3)
    await session.refresh(office)
    assert (office.status, from_file.status) == (SheetStatus.published, SheetStatus.draft)


# ---- the office's corrections (services) ----


def _edit_of(tree: revisions.SheetTree, code: str, **points: int) -> tuple[int, CriterionEdit]:
    """An edit of criterion ``code`` keeping everything, some options' points changed
    (keyword: the option's position, e.g. ``o3=4``)."""
    criterion = next(c for c in tree.criteria if c.code == code)
    options = [
        OptionEdit(o.label, points.get(f"o{n}", o.points), o.mandatory_for_star)
        for n, o in enumerate(tree.options[criterion.id], start=1)
    ]
    return criterion.id, CriterionEdit(
        text=criterion.text, options=options, guidance=criterion.guidance, gate=criterion.gate
    )


async def test_a_sheet_in_use_or_published_is_never_edited_in_place(session: AsyncSession) -> None:
    await install_sheets(session)
    tea = await _sheet(session, "148/2023", "tea", 1)
    tree = await revisions.load_tree(session, tea.id)
    criterion_id, edit = _edit_of(tree, "C.8.1", o6=4)
    with pytest.raises(Conflict, match="published: it is never edited in place"):
        await revisions.edit_criterion(session, criterion_id, edit)
    await _registration(session, tea)
    with pytest.raises(Conflict, match="used by 1 registrations"):
        await revisions.edit_criterion(session, criterion_id, edit)
    with pytest.raises(Conflict):
        await revisions.remove_criterion(session, criterion_id)


async def test_a_revision_is_published_only_once_its_parts_add_up(session: AsyncSession) -> None:
    await install_sheets(session)
    tea = await _sheet(session, "148/2023", "tea", 1)
    draft = await revisions.new_revision(session, tea.id)
    assert (draft.revision, draft.status, draft.source_digest) == (2, SheetStatus.draft, None)
    tree = await revisions.load_tree(session, draft.id)
    assert len(tree.criteria) == len((await revisions.load_tree(session, tea.id)).criteria)
    criterion_id, edit = _edit_of(tree, "C.8.1", o6=6)  # export: 5 → 6 points
    await revisions.edit_criterion(session, criterion_id, edit)
    with pytest.raises(InvalidInput) as refused:
        await revisions.publish(session, draft.id)
    assert [(e["field"], "36" in str(e["message"])) for e in refused.value.errors] == [("C", True)]
    criterion_id, edit = _edit_of(await revisions.load_tree(session, draft.id), "C.8.1", o6=5)
    await revisions.edit_criterion(session, criterion_id, edit)
    await revisions.publish(session, draft.id)
    await session.refresh(tea)
    await session.refresh(draft)
    assert (tea.status, draft.status) == (SheetStatus.retired, SheetStatus.published)


async def test_the_office_fills_a_structure_only_draft(session: AsyncSession) -> None:
    await install_sheets(session)
    flowers = await _sheet(session, "148/2023", "flowers", 1)
    added = await revisions.add_criterion(
        session,
        flowers.id,
        part=revisions.Part.c,
        group="7. Tiêu chuẩn sản phẩm",
        code="C.7.1",
        text="Tiêu chuẩn",
    )
    await revisions.edit_criterion(
        session,
        added.id,
        CriterionEdit(text="Tiêu chuẩn", options=[OptionEdit("Có", 2), OptionEdit("Không", 0)]),
    )
    tree = await revisions.load_tree(session, flowers.id)
    codes = [c.code for c in tree.criteria]
    assert codes.index("C.7.1") == codes.index("C.7") + 1  # at the end of its group
    assert [o.points for o in tree.options[added.id]] == [0, 2]  # fewest points first
    with pytest.raises(InvalidInput):
        await revisions.add_criterion(
            session, flowers.id, part=revisions.Part.c, group="x", code="C.7.1", text="y"
        )


# ---- pages ----


async def test_the_office_opens_a_sheet_and_corrects_it_as_a_revision(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await install_sheets(session)
    tea = await _sheet(session, "148/2023", "tea", 1)
    await session.commit()
    await login_as(client, session)
    listed = await client.get(f"{PAGES}/")
    assert listed.status_code == 200 and "Chè tươi, chè chế biến" in listed.text and "C 35/35" in listed.text
    shown = await client.get(f"{PAGES}/{tea.id}")
    assert shown.status_code == 200 and "C.8.1" in shown.text and "A.1.1" in shown.text
    made = await post(client, f"{PAGES}/{tea.id}", f"{PAGES}/{tea.id}/revisions", {})
    assert made.status_code == 303
    draft_page = made.headers["location"].split("?")[0]
    draft_id = int(draft_page.rsplit("/", 1)[1])
    tree = await revisions.load_tree(session, draft_id)
    export = next(c for c in tree.criteria if c.code == "C.8.1")
    await session.commit()
    form = await client.get(f"{PAGES}/criteria/{export.id}")
    assert form.status_code == 200
    fields = _option_fields(tree, export.id, last_points="7")
    saved = await post(client, f"{PAGES}/criteria/{export.id}", f"{PAGES}/criteria/{export.id}", fields)
    assert saved.status_code == 303, saved.text
    refused = await post(client, draft_page, f"{draft_page}/publish", {})
    assert refused.status_code == 422 and "37 / 35" in refused.text
    fields = _option_fields(tree, export.id, last_points="5")
    await post(client, f"{PAGES}/criteria/{export.id}", f"{PAGES}/criteria/{export.id}", fields)
    published = await post(client, draft_page, f"{draft_page}/publish", {})
    assert published.status_code == 303
    again = await client.get(f"{PAGES}/criteria/{export.id}")
    assert again.status_code == 409  # published: never edited in place


def _option_fields(tree: revisions.SheetTree, criterion_id: int, *, last_points: str) -> dict[str, object]:
    criterion = next(c for c in tree.criteria if c.id == criterion_id)
    options = tree.options[criterion_id]
    points = [str(o.points) for o in options[:-1]] + [last_points]
    return {
        "text": criterion.text,
        "guidance": criterion.guidance or "",
        "line-label": [*(o.label for o in options), "", ""],
        "line-points": [*points, "", ""],
        "line-star": [*(str(o.mandatory_for_star or "") for o in options), "", ""],
    }


async def test_only_the_office_opens_the_sheet_screens(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    maker = await f.producer(session)
    await session.commit()
    await login_as(client, session, Role.cooperative, producer_code=maker.code)
    assert (await client.get(f"{PAGES}/")).status_code == 403


# ---- API ----


async def test_anyone_signed_in_reads_the_published_sheets_through_the_api(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await install_sheets(session)
    maker = await f.producer(session)
    coop_name = await f.user(session, Role.cooperative, producer_code=maker.code)
    await session.commit()
    assert (await client.get(SHEETS)).status_code == 401
    coop = await f.bearer(client, coop_name)
    listed = (await client.get(SHEETS, params={"page_size": 2}, headers=coop)).json()
    assert set(listed) == {"items", "total", "page", "page_size"}
    assert listed["total"] == 3 and len(listed["items"]) == 2  # drafts are the office's
    office = await f.admin_headers(session, client)
    assert (await client.get(SHEETS, headers=office)).json()["total"] == 26
    tea = next(
        i
        for i in (await client.get(SHEETS, params={"version": "148/2023"}, headers=coop)).json()["items"]
        if i["product_set"] == "tea"
    )
    assert tea["totals"] == tea["part_points"] == {"A": 40, "B": 25, "C": 35}
    detail = (await client.get(f"{SHEETS}/{tea['id']}", headers=coop)).json()
    assert [p["part"] for p in detail["parts"]] == ["A", "B", "C"]
    first = detail["parts"][0]["groups"][0]["criteria"][0]
    assert first["gate"] is True and first["options"][1]["mandatory_for_star"] == 3
    flowers = next(
        i
        for i in (await client.get(SHEETS, params={"product_set": "flowers"}, headers=office)).json()["items"]
    )
    assert (await client.get(f"{SHEETS}/{flowers['id']}", headers=coop)).status_code == 404
    assert (await client.get(f"{SHEETS}/{flowers['id']}", headers=office)).json()["problems"]


async def test_the_office_corrects_a_sheet_through_the_api(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await install_sheets(session)
    tea = await _sheet(session, "148/2023", "tea", 1)
    await session.commit()
    office = await f.admin_headers(session, client)
    made = await client.post(f"{SHEETS}/{tea.id}/revisions", headers=office)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    draft = made.json()
    criterion = draft["parts"][2]["groups"][-1]["criteria"][0]
    body = {
        "text": criterion["text"],
        "gate": False,
        "options": [{"label": o["label"], "points": o["points"]} for o in criterion["options"][:-1]],
    }
    edited = await client.put(f"{SHEETS}/criteria/{criterion['id']}", json=body, headers=office)
    assert edited.status_code == 200 and edited.json()["max_points"] == 4
    refused = await client.post(f"{SHEETS}/{draft['id']}/publish", headers=office)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "C"
    missing = await client.put(f"{SHEETS}/criteria/2000000000", json=body, headers=office)
    assert missing.status_code == 404
    stored = (await client.get(f"{SHEETS}/{tea.id}", headers=office)).json()
    gate_id = stored["parts"][0]["groups"][0]["criteria"][0]["id"]
    published = await client.put(f"{SHEETS}/criteria/{gate_id}", json=body, headers=office)
    assert published.status_code == 409
