"""The province's decision on a round's results: it makes the certificates in the catalog
(through ``certificates.certify``, so a renewal waits as scheduled while the running
certificate still runs), records the evaluations below 3★ as failures, and tells each
producer its score per part and the council's comments.

A decision is known by its round and number: issuing it again changes nothing for the
registrations it already lists (each registration is decided once), and adds those it did
not list yet. All or nothing: one registration that cannot be decided refuses the request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates
from shop.catalog.models import (
    Certificate,
    CertificateStatus,
    CouncilLevel,
    FailedEvaluation,
    Producer,
    Product,
)
from shop.catalog.schemas import CertificateIn
from shop.errors import Conflict, InvalidInput, field_error
from shop.evaluation import results, scoring
from shop.evaluation.council_schemas import DecisionIn
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
)
from shop.evaluation.models.results import DecisionLine, EvaluationDecision, EvaluationResult
from shop.evaluation.models.sheets import CriteriaSheet
from shop.i18n import N_
from shop.mail.render import queue_template


@dataclass(frozen=True)
class Planned:
    """What a decision does for one registration, before it is done (the preview)."""

    registration: Registration
    product: Product
    producer: Producer
    result: EvaluationResult
    criteria_version: str
    stars: int
    level: CouncilLevel
    valid_from: dt.date | None  # None: not certified

    @property
    def certified(self) -> bool:
        return self.stars >= 3

    @property
    def valid_until(self) -> dt.date | None:
        return certificates.default_valid_until(self.valid_from) if self.valid_from else None


@dataclass(frozen=True)
class Issued:
    decision: EvaluationDecision
    made: list[DecisionLine]  # the lines this request added (none when it was issued before)


async def find(session: AsyncSession, round_id: int, number: str) -> EvaluationDecision | None:
    return await session.scalar(
        sa.select(EvaluationDecision).where(
            EvaluationDecision.round_id == round_id, EvaluationDecision.number == number.strip()
        )
    )


async def _valid_from(session: AsyncSession, registration: Registration, decided_on: dt.date) -> dt.date:
    """The decision's date; a renewal decided while the running certificate still runs starts
    the day after it ends (an upgrade takes effect at once: more stars are not held back)."""
    if registration.kind is EvaluationKind.upgrade:
        return decided_on
    running = await session.scalar(
        sa.select(Certificate).where(
            Certificate.product_id == registration.product_id, Certificate.status == CertificateStatus.active
        )
    )
    if running is not None and running.valid_until >= decided_on:
        return running.valid_until + dt.timedelta(days=1)
    return decided_on


async def _plan_one(
    session: AsyncSession, round_id: int, registration_id: int, decided_on: dt.date
) -> Planned | str:
    """The plan for one registration, or why it cannot be decided (a message id)."""
    registration = await session.get(Registration, registration_id)
    if registration is None or registration.round_id != round_id:
        return N_("No registration {key} in this round.")
    if registration.status is RegistrationStatus.decided:
        return N_("Registration {key} is already decided.")
    result = await results.stored_result(session, registration.id)
    if result is None or registration.status is not RegistrationStatus.ranked:
        return N_("Registration {key} has no recorded result: the council must rank it first.")
    stars = results.final_stars(result)
    if stars is None:
        return N_("Registration {key} waits for the central level's answer (90 points or more).")
    product = await session.get(Product, registration.product_id)
    producer = await session.get(Producer, registration.producer_id)
    sheet = await session.get(CriteriaSheet, registration.sheet_id)
    assert product is not None
    assert producer is not None
    assert sheet is not None
    valid_from = await _valid_from(session, registration, decided_on) if stars >= 3 else None
    level = results.council_level(result)
    return Planned(registration, product, producer, result, sheet.version, stars, level, valid_from)


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)  # what a decision's date can be


async def plan(
    session: AsyncSession, round_id: int, registration_ids: Sequence[int], decided_on: dt.date
) -> list[Planned]:
    """What deciding these registrations would do; a ``Conflict`` naming each that cannot."""
    if not EARLIEST <= decided_on <= LATEST:
        raise InvalidInput(errors=[field_error("decided_on", N_("Enter the date of the decision."))])
    planned, errors = [], []
    for i, registration_id in enumerate(registration_ids):
        found = await _plan_one(session, round_id, registration_id, decided_on)
        if isinstance(found, str):
            errors.append(field_error(f"registration_ids[{i}]", found, key=registration_id))
        else:
            planned.append(found)
    if errors:
        raise Conflict(N_("Some registrations cannot be decided."), error_code="not_decidable", errors=errors)
    return planned


def _same(decision: EvaluationDecision, data: DecisionIn) -> bool:
    return (decision.decided_on, decision.signer, decision.issuer) == (
        data.decided_on,
        data.signer.strip(),
        data.issuer.strip(),
    )


async def preview(session: AsyncSession, data: DecisionIn) -> list[Planned]:
    """The lines issuing ``data`` would add (those already decided by it are left out)."""
    decision = await find(session, data.round_id, data.number)
    listed = await _listed(session, decision)
    return await plan(
        session,
        data.round_id,
        [i for i in dict.fromkeys(data.registration_ids) if i not in listed],
        data.decided_on,
    )


async def _listed(session: AsyncSession, decision: EvaluationDecision | None) -> set[int]:
    if decision is None:
        return set()
    rows = await session.scalars(
        sa.select(DecisionLine.registration_id).where(DecisionLine.decision_id == decision.id)
    )
    return set(rows)


async def issue(session: AsyncSession, data: DecisionIn, *, today: dt.date) -> Issued:
    """Issue (or re-issue) the decision; see the module's docstring."""
    round_row = await session.scalar(
        sa.select(EvaluationRound).where(EvaluationRound.id == data.round_id).with_for_update()
    )
    if round_row is None:
        raise Conflict(N_("No round {key}."), error_code="no_round", key=data.round_id)
    decision = await find(session, data.round_id, data.number)
    if decision is not None and not _same(decision, data):
        raise Conflict(
            N_("Decision {number} was recorded with another date, signer or issuer."),
            error_code="decision_differs",
            number=decision.number,
        )
    listed = await _listed(session, decision)
    wanted = [i for i in dict.fromkeys(data.registration_ids) if i not in listed]
    planned = await plan(session, data.round_id, wanted, data.decided_on)
    if decision is None:
        decision = EvaluationDecision(
            round_id=data.round_id,
            number=data.number.strip(),
            decided_on=data.decided_on,
            signer=data.signer.strip(),
            issuer=data.issuer.strip(),
        )
        session.add(decision)
        await session.flush()
    made = [await _apply(session, decision, item, today=today) for item in planned]
    for item, line in zip(planned, made, strict=True):
        await _notify(session, decision, item, line)
    return Issued(decision, made)


