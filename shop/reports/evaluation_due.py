"""The evaluation report of products to re-evaluate (``re-evaluations-due``): products whose
certificate ends within the year, with the registration that re-evaluates them in a round of
that year (or none yet). It reads certificates, not the registrations of the rounds, so it
takes only the year, area and place of the filters.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
from shop.evaluation.models.registrations import EvaluationRound, Registration, RegistrationStatus
from shop.geo.models import Place
from shop.i18n import gettext, ngettext
from shop.reports.evaluation_entries import Params, area_column, area_heading, filters, round_label
from shop.reports.tables import Cell, Table

# The certificates that say a product held its stars (a revoked one says it held nothing).
HELD = (
    CertificateStatus.active,
    CertificateStatus.expired,
    CertificateStatus.superseded,
    CertificateStatus.scheduled,
)


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
    column = area_column(chosen.area)
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
            area_heading(chosen.area),
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
