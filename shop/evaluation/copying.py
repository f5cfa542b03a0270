"""A new dossier starts as a copy of the product's last one (a re-evaluation after 36 months,
an upgrade a year later): the options chosen, the notes and the uploaded files are copied and
marked for review, and the links to what the system holds are made again from today's data
(sales and distribution figures, quality certifications in force, the latest batches), so the
producer confirms what still holds instead of writing 300 pages again."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.evaluation import evidence
from shop.evaluation.figures import Figures, product_figures
from shop.evaluation.models.registrations import DossierAnswer, Registration, RegistrationStatus
from shop.evaluation.models.sheets import Criterion, CriterionOption

MAX_BATCH_LINKS = 5


async def last_dossier(session: AsyncSession, registration: Registration) -> Registration | None:
    """The product's most recent other registration (a withdrawn one is not a dossier)."""
    return await session.scalar(
        sa.select(Registration)
        .where(
            Registration.product_id == registration.product_id,
            Registration.id != registration.id,
            Registration.status != RegistrationStatus.withdrawn,
        )
        .order_by(Registration.created_at.desc(), Registration.id.desc())
        .limit(1)
    )


async def _answers(session: AsyncSession, registration_id: int) -> list[tuple[DossierAnswer, Criterion]]:
    rows = await session.execute(
        sa.select(DossierAnswer, Criterion)
        .join(Criterion, Criterion.id == DossierAnswer.criterion_id)
        .where(DossierAnswer.registration_id == registration_id)
        .order_by(Criterion.position)
    )
    return [(a, c) for a, c in rows]


async def _option_labels(session: AsyncSession, criterion_ids: list[int]) -> dict[int, list[CriterionOption]]:
    found: dict[int, list[CriterionOption]] = {}
    rows = await session.scalars(
        sa.select(CriterionOption)
        .where(CriterionOption.criterion_id.in_(criterion_ids))
        .order_by(CriterionOption.position)
    )
    for option in rows:
        found.setdefault(option.criterion_id, []).append(option)
    return found


async def copy_dossier(
    session: AsyncSession, registration: Registration, previous: Registration, *, today: dt.date
) -> int:
    """Fill ``registration``'s answers from ``previous``'s; how many answers were copied.
    Criteria are matched by id on the same sheet, else by code; options by their text."""
    registration.previous_id = previous.id
    old = {c.code: a for a, c in await _answers(session, previous.id)}
    new = await _answers(session, registration.id)
    same_sheet = previous.sheet_id == registration.sheet_id
    old_options = await _option_labels(session, [a.criterion_id for a in old.values()])
    new_options = await _option_labels(session, [c.id for _, c in new])
    figures = await product_figures(session, registration.product_id, today=today)
    copied = 0
    for answer, criterion in new:
        before = old.get(criterion.code)
        if before is None:
            continue
        labels = {o.id: o.label for o in old_options.get(before.criterion_id, [])}
        answer.option_id = (
            before.option_id
            if same_sheet
            else next(
                (
                    o.id
                    for o in new_options.get(criterion.id, [])
                    if o.label == labels.get(before.option_id or 0)
                ),
                None,
            )
        )
        answer.note = before.note
        answer.evidence = refreshed(before.evidence or [], figures)
        answer.needs_review = True
        copied += 1
    await session.flush()
    return copied


def refreshed(items: list[dict[str, Any]], figures: Figures) -> list[dict[str, Any]]:
    """Files copied and marked for review; links made again from today's figures."""
    kept = [{**item, "copied": True} for item in items if evidence.is_file(item)]
    kinds = {str(item.get("kind")) for item in items}
    if "quality" in kinds:
        kept += [evidence.quality_item(q) for q in figures.quality if q.valid]
    if "batch" in kinds:
        linked = sum(1 for item in items if item.get("kind") == "batch")
        kept += [evidence.batch_item(b) for b in figures.batches[: max(1, min(linked, MAX_BATCH_LINKS))]]
    if "sales" in kinds:
        kept.append(evidence.sales_item(figures))
    return kept