async def _apply(
    session: AsyncSession, decision: EvaluationDecision, item: Planned, *, today: dt.date
) -> DecisionLine:
    line = DecisionLine(decision_id=decision.id, registration_id=item.registration.id, stars=item.stars)
    result = item.result
    if item.certified:
        cert = await certificates.certify(
            session,
            CertificateIn(
                product_id=item.product.id,
                stars=item.stars,
                council_level=item.level,
                issuer=decision.issuer,
                decision_number=decision.number,
                decision_date=decision.decided_on,
                score=results.whole_points(result.mean_hundredths),
                score_a=results.whole_points(result.part_a_hundredths),
                score_b=results.whole_points(result.part_b_hundredths),
                score_c=results.whole_points(result.part_c_hundredths),
                valid_from=item.valid_from,
                criteria_version=item.criteria_version,
            ),
            today=today,
        )
        line.certificate_id = cert.id
    else:
        failure = FailedEvaluation(
            producer_id=item.producer.id,
            product_id=item.product.id,
            product_name=item.product.name,
            province_id=item.product.origin_province_id,
            council_level=CouncilLevel.province,
            evaluated_on=decision.decided_on,
            score=results.whole_points(result.mean_hundredths),
            stars=item.stars,
            note=(f"{decision.number}: " + ", ".join(result.failed_mandatory))[:500]
            if result.failed_mandatory
            else decision.number,
        )
        session.add(failure)
        await session.flush()
        line.failed_evaluation_id = failure.id
    item.registration.status = RegistrationStatus.decided
    session.add(line)
    await session.flush()
    return line


