"""What the evaluation API answers, built from the services' rows and read models."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.evaluation import councils, decisions, results, scoring
from shop.evaluation.council_schemas import (
    AssignedOut,
    CouncilOut,
    CriteriaOut,
    CriterionOut,
    DecisionLineOut,
    DecisionOut,
    DossierOut,
    MemberOut,
    MemberTotalOut,
    OptionOut,
    ResultOut,
    ScoreLineOut,
    ScoreSheetOut,
)
from shop.evaluation.models.registrations import DossierAnswer, Registration
from shop.evaluation.models.results import EvaluationDecision
from shop.evaluation.models.scoring import ScoreSheet
from shop.evaluation.models.sheets import Part


def council_out(found: councils.CouncilDetail) -> CouncilOut:
    return CouncilOut(
        id=found.council.id,
        round_id=found.council.round_id,
        name=found.council.name,
        members=[
            MemberOut(
                id=row.member.id,
                user_id=row.member.user_id,
                username=row.username,
                name=row.name,
                role=row.member.role,
            )
            for row in found.members
        ],
        quorum=found.quorum,
        registrations=[
            AssignedOut(
                registration_id=row.registration.id,
                product_id=row.product.id,
                product_name=row.product.name,
                producer_name=row.producer.name,
                status=row.registration.status.value,
                signed_sheets=row.signed_sheets,
            )
            for row in found.registrations
        ],
    )


async def sheet_out(session: AsyncSession, registration: Registration, sheet: ScoreSheet) -> ScoreSheetOut:
    view = await scoring.load_sheet(session, registration.sheet_id)
    stored = (await scoring.lines_of(session, [sheet.id]))[sheet.id]
    counted = scoring.tally(view, {line.criterion_id: line.option_id for line in stored})
    return ScoreSheetOut(
        id=sheet.id,
        registration_id=registration.id,
        version=sheet.version,
        status=sheet.status,
        reason=sheet.reason,
        part_a=sheet.part_a,
        part_b=sheet.part_b,
        part_c=sheet.part_c,
        total=sheet.total,
        gate_failed=sheet.gate_failed,
        missing=list(counted.missing),
        signed_at=sheet.signed_at,
        lines=[
            ScoreLineOut(
                criterion_id=line.criterion_id,
                code=view.by_id[line.criterion_id].code,
                option_id=line.option_id,
                points=line.points,
                comment=line.comment,
            )
            for line in stored
        ],
    )


async def dossier(session: AsyncSession, registration_id: int) -> dict[int, DossierAnswer]:
    rows = await session.scalars(
        sa.select(DossierAnswer).where(DossierAnswer.registration_id == registration_id)
    )
    return {row.criterion_id: row for row in rows}


async def criteria_out(session: AsyncSession, registration: Registration) -> CriteriaOut:
    view = await scoring.load_sheet(session, registration.sheet_id)
    answers = await dossier(session, registration.id)
    return CriteriaOut(
        sheet_id=view.id,
        version=view.version,
        product_set=view.product_set,
        name=view.name,
        criteria=[
            CriterionOut(
                id=c.id,
                code=c.code,
                part=c.part.value,
                group=c.group_name,
                text=c.text,
                guidance=c.guidance,
                gate=c.gate,
                max_points=c.max_points,
                options=[OptionOut(o.id, o.label, o.points, o.mandatory_for_star) for o in c.options],
                dossier=_dossier_out(answers.get(c.id)),
            )
            for c in view.criteria
        ],
    )


def _dossier_out(answer: DossierAnswer | None) -> DossierOut | None:
    if answer is None:
        return None
    return DossierOut(option_id=answer.option_id, note=answer.note, evidence=list(answer.evidence or []))


def result_out(found: results.Evaluation) -> ResultOut:
    stored, stars = found.stored, found.stars
    return ResultOut(
        registration_id=found.registration.id,
        standing=found.standing.value,
        members=found.members,
        quorum=found.quorum,
        signed=len(found.totals),
        chair_signed=found.chair_signed,
        totals=[
            MemberTotalOut(
                member_id=t.member.id,
                role=t.member.role,
                version=t.sheet.version,
                part_a=t.sheet.part_a,
                part_b=t.sheet.part_b,
                part_c=t.sheet.part_c,
                total=t.sheet.total,
                gate_failed=t.sheet.gate_failed,
            )
            for t in found.totals
        ],
        spread=found.spread,
        mean_hundredths=found.mean,
        part_a_hundredths=found.parts.get(Part.a),
        part_b_hundredths=found.parts.get(Part.b),
        part_c_hundredths=found.parts.get(Part.c),
        band_stars=stars.band if stars else None,
        stars=stars.stars if stars else None,
        failed_mandatory=[
            *(stars.failed_mandatory if stars else ()),
            *(f"{g} (gate)" for g in (stars.gates if stars else ())),
        ],
        gate_failed=list(stars.gates) if stars else [],
        forwarded_central=found.forwarded_central,
        ranked=stored is not None,
        central_outcome=stored.central_outcome if stored else None,
        central_reference=stored.central_reference if stored else None,
        central_decided_on=stored.central_decided_on if stored else None,
        final_stars=results.final_stars(stored) if stored else None,
    )


def planned_out(item: decisions.Planned) -> DecisionLineOut:
    return DecisionLineOut(
        registration_id=item.registration.id,
        product_id=item.product.id,
        product_name=item.product.name,
        producer_name=item.producer.name,
        score_hundredths=item.result.mean_hundredths,
        stars=item.stars,
        council_level=item.level.value,
        certified=item.certified,
        certificate_id=None,
        valid_from=item.valid_from,
        valid_until=item.valid_until,
        failed_evaluation_id=None,
        note=", ".join(item.result.failed_mandatory) or None,
    )


def annex_line_out(row: decisions.AnnexRow) -> DecisionLineOut:
    cert = row.certificate
    return DecisionLineOut(
        registration_id=row.registration.id,
        product_id=row.product.id,
        product_name=row.product.name,
        producer_name=row.producer.name,
        score_hundredths=row.result.mean_hundredths,
        stars=row.line.stars,
        council_level=cert.council_level.value
        if cert
        else row.failure.council_level.value
        if row.failure
        else "province",
        certified=cert is not None,
        certificate_id=cert.id if cert else None,
        valid_from=cert.valid_from if cert else None,
        valid_until=cert.valid_until if cert else None,
        failed_evaluation_id=row.failure.id if row.failure else None,
        note=", ".join(row.result.failed_mandatory) or None,
    )


async def decision_out(session: AsyncSession, decision: EvaluationDecision) -> DecisionOut:
    rows = await decisions.annex_rows(session, decision)
    base = f"/api/v1/evaluation/decisions/{decision.id}"
    return DecisionOut(
        id=decision.id,
        round_id=decision.round_id,
        number=decision.number,
        decided_on=decision.decided_on,
        signer=decision.signer,
        issuer=decision.issuer,
        lines=[annex_line_out(row) for row in rows],
        annex_pdf=f"{base}/annex.pdf",
        annex_xlsx=f"{base}/annex.xlsx",
    )
