"""The evaluation cycle's reports, read from the registrations of the rounds:

- ``evaluation-rounds``: registrations and results per round and area (commune of today's map
  or former district, as the office's pipeline groups them): registered, by kind, submitted,
  accepted, scored (the council's result stands), decided, the stars the decision gave and the
  products forwarded to the central level;
- ``evaluation-3-star-share``: the share of registered products reaching 3★ or more per round
  and area, its denominator shown, against a target (Quảng Nam's 70 % by default);
- ``re-evaluations-due``: products whose certificate ends within a year, with the
  registration that re-evaluates them in a round of that year (or none yet);
- ``evaluation-duration``: days from registration to decision per round (median, 90th
  percentile, shortest and longest).

Withdrawn registrations are counted apart and left out of every other figure (a product
registered by mistake is not a product that failed). Filters: ``year`` (the rounds of that
year, this year by default), ``round`` (one round, by id), ``area`` (``commune`` or
``district``: the grouping) and ``place`` (one commune or former district, by id).
The rows of a year are a few hundred registrations: they are read once and counted here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import statistics
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
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
from shop.i18n import N_, format_number, gettext, ngettext
from shop.reports.tables import Cell, Table

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
# The certificates that say a product held its stars (a revoked one says it held nothing).
HELD = (
    CertificateStatus.active,
    CertificateStatus.expired,
    CertificateStatus.superseded,
    CertificateStatus.scheduled,
)


def titles() -> dict[str, str]:
    return {
        "evaluation-rounds": gettext("Evaluation: registrations and results by round and area"),
        "evaluation-3-star-share": gettext("Evaluation: registered products reaching 3★"),
        "re-evaluations-due": gettext("Evaluation: products to re-evaluate this year"),
        "evaluation-duration": gettext("Evaluation: days from registration to decision"),
    }


def short_titles() -> dict[str, str]:
    """The evaluation reports' tabs."""
    return {
        "evaluation-rounds": gettext("By round and area"),
        "evaluation-3-star-share": gettext("Share reaching 3★"),
        "re-evaluations-due": gettext("To re-evaluate"),
        "evaluation-duration": gettext("Time to decision"),
    }


def _status_labels() -> dict[str, str]:
    return {
        "draft": gettext("Dossier in progress"),
        "submitted": gettext("Submitted"),
        "returned": gettext("Returned for completion"),
        "accepted": gettext("Dossier accepted"),
        "commune_checked": gettext("Checked by the commune"),
        "reviewed": gettext("Reviewed by the advisory group"),
        "ranked": gettext("Ranked"),
        "decided": gettext("Decided"),
        "withdrawn": gettext("Withdrawn"),
    }


def _kind_labels() -> dict[str, str]:
    return {
        "first": gettext("First evaluation"),
        "upgrade": gettext("Upgrade"),
        "re_evaluation": gettext("Re-evaluation"),
    }


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


def _area_column(area: str) -> InstrumentedAttribute[int | None]:
    return Product.origin_commune_id if area == "commune" else Product.legacy_district_id


def _area_heading(area: str) -> str:
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
    column = _area_column(chosen.area)
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


def _grouped(rounds: list[Round], entries: list[Entry]) -> Iterable[tuple[Round, str | None, list[Entry]]]:
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


async def _chosen(session: AsyncSession, params: Params) -> tuple[Filters, list[Round], list[Entry]]:
    chosen = await resolve(session, params)
    rounds = await rounds_of(session, chosen.year, chosen.round_id)
    return chosen, rounds, await _entries(session, chosen, rounds) if rounds else []


def _period(chosen: Filters, rounds: list[Round]) -> str:
    if chosen.round_id is not None:
        return rounds[0].full if rounds else gettext("no round")
    return str(chosen.year)


# Registrations and results ---------------------------------------------------------------


