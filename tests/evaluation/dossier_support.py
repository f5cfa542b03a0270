"""Factories for the dossier tests: a tiny published score sheet (four criteria, a few options
each), a round of the product's province with deadlines around today, cooperative and office
accounts with their bearer tokens."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.catalog.models import Product
from shop.catalog.sellability import today
from shop.evaluation.models.registrations import EvaluationRound, RoundStatus
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption, Part, SheetStatus
from tests import factories as f

_seq = itertools.count(1)

# code, part, text, options' points
CRITERIA = (
    ("A.1", Part.a, "Nguồn gốc ý tưởng sản phẩm", (0, 2, 4)),
    ("A.2", Part.a, "Sử dụng lao động địa phương", (0, 1)),
    ("B.1", Part.b, "Kênh phân phối", (1, 3, 5)),
    ("C.1", Part.c, "Quản lý chất lượng", (0, 4, 5)),
)


async def sheet(session: AsyncSession, product_set: str | None = None, **kw: Any) -> CriteriaSheet:
    found = CriteriaSheet(
        version=kw.pop("version", "148/2023"),
        product_set=product_set or f"set-{next(_seq)}",
        revision=kw.pop("revision", 1),
        name=kw.pop("name", f"Phiếu thử {next(_seq)}"),
        status=kw.pop("status", SheetStatus.published),
        source_note="tests",
    )
    session.add(found)
    await session.flush()
    for position, (code, part, text, points) in enumerate(CRITERIA):
        criterion = Criterion(
            sheet_id=found.id,
            part=part,
            group_name=f"Nhóm {part.value}",
            code=code,
            text=text,
            guidance=None,
            gate=False,
            max_points=max(points),
            position=position,
        )
        session.add(criterion)
        await session.flush()
        session.add_all(
            CriterionOption(criterion_id=criterion.id, label=f"{code} – {p} điểm", points=p, position=i)
            for i, p in enumerate(points)
        )
    await session.flush()
    return found


async def round_for(session: AsyncSession, item: Product, **kw: Any) -> EvaluationRound:
    """An open round of the product's province, deadlines ahead of today."""
    on = today()
    data: dict[str, Any] = {
        "province_id": item.origin_province_id,
        "year": on.year,
        "number": next(_seq) % 4 + 1,
        "registration_until": on + dt.timedelta(days=10),
        "dossier_until": on + dt.timedelta(days=20),
        "scoring_until": on + dt.timedelta(days=30),
        "status": RoundStatus.open,
    } | kw
    found = EvaluationRound(**data)
    session.add(found)
    await session.flush()
    return found


async def cooperative(session: AsyncSession, client: httpx.AsyncClient, producer_code: str) -> dict[str, str]:
    name = await f.user(session, Role.cooperative, producer_code=producer_code)
    await session.commit()
    return await f.bearer(client, name)


def option_ids(detail: dict[str, Any], pick: int = -1) -> dict[int, int]:
    """criterion id → the id of its option at ``pick`` (the best one by default)."""
    return {a["criterion_id"]: a["options"][pick]["id"] for a in detail["answers"]}


def all_answers(detail: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"answers": [{"criterion_id": c, "option_id": o, **extra} for c, o in option_ids(detail).items()]}
