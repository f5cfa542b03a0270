"""Small factories for the evaluation cycle: a tiny score sheet, a round, registrations
ready for a council, a council with its members, and members' sheets filled by points.

The tiny sheet sums to 100 (A 40, B 25, C 35) and has one of each kind of criterion:

====  ====  ===============================  =========================================
code  max   options (points)                 markers
====  ====  ===============================  =========================================
A.1     5   0, 5                             gate: 0 stops the sheet
A.2    35   10, 20, 30, 35
B.1    25   5, 10, 15, 20, 25                20 is mandatory for 5★
C.1    20   0, 5, 10, 15, 20                 5 is mandatory for 3★, 15 for 4★
C.2    15   0, 2, 6, 7, 9, 11, 13, 15
====  ====  ===============================  =========================================
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser, Role
from shop.catalog.models import Product
from shop.evaluation import councils, scoring
from shop.evaluation.council_schemas import CouncilIn, MemberIn, ScoreLineIn
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.models.scoring import Council, CouncilMember, MemberRole, ScoreSheet
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, Part, SheetStatus
from shop.geo.models import Place, PlaceEra, PlaceLevel
from tests import factories as f

_seq = itertools.count(1)

# code, part, text, gate, options as (points, mandatory_for_star)
TINY = (
    (
        "A.1",
        Part.a,
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm còn hiệu lực",
        True,
        ((0, None), (5, None)),
    ),
    ("A.2", Part.a, "Tổ chức sản xuất", False, tuple((p, None) for p in (10, 20, 30, 35))),
    (
        "B.1",
        Part.b,
        "Tiếp thị và câu chuyện sản phẩm",
        False,
        ((5, None), (10, None), (15, None), (20, 5), (25, None)),
    ),
    (
        "C.1",
        Part.c,
        "Tiêu chuẩn sản phẩm, công bố chất lượng",
        False,
        ((0, None), (5, 3), (10, None), (15, 4), (20, None)),
    ),
    (
        "C.2",
        Part.c,
        "Cảm quan, dinh dưỡng, tính độc đáo",
        False,
        tuple((p, None) for p in (0, 2, 6, 7, 9, 11, 13, 15)),
    ),
)


async def sheet(session: AsyncSession, product_set: str = "processed-food") -> CriteriaSheet:
    found = CriteriaSheet(
        version="148/2023",
        product_set=f"{product_set}-{next(_seq)}",
        revision=1,
        name="Phiếu chấm thử nghiệm",
        status=SheetStatus.published,
        source_note="tests",
    )
    session.add(found)
    await session.flush()
    for position, (code, part, text, gate, options) in enumerate(TINY):
        criterion = Criterion(
            sheet_id=found.id,
            part=part,
            group_name=f"Nhóm {part.value}",
            code=code,
            text=text,
            guidance=f"Hướng dẫn chấm {code}",
            gate=gate,
            max_points=max(p for p, _ in options),
            position=position,
        )
        session.add(criterion)
        await session.flush()
        for i, (points, star) in enumerate(options):
            label = f"{code}: {points} điểm"
            session.add(
                CriterionOption(
                    criterion_id=criterion.id, label=label, points=points, mandatory_for_star=star, position=i
                )
            )
    await session.flush()
    return found


async def province_id(session: AsyncSession) -> int:
    found = await session.scalar(
        sa.select(Place.id)
        .where(Place.level == PlaceLevel.province, Place.era == PlaceEra.current)
        .order_by(Place.id)
        .limit(1)
    )
    assert found is not None
    return found


async def round_(session: AsyncSession, **kw: Any) -> EvaluationRound:
    data = {
        "province_id": await province_id(session),
        "year": 2025 + next(_seq),  # (province, year, number) is unique
        "number": 1,
        "registration_until": dt.date(2026, 3, 31),
        "dossier_until": dt.date(2026, 5, 31),
        "scoring_until": dt.date(2026, 8, 31),
        "status": RoundStatus.scoring,
    } | kw
    found = EvaluationRound(**data)
    session.add(found)
    await session.flush()
    return found


async def registration(
    session: AsyncSession,
    round_row: EvaluationRound,
    criteria: CriteriaSheet,
    item: Product | None = None,
    *,
    kind: EvaluationKind = EvaluationKind.first,
    status: RegistrationStatus = RegistrationStatus.reviewed,
    **product_kw: Any,
) -> Registration:
    item = item or await f.product(session, **product_kw)
    found = Registration(
        round_id=round_row.id,
        product_id=item.id,
        producer_id=item.producer_id,
        sheet_id=criteria.id,
        kind=kind,
        status=status,
    )
    session.add(found)
    await session.flush()
    return found


async def user_id(session: AsyncSession, username: str) -> int:
    found = await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == username))
    assert found is not None
    return found


async def council(
    session: AsyncSession, round_row: EvaluationRound, roles: tuple[MemberRole, ...], **kw: Any
) -> tuple[Council, list[tuple[str, CouncilMember]]]:
    """A council with one member per role given (office accounts made here), and their
    usernames, in that order."""
    names = [await f.user(session, Role.admin, **kw) for _ in roles]
    members = [
        MemberIn(user_id=await user_id(session, name), role=role)
        for name, role in zip(names, roles, strict=True)
    ]
    made = await councils.create(
        session, CouncilIn(round_id=round_row.id, name=f"Hội đồng {next(_seq)}", members=members)
    )
    seats = await councils.members(session, made.id)
    by_user = {row.member.user_id: row.member for row in seats}
    return made, [(name, by_user[m.user_id]) for name, m in zip(names, members, strict=True)]


def lines_for(
    view: scoring.SheetView, points: Mapping[str, int], comments: Mapping[str, str] | None = None
) -> list[ScoreLineIn]:
    """The request choosing, for each criterion code, the option with those points."""
    lines = []
    for criterion in view.criteria:
        if criterion.code not in points:
            continue
        option = next(o for o in criterion.options if o.points == points[criterion.code])
        lines.append(
            ScoreLineIn(
                criterion_id=criterion.id, option_id=option.id, comment=(comments or {}).get(criterion.code)
            )
        )
    return lines


def split(total: int) -> dict[str, int]:
    """Options of the tiny sheet adding up to ``total`` (45 ≤ total ≤ 100), meeting the 4★
    mandatory criterion (C.1 at 15 or more) and, from 90 points, the 5★ one (B.1 at 20 or more)."""
    for a2, b1, c1, c2 in itertools.product(
        (35, 30, 20), (25, 20, 15, 10, 5), (20, 15), (15, 13, 11, 9, 7, 6, 2, 0)
    ):
        if 5 + a2 + b1 + c1 + c2 == total:
            return {"A.1": 5, "A.2": a2, "B.1": b1, "C.1": c1, "C.2": c2}
    raise AssertionError(f"no split of {total}")


async def scored(
    session: AsyncSession,
    registration_row: Registration,
    member: CouncilMember,
    points: Mapping[str, int],
    *,
    sign: bool = True,
    comments: Mapping[str, str] | None = None,
) -> ScoreSheet:
    view = await scoring.load_sheet(session, registration_row.sheet_id)
    sheet_row, _ = await scoring.save(session, registration_row, member, lines_for(view, points, comments))
    if sign:
        sheet_row = await scoring.sign(session, registration_row, member)
    return sheet_row