def _counts(entries: list[Entry]) -> list[int]:
    live = [e for e in entries if e.status is not RegistrationStatus.withdrawn]
    decided = [e for e in live if e.stars is not None]
    return [
        len(live),
        sum(1 for e in live if e.kind is EvaluationKind.first),
        sum(1 for e in live if e.kind is EvaluationKind.upgrade),
        sum(1 for e in live if e.kind is EvaluationKind.re_evaluation),
        sum(1 for e in live if e.submitted),
        sum(1 for e in live if e.accepted),
        sum(1 for e in live if e.scored),
        len(decided),
        sum(1 for e in decided if e.stars == 5),
        sum(1 for e in decided if e.stars == 4),
        sum(1 for e in decided if e.stars == 3),
        sum(1 for e in decided if (e.stars or 0) < 3),
        sum(1 for e in live if e.forwarded),
        len(entries) - len(live),
    ]


async def registrations_and_results(session: AsyncSession, params: Params) -> Table:
    chosen, rounds, entries = await _chosen(session, params)
    everything = gettext("All areas")
    rows: list[list[Cell]] = [
        [found.name, area or everything, *_counts(mine)] for found, area, mine in _grouped(rounds, entries)
    ]
    totals = _counts(entries)
    if len({e.round_id for e in entries}) > 1:
        rows.append([gettext("Total"), everything, *totals])
    bars = []
    for found in rounds:
        counts = _counts([e for e in entries if e.round_id == found.id])
        if counts[0]:
            bars.append((found.name, [*counts[8:12], counts[0] - counts[7]]))
    return Table(
        key=f"evaluation-rounds-{chosen.year}",
        title=gettext("Registrations and results by round and area, %(period)s")
        % {"period": _period(chosen, rounds)},
        columns=[
            gettext("Round"),
            _area_heading(chosen.area),
            gettext("Registered"),
            gettext("First evaluation"),
            gettext("Upgrade"),
            gettext("Re-evaluation"),
            gettext("Submitted"),
            gettext("Dossier accepted"),
            gettext("Scored"),
            gettext("Decided"),
            "5★",
            "4★",
            "3★",
            gettext("Below 3★"),
            gettext("Forwarded to the central level"),
            gettext("Withdrawn"),
        ],
        rows=rows,
        summary=ngettext(
            "%(num)d product registered: %(decided)d decided, %(reached)d reached 3★ or more, "
            "%(forwarded)d forwarded to the central level.",
            "%(num)d products registered: %(decided)d decided, %(reached)d reached 3★ or more, "
            "%(forwarded)d forwarded to the central level.",
            totals[0],
        )
        % {
            "num": totals[0],
            "decided": totals[7],
            "reached": sum(totals[8:11]),
            "forwarded": totals[12],
        },
        series=["5★", "4★", "3★", gettext("Below 3★"), gettext("Not decided yet")],
        bars=bars,
    )


# The share reaching 3★ --------------------------------------------------------------------


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


Share = tuple[int, int, int, int, float | None, float | None, int]


def _share(entries: list[Entry], target: int) -> Share:
    """Registered, decided, 3★ or more, below, the share of registered and of decided, and
    how many more would have to reach 3★ for the target."""
    live = [e for e in entries if e.status is not RegistrationStatus.withdrawn]
    decided = [e for e in live if e.stars is not None]
    reached = sum(1 for e in decided if (e.stars or 0) >= 3)
    needed = max(0, math.ceil(target * len(live) / 100) - reached)
    return (
        len(live),
        len(decided),
        reached,
        len(decided) - reached,
        _percent(reached, len(live)),
        _percent(reached, len(decided)),
        needed,
    )


async def three_star_share(session: AsyncSession, params: Params) -> Table:
    chosen, rounds, entries = await _chosen(session, params)
    everything = gettext("All areas")
    rows: list[list[Cell]] = [
        [found.name, area or everything, *_share(mine, chosen.target)]
        for found, area, mine in _grouped(rounds, entries)
    ]
    totals = _share(entries, chosen.target)
    if len({e.round_id for e in entries}) > 1:
        rows.append([gettext("Total"), everything, *totals])
    bars = []
    for found in rounds:
        share = _share([e for e in entries if e.round_id == found.id], chosen.target)
        registered, decided, reached = share[:3]
        if registered:
            bars.append((found.name, [reached, decided - reached, registered - decided]))
    return Table(
        key=f"evaluation-3-star-share-{chosen.year}",
        title=gettext("Registered products reaching 3★, %(period)s") % {"period": _period(chosen, rounds)},
        columns=[
            gettext("Round"),
            _area_heading(chosen.area),
            gettext("Registered"),
            gettext("Decided"),
            gettext("3★ or more"),
            gettext("Below 3★"),
            gettext("Share of registered (%)"),
            gettext("Share of decided (%)"),
            gettext("Short of the target"),
        ],
        rows=rows,
        summary=gettext(
            "%(reached)s of %(registered)s registered products reached 3★ or more (%(share)s %%); "
            "the target is %(target)s %%."
        )
        % {
            "reached": totals[2],
            "registered": totals[0],
            "share": format_number(totals[4] or 0),
            "target": chosen.target,
        },
        series=[gettext("3★ or more"), gettext("Below 3★"), gettext("Not decided yet")],
        bars=bars,
    )


