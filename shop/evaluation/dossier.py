"""The producer's dossier: for each criterion of the score sheet, the option it claims, a note
and evidence (files and links to what the system holds), with a checklist of what is missing;
then the submission. Answers and evidence change only while the dossier is a draft or was
returned, and the round is open; a draft is first submitted by the dossier deadline (a dossier
the office returned may be completed after it, while the round is open)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.evaluation import evidence
from shop.evaluation.figures import product_figures, quality_rows
from shop.evaluation.models.registrations import (
    DossierAnswer,
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.models.sheets import Criterion, CriterionOption
from shop.evaluation.registration_schemas import AnswerIn, AnswersIn, LinkIn
from shop.evaluation.registrations import EDITABLE
from shop.i18n import N_, gettext
from shop.inventory.models import Batch

# What the checklist asks of an answer; the first two keep a dossier from being submitted.
OPTION, REVIEW, EVIDENCE, COMMENT = "option", "review", "evidence", "comment"
BLOCKING = (OPTION, REVIEW)
MISSING_TEXT = {
    OPTION: N_("choose the option that describes the product"),
    REVIEW: N_("check what was copied from the last dossier"),
    EVIDENCE: N_("add evidence (a file, or what the system holds)"),
    COMMENT: N_("answer the office's comment"),
}


@dataclass
class AnswerRow:
    answer: DossierAnswer
    criterion: Criterion
    options: list[CriterionOption] = field(default_factory=list)

    def missing(self, status: RegistrationStatus) -> list[str]:
        found = []
        if self.answer.option_id is None:
            found.append(OPTION)
        if self.answer.needs_review:
            found.append(REVIEW)
        if not self.answer.evidence:
            found.append(EVIDENCE)
        if status is RegistrationStatus.returned and self.answer.office_comment:
            found.append(COMMENT)
        return found

    @property
    def chosen(self) -> CriterionOption | None:
        return next((o for o in self.options if o.id == self.answer.option_id), None)


def missing_text(code: str) -> str:
    return gettext(MISSING_TEXT[code])


async def answer_rows(session: AsyncSession, registration_id: int) -> list[AnswerRow]:
    """The dossier in the sheet's order, each criterion with its options."""
    rows = [
        AnswerRow(a, c)
        for a, c in (
            await session.execute(
                sa.select(DossierAnswer, Criterion)
                .join(Criterion, Criterion.id == DossierAnswer.criterion_id)
                .where(DossierAnswer.registration_id == registration_id)
                .order_by(Criterion.position, Criterion.id)
            )
        )
    ]
    by_criterion = {r.criterion.id: r for r in rows}
    options = await session.scalars(
        sa.select(CriterionOption)
        .where(CriterionOption.criterion_id.in_(list(by_criterion)))
        .order_by(CriterionOption.position, CriterionOption.id)
    )
    for option in options:
        by_criterion[option.criterion_id].options.append(option)
    return rows


def checklist(rows: list[AnswerRow], status: RegistrationStatus) -> list[str]:
    """One line per criterion that still misses something, in the person's language."""
    lines = []
    for row in rows:
        missing = row.missing(status)
        if missing:
            lines.append(f"{row.criterion.code}: " + "; ".join(missing_text(m) for m in missing))
    return lines


def can_edit(registration: Registration, found: EvaluationRound, today: dt.date) -> bool:
    return _edit_refusal(registration, found, today) is None


def _edit_refusal(registration: Registration, found: EvaluationRound, today: dt.date) -> str | None:
    if registration.status not in EDITABLE:
        return N_("This dossier was submitted: it changes only if the office returns it.")
    if found.status is not RoundStatus.open:
        return N_("This round's dossiers are closed.")
    if registration.status is RegistrationStatus.draft and today > found.dossier_until:
        return N_("The dossier deadline of this round has passed.")
    return None


async def ensure_editable(session: AsyncSession, registration: Registration, today: dt.date) -> None:
    found = await session.get(EvaluationRound, registration.round_id)
    refusal = _edit_refusal(registration, found, today) if found else N_("This round's dossiers are closed.")
    if refusal is not None:
        raise Conflict(refusal, error_code="dossier_locked")


async def save_answers(
    session: AsyncSession, registration: Registration, data: AnswersIn, *, today: dt.date
) -> None:
    """The answers given, each checked against its criterion; saving an answer confirms it
    (what was copied from the last dossier has now been looked at)."""
    await ensure_editable(session, registration, today)
    rows = {r.criterion.id: r for r in await answer_rows(session, registration.id)}
    for i, given in enumerate(data.answers):
        row = rows.get(given.criterion_id)
        if row is None:
            message = N_("This criterion is not on the dossier's score sheet.")
            raise InvalidInput(errors=[field_error(f"answers[{i}].criterion_id", message)])
        await _apply(session, registration, row, given, prefix=f"answers[{i}]", today=today)
    await session.flush()


