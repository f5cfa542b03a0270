"""The evaluation reports' query and what they read: the filters (``year``, the rounds of that
year, this year by default; ``round``, one round by id; ``area``, ``commune`` or ``district``,
the grouping; ``place``, one commune or former district by id), the rounds chosen, and each
registration of those rounds with how far it went, read once (the rows of a year are a few
hundred registrations) for the per-round reports to count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.catalog.models import Product
from shop.catalog.sellability import VIETNAM, today
from shop.errors import InvalidInput, field_error
from shop.evaluation.models.registrations import (
    EvaluationKind,
    EvaluationRound,
    Registration,
    RegistrationStatus,
)
from shop.evaluation.models.results import DecisionLine, EvaluationDecision, EvaluationResult
from shop.geo.models import Place
from shop.i18n import N_, gettext

Params = Mapping[str, str]
TARGET = 70  # Quảng Nam's plan: 70 % of the registered products reach 3★
FIRST_YEAR = 2018
AREAS = ("commune", "district")
SUBMITTED = frozenset(
    {
        RegistrationStatus.submitted,
        RegistrationStatus.returned,
        RegistrationStatus.accepted,
        RegistrationStatus.commune_checked,
        RegistrationStatus.reviewed,
        RegistrationStatus.ranked,
        RegistrationStatus.decided,
    }
)
ACCEPTED = SUBMITTED - {RegistrationStatus.submitted, RegistrationStatus.returned}


# The query's parameters -------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Filters:
    year: int
    round_id: int | None
    area: str  # "commune" or "district"
    place_id: int | None
    target: int


def _whole(params: Params, name: str, default: int | None, low: int, high: int) -> int | None:
    text = (params.get(name) or "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit() and len(text) < 10 and low <= int(text) <= high):
        raise InvalidInput(
            errors=[field_error(name, N_("Give a whole number from {low} to {high}."), low=low, high=high)]
        )
    return int(text)


def filters(params: Params) -> Filters:
    this_year = today().year
    area = params.get("area") or AREAS[0]
    if area not in AREAS:
        raise InvalidInput(
            errors=[field_error("area", N_("Choose one of: {allowed}."), allowed=", ".join(AREAS))]
        )
    year = _whole(params, "year", None, FIRST_YEAR, this_year + 1) or this_year
    target = _whole(params, "target", None, 1, 100) or TARGET
    return Filters(
        year=year,
        round_id=_whole(params, "round", None, 1, 2_000_000_000),
        area=area,
        place_id=_whole(params, "place", None, 1, 2_000_000_000),
        target=target,
    )


def area_column(area: str) -> InstrumentedAttribute[int | None]:
    return Product.origin_commune_id if area == "commune" else Product.legacy_district_id


def area_heading(area: str) -> str:
    return gettext("Commune") if area == "commune" else gettext("Former district")


# What each registration came to ----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Round:
    id: int
    name: str  # in the rows: "Round 1, 2026", the province too when the rounds span several
    full: str  # "Bắc Kạn 2026, round 1"


@dataclasses.dataclass(frozen=True)
class Entry:
    """One registration and how far it went."""

    round_id: int
    area: str
    kind: EvaluationKind
    status: RegistrationStatus
    submitted: bool
    accepted: bool
    scored: bool
    forwarded: bool
    stars: int | None  # the decision's; None while undecided
    days: int | None  # from registration to decision


def round_label(province: str, year: int, number: int) -> str:
    return gettext("{province} {year}, round {number}").format(province=province, year=year, number=number)


async def rounds_of(session: AsyncSession, year: int | None, round_id: int | None = None) -> list[Round]:
    """The rounds chosen (one by its id, else those of the year), oldest first."""
    stmt = sa.select(EvaluationRound, Place.name).join(Place, Place.id == EvaluationRound.province_id)
    if round_id is not None:
        stmt = stmt.where(EvaluationRound.id == round_id)
    elif year is not None:
        stmt = stmt.where(EvaluationRound.year == year)
    stmt = stmt.order_by(EvaluationRound.year, EvaluationRound.number, Place.name, EvaluationRound.id)
    found = (await session.execute(stmt)).all()
    one_province = len({r.province_id for r, _ in found}) <= 1
    short = gettext("Round {number}, {year}")
    rounds = []
    for r, name in found:
        full = round_label(name, r.year, r.number)
        rounds.append(Round(r.id, short.format(number=r.number, year=r.year) if one_province else full, full))
    return rounds


async def _entries(session: AsyncSession, chosen: Filters, rounds: list[Round]) -> list[Entry]:
    column = area_column(chosen.area)
    stmt = (
        sa.select(
            Registration.id,
            Registration.round_id,
            Registration.kind,
            Registration.status,
            Registration.submitted_at,
            Registration.accepted_at,
            Registration.created_at,
            Place.name,
            EvaluationResult.id,
            EvaluationResult.forwarded_central,
            DecisionLine.stars,
            EvaluationDecision.decided_on,
        )
        .join(Product, Product.id == Registration.product_id)
        .outerjoin(Place, Place.id == column)
        .outerjoin(EvaluationResult, EvaluationResult.registration_id == Registration.id)
        .outerjoin(DecisionLine, DecisionLine.registration_id == Registration.id)
        .outerjoin(EvaluationDecision, EvaluationDecision.id == DecisionLine.decision_id)
        .where(Registration.round_id.in_([r.id for r in rounds]))
        .order_by(Registration.id, EvaluationDecision.decided_on)
    )
    if chosen.place_id is not None:
        stmt = stmt.where(column == chosen.place_id)
    found: dict[int, Entry] = {}
    for (
        reg_id,
        round_id,
        kind,
        status,
        submitted_at,
        accepted_at,
        created_at,
        area,
        result_id,
        forwarded,
        stars,
        decided_on,
    ) in (await session.execute(stmt)).all():
        if reg_id in found:  # a registration is decided once; the first decision counts
            continue
        registered_on = created_at.astimezone(VIETNAM).date() if created_at.tzinfo else created_at.date()
        found[reg_id] = Entry(
            round_id=round_id,
            area=area or "—",
            kind=kind,
            status=status,
            submitted=submitted_at is not None or status in SUBMITTED,
            accepted=accepted_at is not None or status in ACCEPTED,
            scored=result_id is not None,
            forwarded=bool(forwarded),
            stars=stars,
            days=(decided_on - registered_on).days if decided_on is not None else None,
        )
    return list(found.values())


def grouped(rounds: list[Round], entries: list[Entry]) -> Iterable[tuple[Round, str | None, list[Entry]]]:
    """Per round: each area (by name, the unknown last), then the round as a whole (area None)."""
    for found in rounds:
        mine = [e for e in entries if e.round_id == found.id]
        if not mine:
            continue
        for area in sorted({e.area for e in mine}, key=lambda a: (a == "—", a)):
            yield found, area, [e for e in mine if e.area == area]
        yield found, None, mine


async def resolve(session: AsyncSession, params: Params) -> Filters:
    """The filters, a round's year standing for the year when none is given; a round of
    another year than the one given is left out (the year was changed, the round was not)."""
    chosen = filters(params)
    if chosen.round_id is None:
        return chosen
    year = await session.scalar(sa.select(EvaluationRound.year).where(EvaluationRound.id == chosen.round_id))
    if year is None:  # no such round: nothing to show
        return chosen
    if not (params.get("year") or "").strip():
        return dataclasses.replace(chosen, year=year)
    if year != chosen.year:
        return dataclasses.replace(chosen, round_id=None)
    return chosen


async def chosen_entries(session: AsyncSession, params: Params) -> tuple[Filters, list[Round], list[Entry]]:
    chosen = await resolve(session, params)
    rounds = await rounds_of(session, chosen.year, chosen.round_id)
    return chosen, rounds, await _entries(session, chosen, rounds) if rounds else []


def period_label(chosen: Filters, rounds: list[Round]) -> str:
    if chosen.round_id is not None:
        return rounds[0].full if rounds else gettext("no round")
    return str(chosen.year)