# Products to re-evaluate ------------------------------------------------------------------


async def re_evaluations_due(session: AsyncSession, params: Params) -> Table:
    """Products whose certificate, as the year began, ends within it: the last certificate held
    and decided before the year (a renewal decided during the year does not hide the product:
    it shows as decided), with the product's registration in a round of that year."""
    chosen = filters(params)
    start, end = dt.date(chosen.year, 1, 1), dt.date(chosen.year, 12, 31)
    last = (
        sa.select(Certificate.product_id, sa.func.max(Certificate.valid_until).label("until"))
        .where(Certificate.status.in_(HELD), Certificate.decision_date < start)
        .group_by(Certificate.product_id)
        .subquery()
    )
    column = _area_column(chosen.area)
    stmt = (
        sa.select(last.c.until, Product.id, Product.name, Producer.name, Place.name)
        .join(Product, Product.id == last.c.product_id)
        .join(Producer, Producer.id == Product.producer_id)
        .outerjoin(Place, Place.id == column)
        .where(last.c.until >= start, last.c.until <= end)
        .order_by(last.c.until, Product.name, Product.id)
    )
    if chosen.place_id is not None:
        stmt = stmt.where(column == chosen.place_id)
    due = (await session.execute(stmt)).all()
    ids = [row[1] for row in due]
    stars = dict(
        (
            await session.execute(
                sa.select(Certificate.product_id, Certificate.stars)
                .where(
                    Certificate.product_id.in_(ids),
                    Certificate.status.in_(HELD),
                    Certificate.decision_date < start,
                    Certificate.valid_until >= start,
                    Certificate.valid_until <= end,
                )
                .order_by(Certificate.valid_until)  # the last one ending that year stays
            )
        ).all()
    )
    registered: dict[int, tuple[Registration, str]] = {}
    rows = await session.execute(
        sa.select(Registration, EvaluationRound, Place.name)
        .join(EvaluationRound, EvaluationRound.id == Registration.round_id)
        .join(Place, Place.id == EvaluationRound.province_id)
        .where(Registration.product_id.in_(ids), EvaluationRound.year == chosen.year)
        # The registration that counts: one still running before a withdrawn one, the latest round.
        .order_by(
            (Registration.status == RegistrationStatus.withdrawn).desc(),
            EvaluationRound.number,
            Registration.id,
        )
    )
    for registration, found, province in rows.all():
        registered[registration.product_id] = (registration, round_label(province, found.year, found.number))
    statuses, kinds = _status_labels(), _kind_labels()
    table_rows: list[list[Cell]] = []
    counts = {"decided": 0, "running": 0, "none": 0}
    for until, product_id, product, producer, area in due:
        reg = registered.get(product_id)
        if reg is None or reg[0].status is RegistrationStatus.withdrawn:
            counts["none"] += 1
        elif reg[0].status is RegistrationStatus.decided:
            counts["decided"] += 1
        else:
            counts["running"] += 1
        table_rows.append(
            [
                until,
                product,
                producer,
                stars.get(product_id),
                area or "—",
                reg[1] if reg else None,
                kinds[reg[0].kind.value] if reg else None,
                statuses[reg[0].status.value] if reg else gettext("Not registered yet"),
            ]
        )
    return Table(
        key=f"re-evaluations-due-{chosen.year}",
        title=gettext("Products to re-evaluate in %(year)s") % {"year": chosen.year},
        columns=[
            gettext("Certificate ends"),
            gettext("Product"),
            gettext("Producer"),
            gettext("Stars"),
            _area_heading(chosen.area),
            gettext("Registered in"),
            gettext("Kind"),
            gettext("Status"),
        ],
        rows=table_rows,
        summary=ngettext(
            "%(num)d product's certificate ends in %(year)d: %(decided)d decided again, "
            "%(running)d being evaluated, %(none)d not registered yet.",
            "%(num)d products' certificates end in %(year)d: %(decided)d decided again, "
            "%(running)d being evaluated, %(none)d not registered yet.",
            len(due),
        )
        % {"num": len(due), "year": chosen.year, **counts},
        series=[gettext("Decided again"), gettext("Being evaluated"), gettext("Not registered yet")],
        bars=[(str(chosen.year), [counts["decided"], counts["running"], counts["none"]])] if due else [],
    )