async def _apply(
    session: AsyncSession,
    registration: Registration,
    row: AnswerRow,
    given: AnswerIn,
    *,
    prefix: str,
    today: dt.date,
) -> None:
    answer = row.answer
    if given.clear_option:
        answer.option_id = None
    elif given.option_id is not None:
        if given.option_id not in {o.id for o in row.options}:
            message = N_("Choose one of this criterion's options.")
            raise InvalidInput(errors=[field_error(f"{prefix}.option_id", message)])
        answer.option_id = given.option_id
    if given.note is not None:
        answer.note = given.note.strip() or None
    items = [{k: v for k, v in item.items() if k != "copied"} for item in answer.evidence or []]
    if given.links is not None:
        links = await _links(
            session, registration.product_id, given.links, prefix=f"{prefix}.links", today=today
        )
        items = [item for item in items if evidence.is_file(item)] + links
    answer.evidence = items  # a new list: the JSON column sees the change
    answer.needs_review = False


async def _links(
    session: AsyncSession, product_id: int, links: list[LinkIn], *, prefix: str, today: dt.date
) -> list[dict[str, Any]]:
    """Links to the product's own records, each once, with a snapshot of what they show."""
    made: dict[tuple[str, int], dict[str, Any]] = {}
    quality = {q.id: q for q in await quality_rows(session, product_id, today=today)}
    for i, link in enumerate(links):
        key = (link.kind, link.id or 0)
        if key in made:
            continue
        if link.kind == "sales":
            made[key] = evidence.sales_item(await product_figures(session, product_id, today=today))
        elif link.kind == "quality" and link.id in quality:
            made[key] = evidence.quality_item(quality[link.id])
        elif link.kind == "batch" and (batch := await _batch(session, product_id, link.id)) is not None:
            made[key] = evidence.batch_item(batch)
        else:
            message = N_("This product has no such record.")
            raise InvalidInput(errors=[field_error(f"{prefix}[{i}].id", message)])
    return list(made.values())


async def _batch(session: AsyncSession, product_id: int, batch_id: int | None) -> Batch | None:
    if batch_id is None:
        return None
    found = await session.get(Batch, batch_id)
    return found if found is not None and found.product_id == product_id else None


async def answer_for(session: AsyncSession, registration: Registration, criterion_id: int) -> AnswerRow:
    for row in await answer_rows(session, registration.id):
        if row.criterion.id == criterion_id:
            return row
    raise NotFound(N_("No criterion {key} in this dossier."), key=criterion_id)


async def attach(
    session: AsyncSession,
    registration: Registration,
    criterion_id: int,
    item: dict[str, Any],
    *,
    today: dt.date,
) -> None:
    """An uploaded file added to a criterion's evidence (the caller stored it)."""
    await ensure_editable(session, registration, today)
    row = await answer_for(session, registration, criterion_id)
    if len(row.answer.evidence or []) >= evidence.MAX_ITEMS:
        message = N_("A criterion takes at most {limit} pieces of evidence.")
        raise InvalidInput(
            message, errors=[field_error("file", message, limit=evidence.MAX_ITEMS)], limit=evidence.MAX_ITEMS
        )
    row.answer.evidence = [*(row.answer.evidence or []), item]
    await session.flush()


async def detach(
    session: AsyncSession, registration: Registration, criterion_id: int, ref: str, *, today: dt.date
) -> None:
    """A piece of evidence taken off (its stored file stays: an earlier dossier may show it)."""
    await ensure_editable(session, registration, today)
    row = await answer_for(session, registration, criterion_id)
    kept = [item for item in row.answer.evidence or [] if item.get("ref") != ref]
    if len(kept) == len(row.answer.evidence or []):
        raise NotFound(N_("No such evidence on this criterion."))
    row.answer.evidence = kept
    await session.flush()


def find_item(rows: list[AnswerRow], ref: str) -> dict[str, Any] | None:
    for row in rows:
        for item in row.answer.evidence or []:
            if item.get("ref") == ref:
                return item
    return None


async def submit(
    session: AsyncSession, registration: Registration, *, today: dt.date, now: dt.datetime
) -> None:
    """To the office; refused while a criterion has no option or a copied answer is unchecked.
    Sending it again (a double tap) changes nothing."""
    if registration.status is RegistrationStatus.submitted:
        return
    await ensure_editable(session, registration, today)
    rows = await answer_rows(session, registration.id)
    errors = [
        field_error(
            f"answers[{row.criterion.code}]",
            N_("{code}: {missing}"),
            code=row.criterion.code,
            missing="; ".join(missing_text(m) for m in row.missing(registration.status) if m in BLOCKING),
        )
        for row in rows
        if any(m in BLOCKING for m in row.missing(registration.status))
    ]
    if not rows:
        errors.append(field_error("answers", N_("The score sheet of this dossier has no criteria.")))
    if errors:
        raise InvalidInput(
            N_("The dossier is not complete yet."), errors=errors, error_code="dossier_incomplete"
        )
    registration.status = RegistrationStatus.submitted
    registration.submitted_at = now
    await session.flush()
