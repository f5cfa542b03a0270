"""The office's figures, each one query over the catalog and the locations.

- The share of evaluated products reaching 3★ in a year (the programme's target).

- Certified products by stars and province (of origin, today's map) or product group (the
  six groups of the programme): "155 products: 1 five-star, 11 four-star, 143 three-star".
  Certified means what the storefront and the tills sell today (an active certificate of
  3★ or more, today between its dates).
- Coverage: each area the sales points serve, with its open sales points; those with none.
- Certificates that expire within a window (this quarter: 90 days).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog import expiry
from shop.catalog.models import Certificate, FailedEvaluation, Product, ProductGroup
from shop.catalog.sellability import sellable_product_clause
from shop.geo.models import Area, Place
from shop.i18n import current_language, gettext, ngettext
from shop.inventory.models import Location, LocationKind
from shop.reports.tables import Table

By = Literal["province", "area", "group"]
STARS = (5, 4, 3)


def stars_sentence(total: int, counts: dict[int, int]) -> str:
    parts = [ngettext("%(num)d five-star", "%(num)d five-star", counts.get(5, 0)) % {"num": counts.get(5, 0)}]
    parts.append(
        ngettext("%(num)d four-star", "%(num)d four-star", counts.get(4, 0)) % {"num": counts.get(4, 0)}
    )
    parts.append(
        ngettext("%(num)d three-star", "%(num)d three-star", counts.get(3, 0)) % {"num": counts.get(3, 0)}
    )
    head = ngettext("%(num)d certified product", "%(num)d certified products", total) % {"num": total}
    return f"{head}: {', '.join(parts)}"


async def certification(
    session: AsyncSession, *, on: dt.date, by: By = "province", group: str | None = None
) -> Table:
    """``by`` province of origin (today's map), area (the former district, as the programme's
    figures before 2025 were given), or product group; ``group``: only that group's products."""
    if by == "group":
        top = aliased(ProductGroup)
        name = top.name_en if current_language() == "en" else top.name
        stmt = (
            sa.select(name.label("label"), Product.stars, sa.func.count())
            .join(ProductGroup, ProductGroup.id == Product.group_id)
            .join(top, top.id == sa.func.coalesce(ProductGroup.parent_id, ProductGroup.id))
        )
        heading = gettext("Product group")
    elif by == "area":
        stmt = sa.select(
            sa.func.coalesce(Place.name, "—").label("label"), Product.stars, sa.func.count()
        ).outerjoin(Place, Place.id == Product.legacy_district_id)
        heading = gettext("Former district")
    else:
        stmt = sa.select(
            sa.func.coalesce(Place.name, "—").label("label"), Product.stars, sa.func.count()
        ).outerjoin(Place, Place.id == Product.origin_province_id)
        heading = gettext("Province")
    stmt = stmt.where(sellable_product_clause(on)).group_by(sa.literal_column("label"), Product.stars)
    if group:
        chosen = aliased(ProductGroup)
        in_group = sa.select(chosen.id).where(chosen.code == group).scalar_subquery()
        member = aliased(ProductGroup)
        stmt = stmt.where(
            Product.group_id.in_(
                sa.select(member.id).where(sa.or_(member.id == in_group, member.parent_id == in_group))
            )
        )
    counts: dict[str, dict[int, int]] = {}
    for label, stars, n in await session.execute(stmt):
        counts.setdefault(str(label), {})[int(stars or 0)] = int(n)
    ordered = sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    rows: list[list[object]] = [
        [label, *(c.get(s, 0) for s in STARS), sum(c.values())] for label, c in ordered
    ]
    totals = {s: sum(c.get(s, 0) for c in counts.values()) for s in STARS}
    total = sum(totals.values())
    rows.append([gettext("Total"), *(totals[s] for s in STARS), total])
    return Table(
        key=f"certification-by-{by}",
        title={
            "group": gettext("Certified OCOP products by stars, by group"),
            "area": gettext("Certified OCOP products by stars, by former district"),
            "province": gettext("Certified OCOP products by stars, by province"),
        }[by],
        columns=[heading, "5★", "4★", "3★", gettext("Total")],
        rows=rows,  # type: ignore[arg-type]
        summary=stars_sentence(total, totals),
        series=["5★", "4★", "3★"],
        bars=[(label, [c.get(s, 0) for s in STARS]) for label, c in ordered],
    )


