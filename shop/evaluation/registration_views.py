"""Rounds, registrations and dossiers as the API answers them (pages draw the same rows)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer, Product
from shop.errors import NotFound
from shop.evaluation import dossier, evidence
from shop.evaluation.figures import Figures, product_figures
from shop.evaluation.models.registrations import DossierAnswer, EvaluationRound, Registration
from shop.evaluation.models.sheets import CriteriaSheet
from shop.evaluation.registration_schemas import (
    AnswerOut,
    FiguresOut,
    OptionOut,
    RegistrationDetailOut,
    RegistrationOut,
    RoundOut,
)
from shop.evaluation.registrations import Listed
from shop.evaluation.rounds import RoundRow, accepts_registrations
from shop.i18n import N_, gettext


def round_out(row: RoundRow, today: dt.date) -> RoundOut:
    r = row.round
    return RoundOut(
        id=r.id,
        province_id=r.province_id,
        province=row.province,
        year=r.year,
        number=r.number,
        registration_until=r.registration_until,
        dossier_until=r.dossier_until,
        scoring_until=r.scoring_until,
        status=r.status,
        accepts_registrations=accepts_registrations(r, today),
        registrations=row.registrations,
    )


async def answered_counts(session: AsyncSession, registration_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(criteria answered, criteria) per registration, in one query."""
    if not registration_ids:
        return {}
    rows = await session.execute(
        sa.select(
            DossierAnswer.registration_id,
            sa.func.count(DossierAnswer.option_id),
            sa.func.count(),
        )
        .where(DossierAnswer.registration_id.in_(registration_ids))
        .group_by(DossierAnswer.registration_id)
    )
    return {rid: (int(done), int(n)) for rid, done, n in rows}


def registration_out(item: Listed, counts: tuple[int, int]) -> RegistrationOut:
    r = item.registration
    return RegistrationOut(
        id=r.id,
        round_id=r.round_id,
        product_id=item.product.id,
        product_name=item.product.name,
        producer_code=item.producer.code,
        producer_name=item.producer.name,
        product_set=item.sheet.product_set,
        sheet_id=item.sheet.id,
        criteria_version=item.sheet.version,
        kind=r.kind,
        status=r.status,
        previous_id=r.previous_id,
        answered=counts[0],
        criteria=counts[1],
        submitted_at=r.submitted_at,
        created_at=r.created_at,
    )


async def listed_one(session: AsyncSession, registration: Registration) -> Listed:
    product = await session.get(Product, registration.product_id)
    producer = await session.get(Producer, registration.producer_id)
    sheet = await session.get(CriteriaSheet, registration.sheet_id)
    if product is None or producer is None or sheet is None:  # foreign keys: never
        raise NotFound(N_("No registration {key}."), key=registration.id)
    return Listed(registration, product, producer, sheet, None, None)


def answer_out(registration: Registration, row: dossier.AnswerRow) -> AnswerOut:
    a, c = row.answer, row.criterion
    return AnswerOut(
        criterion_id=c.id,
        code=c.code,
        part=c.part.value,
        group=c.group_name,
        text=c.text,
        max_points=c.max_points,
        options=[OptionOut(o.id, o.label, o.points) for o in row.options],
        option_id=a.option_id,
        note=a.note,
        evidence=[evidence.out(registration.id, item) for item in a.evidence or []],
        needs_review=a.needs_review,
        office_comment=a.office_comment,
        advisory_comment=a.advisory_comment,
        missing=row.missing(registration.status),
    )


def figures_out(figures: Figures) -> FiguresOut:
    return FiguresOut(
        period_from=figures.period_from,
        period_until=figures.period_until,
        till_units=figures.till_units,
        till_vnd=figures.till_vnd,
        online_units=figures.online_units,
        online_vnd=figures.online_vnd,
        sales_points=figures.sales_points,
        provinces=list(figures.provinces),
        quality_certifications=[evidence.label(evidence.quality_item(q)) for q in figures.quality],
        traceable_batches=figures.batch_count,
    )


async def detail_out(
    session: AsyncSession, registration: Registration, *, today: dt.date
) -> RegistrationDetailOut:
    rows = await dossier.answer_rows(session, registration.id)
    found = await session.get(EvaluationRound, registration.round_id)
    listed = await listed_one(session, registration)
    counts = (sum(1 for r in rows if r.answer.option_id is not None), len(rows))
    return RegistrationDetailOut(
        registration=registration_out(listed, counts),
        answers=[answer_out(registration, row) for row in rows],
        checklist=dossier.checklist(rows, registration.status),
        can_edit=found is not None and dossier.can_edit(registration, found, today),
        office_note=registration.office_note,
        commune_confirmed=registration.commune_confirmed,
        commune_note=registration.commune_note,
        advisory_note=registration.advisory_note,
        inspected_on=registration.inspected_on,
        figures=figures_out(await product_figures(session, registration.product_id, today=today)),
    )


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS.get(status, status))


STATUS_LABELS = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "returned": N_("Returned for completion"),
    "accepted": N_("Accepted by the office"),
    "commune_checked": N_("Checked by the commune"),
    "reviewed": N_("Reviewed by the advisory group"),
    "ranked": N_("Ranked by the council"),
    "decided": N_("Decided"),
    "withdrawn": N_("Withdrawn"),
}
KIND_LABELS = {
    "first": N_("First evaluation"),
    "upgrade": N_("Upgrade"),
    "re_evaluation": N_("Re-evaluation"),
}
ROUND_STATUS_LABELS = {
    "open": N_("Taking registrations"),
    "scoring": N_("Scoring"),
    "decided": N_("Decided"),
    "closed": N_("Closed"),
}