# From registration to decision -------------------------------------------------------------


def _durations(days: list[int]) -> tuple[int, float | None, int | None, int | None, int | None]:
    """How many, the median, the 90th percentile (nearest rank), the shortest and longest."""
    if not days:
        return (0, None, None, None, None)
    ordered = sorted(days)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    return (len(ordered), float(statistics.median(ordered)), p90, ordered[0], ordered[-1])


async def duration(session: AsyncSession, params: Params) -> Table:
    chosen, rounds, entries = await _chosen(session, params)
    rows: list[list[Cell]] = []
    for found in rounds:
        days = [e.days for e in entries if e.round_id == found.id and e.days is not None]
        if days:
            rows.append([found.name, *_durations(days)])
    every = [e.days for e in entries if e.days is not None]
    totals = _durations(every)
    if len(rows) > 1:
        rows.append([gettext("All rounds"), *totals])
    summary = (
        ngettext(
            "%(num)d registration decided: %(median)s days from registration to decision at the "
            "median, %(p90)s days for nine in ten.",
            "%(num)d registrations decided: %(median)s days from registration to decision at the "
            "median, %(p90)s days for nine in ten.",
            len(every),
        )
        % {"num": len(every), "median": format_number(totals[1] or 0), "p90": totals[2]}
        if every
        else gettext("No registration decided yet.")
    )
    return Table(
        key=f"evaluation-duration-{chosen.year}",
        title=gettext("Days from registration to decision, %(period)s") % {"period": _period(chosen, rounds)},
        columns=[
            gettext("Round"),
            gettext("Decided"),
            gettext("Median (days)"),
            gettext("90th percentile (days)"),
            gettext("Shortest (days)"),
            gettext("Longest (days)"),
        ],
        rows=rows,
        summary=summary,
    )


REPORTS: dict[str, Callable[[AsyncSession, Params], Awaitable[Table]]] = {
    "evaluation-rounds": registrations_and_results,
    "evaluation-3-star-share": three_star_share,
    "re-evaluations-due": re_evaluations_due,
    "evaluation-duration": duration,
}


# The report pages' filters ----------------------------------------------------------------


async def choices(session: AsyncSession, name: str, params: Params) -> dict[str, Any]:
    """What the report page's filter form offers: the years, the rounds of the year chosen,
    the areas with registrations that year, and which filters this report reads."""
    chosen = await resolve(session, params)
    years = sorted(
        set(await session.scalars(sa.select(EvaluationRound.year).distinct())) | {today().year},
        reverse=True,
    )
    column = _area_column(chosen.area)
    if name == "re-evaluations-due":
        places = sa.select(column).where(column.is_not(None))
    else:
        places = (
            sa.select(column)
            .join(Registration, Registration.product_id == Product.id)
            .join(EvaluationRound, EvaluationRound.id == Registration.round_id)
            .where(EvaluationRound.year == chosen.year)
        )
    areas = (
        await session.execute(
            sa.select(Place.id, Place.name).where(Place.id.in_(places)).order_by(Place.folded, Place.name)
        )
    ).all()
    return {
        "filters": chosen,
        "years": years,
        "rounds": await rounds_of(session, chosen.year),
        "areas": [(place_id, place) for place_id, place in areas],
        "uses_round": name != "re-evaluations-due",
        "uses_target": name == "evaluation-3-star-share",
        "titles": short_titles(),
    }