async def coverage(session: AsyncSession, *, on: dt.date, uncovered_only: bool = False) -> Table:
    """Each area with its open sales points (permanent ones, active, opened by ``on``)."""
    open_points = (
        sa.select(Location.area_id, sa.func.count().label("points"))
        .where(
            Location.kind == LocationKind.sales_point,
            Location.is_active.is_(True),
            sa.or_(Location.starts_on.is_(None), Location.starts_on <= on),
        )
        .group_by(Location.area_id)
        .subquery()
    )
    points = sa.func.coalesce(open_points.c.points, 0)
    stmt = (
        sa.select(Place.name, Area.name, Area.code, points)
        .join(Place, Place.id == Area.province_id)
        .outerjoin(open_points, open_points.c.area_id == Area.id)
        .order_by(points, Place.name, Area.name)
    )
    if uncovered_only:
        stmt = stmt.where(points == 0)
    rows = [[province, area, code, int(n)] for province, area, code, n in await session.execute(stmt)]
    empty = sum(1 for r in rows if r[3] == 0)
    per_province: dict[str, list[int]] = {}
    for province, _, _, n in rows:
        counts = per_province.setdefault(str(province), [0, 0])
        counts[0 if n else 1] += 1
    return Table(
        key="coverage",
        title=gettext("Sales-point coverage by area"),
        columns=[gettext("Province"), gettext("Area"), gettext("Code"), gettext("Sales points")],
        rows=rows,
        summary=ngettext("%(num)d area has no sales point.", "%(num)d areas have no sales point.", empty)
        % {"num": empty},
        series=[gettext("Areas with a sales point"), gettext("Areas without one")],
        bars=sorted(per_province.items(), key=lambda kv: (-kv[1][1], kv[0])),
    )


async def expiring_certificates(session: AsyncSession, *, on: dt.date, within: int = 90) -> Table:
    found = await expiry.expiring(session, today=on, within=within)
    rows = [
        [
            item.certificate.valid_until,
            item.days_left,
            item.product.name,
            item.producer.name,
            item.certificate.stars,
            item.certificate.decision_number,
            item.product.trace_code,
        ]
        for item in found
    ]
    return Table(
        key=f"certificates-expiring-{within}",
        title=gettext("Certificates expiring within %(days)s days") % {"days": within},
        columns=[
            gettext("Valid until"),
            gettext("Days left"),
            gettext("Product"),
            gettext("Producer"),
            gettext("Stars"),
            gettext("Decision"),
            gettext("Trace code"),
        ],
        rows=rows,  # type: ignore[arg-type]
        summary=ngettext("%(num)d certificate.", "%(num)d certificates.", len(rows)) % {"num": len(rows)},
        series=[gettext("within 30 days"), gettext("31 to 60 days"), gettext("61 to 90 days")],
        bars=[
            (
                gettext("Certificates"),
                [
                    sum(1 for i in found if lo < i.days_left <= hi)
                    for lo, hi in ((-1, 30), (30, 60), (60, 90))
                ],
            )
        ],
    )


async def evaluations(session: AsyncSession, *, year: int) -> Table:
    """The share of the year's evaluated products reaching 3★, by province: certificates
    decided that year (3★ and above) against the evaluations recorded below 3★."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    passed = (
        sa.select(sa.func.coalesce(Place.name, "—").label("label"), Certificate.stars, sa.func.count())
        .join(Product, Product.id == Certificate.product_id)
        .outerjoin(Place, Place.id == Product.origin_province_id)
        .where(Certificate.decision_date >= start, Certificate.decision_date <= end)
        .group_by(sa.literal_column("label"), Certificate.stars)
    )
    failed = (
        sa.select(sa.func.coalesce(Place.name, "—").label("label"), FailedEvaluation.stars, sa.func.count())
        .outerjoin(Place, Place.id == FailedEvaluation.province_id)
        .where(FailedEvaluation.evaluated_on >= start, FailedEvaluation.evaluated_on <= end)
        .group_by(sa.literal_column("label"), FailedEvaluation.stars)
    )
    counts: dict[str, dict[int, int]] = {}
    for stmt in (passed, failed):
        for label, stars, n in await session.execute(stmt):
            counts.setdefault(str(label), {})[int(stars)] = int(n)

    def row(label: str, c: dict[int, int]) -> list[object]:
        total, reached = sum(c.values()), sum(n for s, n in c.items() if s >= 3)
        share = round(100 * reached / total, 1) if total else 0.0
        return [label, total, reached, c.get(5, 0), c.get(4, 0), c.get(3, 0), total - reached, share]

    rows = [
        row(label, c) for label, c in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]
    everything: dict[int, int] = {}
    for c in counts.values():
        for s, n in c.items():
            everything[s] = everything.get(s, 0) + n
    totals = row(gettext("Total"), everything)
    rows.append(totals)
    return Table(
        key=f"evaluations-{year}",
        title=gettext("Evaluated products reaching 3★ in %(year)s") % {"year": year},
        columns=[
            gettext("Province"),
            gettext("Evaluated"),
            gettext("3★ or more"),
            "5★",
            "4★",
            "3★",
            gettext("Below 3★"),
            gettext("Share (%)"),
        ],
        rows=rows,  # type: ignore[arg-type]
        summary=gettext("%(reached)s of %(total)s evaluated products reached 3★ (%(share)s %%).")
        % {"reached": totals[2], "total": totals[1], "share": totals[7]},
        series=[gettext("3★ or more"), gettext("Below 3★")],
        bars=[(str(r[0]), [int(r[2]), int(r[6])]) for r in rows[:-1]],  # type: ignore[call-overload]
    )