@dataclass(frozen=True)
class Remark:
    code: str
    text: str
    comments: list[str]


async def remarks(session: AsyncSession, registration: Registration) -> list[Remark]:
    """The council's comments on each criterion, from the sheets that count (unsigned)."""
    sheets = await scoring.signed_sheets(session, registration.id)
    view = await scoring.load_sheet(session, registration.sheet_id)
    by_criterion: dict[int, list[str]] = {}
    for found in (await scoring.lines_of(session, [s.id for s in sheets])).values():
        for line in found:
            if line.comment:
                by_criterion.setdefault(line.criterion_id, []).append(line.comment)
    return [Remark(c.code, c.text, by_criterion[c.id]) for c in view.criteria if c.id in by_criterion]


async def _notify(
    session: AsyncSession, decision: EvaluationDecision, item: Planned, line: DecisionLine
) -> None:
    """The producer learns its result from the decision: stars, score per part, comments."""
    if not item.producer.email:
        return
    await queue_template(
        session,
        key=f"evaluation:decision:{decision.id}:registration:{item.registration.id}",
        to=item.producer.email,
        template="evaluation/email_decision.txt",
        language="vi",
        decision=decision,
        item=item,
        line=line,
        result=item.result,
        remarks=await remarks(session, item.registration),
        points=results.points_text,
    )


@dataclass(frozen=True)
class AnnexRow:
    registration: Registration
    product: Product
    producer: Producer
    result: EvaluationResult
    line: DecisionLine
    certificate: Certificate | None
    failure: FailedEvaluation | None


async def annex_rows(session: AsyncSession, decision: EvaluationDecision) -> list[AnnexRow]:
    """The decision's lines with what the annex prints, certified first then by score."""
    rows = await session.execute(
        sa.select(
            DecisionLine, Registration, Product, Producer, EvaluationResult, Certificate, FailedEvaluation
        )
        .join(Registration, Registration.id == DecisionLine.registration_id)
        .join(Product, Product.id == Registration.product_id)
        .join(Producer, Producer.id == Registration.producer_id)
        .join(EvaluationResult, EvaluationResult.registration_id == Registration.id)
        .outerjoin(Certificate, Certificate.id == DecisionLine.certificate_id)
        .outerjoin(FailedEvaluation, FailedEvaluation.id == DecisionLine.failed_evaluation_id)
        .where(DecisionLine.decision_id == decision.id)
    )
    found = [AnnexRow(r, p, m, res, line, c, f) for line, r, p, m, res, c, f in rows.all()]
    return sorted(found, key=lambda row: (-row.line.stars, -row.result.mean_hundredths, row.product.name))


async def decision_or_none(session: AsyncSession, decision_id: int) -> EvaluationDecision | None:
    return await session.get(EvaluationDecision, decision_id)


async def listing(session: AsyncSession, round_id: int | None = None) -> list[tuple[EvaluationDecision, int]]:
    """Decisions, newest first, with how many registrations each lists."""
    counted = (
        sa.select(sa.func.count(DecisionLine.id))
        .where(DecisionLine.decision_id == EvaluationDecision.id)
        .scalar_subquery()
    )
    stmt = sa.select(EvaluationDecision, counted).order_by(
        EvaluationDecision.decided_on.desc(), EvaluationDecision.id.desc()
    )
    if round_id is not None:
        stmt = stmt.where(EvaluationDecision.round_id == round_id)
    return [(d, int(n or 0)) for d, n in (await session.execute(stmt)).all()]


async def decidable(
    session: AsyncSession, round_id: int
) -> list[tuple[Registration, Product, EvaluationResult]]:
    """A round's ranked registrations, waiting for a decision (the decision form's list)."""
    rows = await session.execute(
        sa.select(Registration, Product, EvaluationResult)
        .join(Product, Product.id == Registration.product_id)
        .join(EvaluationResult, EvaluationResult.registration_id == Registration.id)
        .where(Registration.round_id == round_id, Registration.status == RegistrationStatus.ranked)
        .order_by(EvaluationResult.mean_hundredths.desc(), Product.name)
    )
    return [(r, p, res) for r, p, res in rows.all()]
