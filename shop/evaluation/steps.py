"""The office's steps on a submitted dossier, in the order of Decision 148 as amended by 1489:
the office checks it (accepts it, or returns it for completion with comments per criterion),
the commune confirms the origin of the product and its raw materials, local labour and the
origin of the idea, and the advisory group reviews the dossier and the samples (an on-site
inspection, comments per criterion) before the council scores it.

A step repeated with the status it leads to changes nothing (a double click); any other step
out of order is a 409 that says where the dossier stands."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput, field_error
from shop.evaluation.dossier import AnswerRow, answer_rows
from shop.evaluation.models.registrations import (
    EvaluationRound,
    Registration,
    RegistrationStatus,
    RoundStatus,
)
from shop.evaluation.registration_schemas import CommuneCheckIn, CriterionComment, ReturnIn, ReviewIn
from shop.i18n import N_

# Before the advisory group has reviewed it, the office may still send a dossier back.
RETURNABLE = (RegistrationStatus.submitted, RegistrationStatus.accepted, RegistrationStatus.commune_checked)
# While the council has not started, the office's checks go on (also once the round scores).
CHECKING_ROUNDS = (RoundStatus.open, RoundStatus.scoring)
CONFIRMATIONS = ("product_origin", "raw_material_origin", "local_labour", "idea_origin")
CONFIRMATION_TEXT = {
    "product_origin": N_("The commune has not confirmed the origin of the product."),
    "raw_material_origin": N_("The commune has not confirmed the origin of the raw materials."),
    "local_labour": N_("The commune has not confirmed the use of local labour."),
    "idea_origin": N_("The commune has not confirmed the origin of the product idea."),
}


def _out_of_order(registration: Registration, wanted: RegistrationStatus) -> Conflict:
    message = N_("A dossier that is {current} cannot become {wanted}.")
    return Conflict(
        message, error_code="registration_status", current=registration.status.value, wanted=wanted.value
    )


async def _round_allows(
    session: AsyncSession, registration: Registration, statuses: tuple[RoundStatus, ...]
) -> None:
    found = await session.get(EvaluationRound, registration.round_id)
    if found is None or found.status not in statuses:
        raise Conflict(N_("This round's dossiers are closed."), error_code="round_closed")


def _comment_errors(rows: dict[int, AnswerRow], comments: list[CriterionComment]) -> list[dict[str, object]]:
    return [
        field_error(f"comments[{i}].criterion_id", N_("This criterion is not on the dossier's score sheet."))
        for i, c in enumerate(comments)
        if c.criterion_id not in rows
    ]


async def return_dossier(session: AsyncSession, registration: Registration, data: ReturnIn) -> None:
    """Back to the producer with what to complete; the comments replace the last ones."""
    if registration.status not in RETURNABLE:
        raise _out_of_order(registration, RegistrationStatus.returned)
    await _round_allows(session, registration, (RoundStatus.open,))
    rows = {r.criterion.id: r for r in await answer_rows(session, registration.id)}
    comments = [c for c in data.comments if c.comment.strip()]
    errors = _comment_errors(rows, comments)
    if not comments and not (data.note or "").strip():
        errors.append(field_error("note", N_("Say what the producer should complete.")))
    if errors:
        raise InvalidInput(errors=errors)
    given = {c.criterion_id: c.comment.strip() for c in comments}
    for criterion_id, row in rows.items():
        row.answer.office_comment = given.get(criterion_id)
    registration.office_note = (data.note or "").strip() or None
    registration.status = RegistrationStatus.returned
    await session.flush()


async def accept(session: AsyncSession, registration: Registration, *, now: dt.datetime) -> None:
    """The office's check passed: the dossier goes to the commune."""
    if registration.status is RegistrationStatus.accepted:
        return
    if registration.status is not RegistrationStatus.submitted:
        raise _out_of_order(registration, RegistrationStatus.accepted)
    await _round_allows(session, registration, CHECKING_ROUNDS)
    registration.status = RegistrationStatus.accepted
    registration.accepted_at = now
    await session.flush()


async def commune_check(
    session: AsyncSession, registration: Registration, data: CommuneCheckIn, *, now: dt.datetime
) -> None:
    """The commune's confirmations, all four (if it cannot confirm one, the office returns
    the dossier with the commune's reason)."""
    if registration.status is RegistrationStatus.commune_checked:
        return
    if registration.status is not RegistrationStatus.accepted:
        raise _out_of_order(registration, RegistrationStatus.commune_checked)
    await _round_allows(session, registration, CHECKING_ROUNDS)
    confirmed = {name: bool(getattr(data, name)) for name in CONFIRMATIONS}
    errors = [field_error(name, CONFIRMATION_TEXT[name]) for name, ok in confirmed.items() if not ok]
    if errors:
        raise InvalidInput(errors=errors, error_code="commune_not_confirmed")
    registration.commune_confirmed = confirmed
    registration.commune_note = (data.note or "").strip() or None
    registration.commune_checked_at = now
    registration.status = RegistrationStatus.commune_checked
    await session.flush()


async def review(
    session: AsyncSession, registration: Registration, data: ReviewIn, *, now: dt.datetime
) -> None:
    """The advisory group's review: its note, the inspection day, comments per criterion."""
    if registration.status is RegistrationStatus.reviewed:
        return
    if registration.status is not RegistrationStatus.commune_checked:
        raise _out_of_order(registration, RegistrationStatus.reviewed)
    await _round_allows(session, registration, CHECKING_ROUNDS)
    rows = {r.criterion.id: r for r in await answer_rows(session, registration.id)}
    errors = _comment_errors(rows, data.comments)
    if not data.note.strip():
        errors.append(field_error("note", N_("Write the advisory group's conclusion.")))
    if data.inspected_on is not None and data.inspected_on > now.date() + dt.timedelta(days=1):
        errors.append(field_error("inspected_on", N_("The inspection cannot be in the future.")))
    if errors:
        raise InvalidInput(errors=errors)
    given = {c.criterion_id: c.comment.strip() or None for c in data.comments}
    for criterion_id, row in rows.items():
        if criterion_id in given:
            row.answer.advisory_comment = given[criterion_id]
    registration.advisory_note = data.note.strip()
    registration.inspected_on = data.inspected_on
    registration.reviewed_at = now
    registration.status = RegistrationStatus.reviewed
    await session.flush()
