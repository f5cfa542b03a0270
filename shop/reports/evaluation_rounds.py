"""The evaluation reports counted per round and area from the registrations read once
(``evaluation_entries``): registrations and results, the share reaching 3★ against a target,
and the days from registration to decision. Withdrawn registrations are counted apart and left
out of every other figure (a product registered by mistake is not a product that failed).
"""

from __future__ import annotations

import math
import statistics

from sqlalchemy.ext.asyncio import AsyncSession

from shop.evaluation.models.registrations import EvaluationKind, RegistrationStatus
from shop.i18n import format_number, gettext, ngettext
from shop.reports.evaluation_entries import (
    Entry,
    Params,
    area_heading,
    chosen_entries,
    grouped,
    period_label,
)
from shop.reports.tables import Cell, Table

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
    chosen, rounds, entries = await chosen_entries(session, params)
    everything = gettext("All areas")
    rows: list[list[Cell]] = [
        [found.name, area or everything, *_counts(mine)] for found, area, mine in grouped(rounds, entries)
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
        % {"period": period_label(chosen, rounds)},
        columns=[
            gettext("Round"),
            area_heading(chosen.area),
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
    chosen, rounds, entries = await chosen_entries(session, params)
    everything = gettext("All areas")
    rows: list[list[Cell]] = [
        [found.name, area or everything, *_share(mine, chosen.target)]
        for found, area, mine in grouped(rounds, entries)
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
        title=gettext("Registered products reaching 3★, %(period)s")
        % {"period": period_label(chosen, rounds)},
        columns=[
            gettext("Round"),
            area_heading(chosen.area),
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


# From registration to decision -------------------------------------------------------------


def _durations(days: list[int]) -> tuple[int, float | None, int | None, int | None, int | None]:
    """How many, the median, the 90th percentile (nearest rank), the shortest and longest."""
    if not days:
        return (0, None, None, None, None)
    ordered = sorted(days)
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]
    return (len(ordered), float(statistics.median(ordered)), p90, ordered[0], ordered[-1])


async def duration(session: AsyncSession, params: Params) -> Table:
    chosen, rounds, entries = await chosen_entries(session, params)
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
        title=gettext("Days from registration to decision, %(period)s")
        % {"period": period_label(chosen, rounds)},
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
