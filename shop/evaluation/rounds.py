"""Evaluation rounds (đợt đánh giá): the office opens one or two a year per province, with
deadlines for registration, dossiers and scoring, and moves it open → scoring → decided →
closed. A round accepts registrations while it is open and its registration deadline has not
passed; dossiers are completed until the dossier deadline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.evaluation.models.registrations import EvaluationRound, Registration, RoundStatus
from shop.evaluation.registration_schemas import RoundIn
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.i18n import N_

# Where a round may go from each status.
MOVES: dict[RoundStatus, tuple[RoundStatus, ...]] = {
    RoundStatus.open: (RoundStatus.scoring,),
    RoundStatus.scoring: (RoundStatus.decided, RoundStatus.closed),
    RoundStatus.decided: (RoundStatus.closed,),
    RoundStatus.closed: (),
}


@dataclass(frozen=True)
class RoundRow:
    round: EvaluationRound
    province: str
    registrations: int


def accepts_registrations(found: EvaluationRound, today: dt.date) -> bool:
    return found.status is RoundStatus.open and today <= found.registration_until


def accepts_dossiers(found: EvaluationRound, today: dt.date) -> bool:
    """A first submission is due by the dossier deadline."""
    return found.status is RoundStatus.open and today <= found.dossier_until


def registration_refusal(found: EvaluationRound, today: dt.date) -> str | None:
    """Why the round takes no new registration now, or None."""
    if found.status is not RoundStatus.open:
        return N_("This round no longer takes registrations: its dossiers are closed.")
    if today > found.registration_until:
        return N_("The registration deadline of this round has passed.")
    return None


async def round_or_404(session: AsyncSession, round_id: int) -> EvaluationRound:
    found = await session.get(EvaluationRound, round_id)
    if found is None:
        raise NotFound(N_("No round {key}."), key=round_id)
    return found


async def open_round(session: AsyncSession, data: RoundIn) -> EvaluationRound:
    """A new round of a province of today's map; one round per (province, year, number)."""
    errors = _deadline_errors(data)
    province = await session.get(Place, data.province_id)
    if province is None or province.level is not PlaceLevel.province or province.era is not PlaceEra.current:
        errors.append(field_error("province_id", N_("Choose a province of today's map.")))
    if errors:
        raise InvalidInput(errors=errors)
    taken = await session.scalar(
        sa.select(EvaluationRound.id).where(
            EvaluationRound.province_id == data.province_id,
            EvaluationRound.year == data.year,
            EvaluationRound.number == data.number,
        )
    )
    if taken is not None:
        message = N_("This province already has round {number} of {year}.")
        raise Conflict(
            message,
            error_code="round_exists",
            errors=[field_error("number", message, number=data.number, year=data.year)],
            number=data.number,
            year=data.year,
        )
    found = EvaluationRound(
        province_id=data.province_id,
        year=data.year,
        number=data.number,
        registration_until=data.registration_until,
        dossier_until=data.dossier_until,
        scoring_until=data.scoring_until,
        status=RoundStatus.open,
    )
    session.add(found)
    await session.flush()
    return found


def _deadline_errors(data: RoundIn) -> list[dict[str, object]]:
    errors: list[dict[str, object]] = []
    if data.dossier_until < data.registration_until:
        errors.append(
            field_error("dossier_until", N_("The dossier deadline cannot come before registration's."))
        )
    if data.scoring_until < data.dossier_until:
        errors.append(
            field_error("scoring_until", N_("The scoring deadline cannot come before the dossiers'."))
        )
    return errors


async def move(session: AsyncSession, found: EvaluationRound, status: RoundStatus) -> EvaluationRound:
    """One step forward; a repeated request for the status it has changes nothing."""
    if found.status is status:
        return found
    if status not in MOVES[found.status]:
        message = N_("A round that is {current} cannot become {wanted}.")
        raise Conflict(message, error_code="round_status", current=found.status.value, wanted=status.value)
    found.status = status
    await session.flush()
    return found


async def listing(
    session: AsyncSession, *, status: RoundStatus | None = None, limit: int = 200, offset: int = 0
) -> tuple[list[RoundRow], int]:
    """Rounds, newest first, with their province and how many registrations each has."""
    counted = (
        sa.select(Registration.round_id, sa.func.count().label("n"))
        .group_by(Registration.round_id)
        .subquery()
    )
    stmt = (
        sa.select(EvaluationRound, Place.name, sa.func.coalesce(counted.c.n, 0))
        .join(Place, Place.id == EvaluationRound.province_id)
        .outerjoin(counted, counted.c.round_id == EvaluationRound.id)
        .order_by(EvaluationRound.year.desc(), EvaluationRound.number.desc(), EvaluationRound.id.desc())
    )
    if status is not None:
        stmt = stmt.where(EvaluationRound.status == status)
    total = int(
        await session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    )
    rows = (await session.execute(stmt.limit(limit).offset(offset))).all()
    return [RoundRow(r, name, int(n)) for r, name, n in rows], total


async def row(session: AsyncSession, found: EvaluationRound) -> RoundRow:
    province = await session.get(Place, found.province_id)
    n = await session.scalar(sa.select(sa.func.count()).where(Registration.round_id == found.id))
    return RoundRow(found, province.name if province else "", int(n or 0))


async def open_rounds(session: AsyncSession, today: dt.date) -> list[RoundRow]:
    """The rounds taking registrations today (what a producer may register in)."""
    rows, _ = await listing(session, status=RoundStatus.open)
    return [r for r in rows if accepts_registrations(r.round, today)]
