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

This module names them (titles, tabs, the registry's ``REPORTS``) and offers the report pages'
filters; the filters and the registrations read are in ``evaluation_entries``, the per-round
reports in ``evaluation_rounds``, the products to re-evaluate in ``evaluation_due``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.catalog.sellability import today
from shop.evaluation.models.registrations import EvaluationRound, Registration
from shop.geo.models import Place
from shop.i18n import gettext
from shop.reports.evaluation_due import re_evaluations_due
from shop.reports.evaluation_entries import Params, area_column, resolve, rounds_of
from shop.reports.evaluation_rounds import duration, registrations_and_results, three_star_share
from shop.reports.tables import Table


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
    column = area_column(chosen.area)
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
