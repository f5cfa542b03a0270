"""What each measure counts, read from what the system holds, for one province on one day.

A measure answers its **units**: the products, producers, fairs or sales areas it counts,
each with where it is (the former district and today's commune) so progress can be shown by
area; the share-type measures carry a numerator and a denominator per unit. Products belong
to a province by their origin on today's map (``Product.origin_province_id``), as the
certification report counts them.

- new certified products: a product's first certificate of N★ or more (revoked ones aside)
  started between 1 January and the day;
- traceable products: a labelled batch (a lot code, hence a trace code per lot) recorded
  between 1 January and the day;
- quality-certified products: a quality certification (of a kind) valid on the day;
- producers of a kind: with a product whose OCOP certificate was in force on the day;
- areas with a sales point: the province's sales areas with a permanent sales point open on
  the day;
- share reaching 3★: the products evaluated this year (certificates decided, evaluations
  below 3★ recorded), as the "evaluated products reaching 3★" report counts them;
- revenue growth: products whose first certificate's first anniversary fell this year, their
  sales in the year after against the year before (till sales less returns, online orders
  delivered: the sales report's definition);
- fairs held, and the province's producers whose goods were at one (a stock level there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from shop.catalog.models import (
    Certificate,
    CertificateStatus,
    FailedEvaluation,
    Producer,
    Product,
    QualityCertification,
)
from shop.catalog.sellability import VIETNAM
from shop.geo.models import Area, Place
from shop.inventory.models import Batch, Location, LocationKind, StockLevel, open_on
from shop.orders.models import Fulfilment, LineStatus, OrderEvent, OrderLine
from shop.programme.models import Measure, PlanTarget
from shop.till.models import ReturnLine, Sale, SaleLine, SaleReturn


@dataclass(frozen=True)
class Unit:
    """One thing a measure counts, where it is, and (for shares) its part of the ratio."""

    key: object
    district_id: int | None
    commune_id: int | None
    numerator: int = 1
    denominator: int = 0


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of a day in Vietnam, in UTC."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(dt.UTC)


def _in_force(on: dt.date) -> ColumnElement[bool]:
    """A certificate in force on a day (history included: superseded and expired ones were)."""
    return sa.and_(
        Certificate.valid_from <= on,
        Certificate.valid_until >= on,
        sa.or_(
            Certificate.status != CertificateStatus.revoked,
            Certificate.revoked_on > on,
        ),
    )


def _products(rows: sa.Result[Any, int | None, int | None]) -> list[Unit]:
    return [Unit(pid, district, commune) for pid, district, commune in rows]


async def _new_certified(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    stars = target.stars or 3
    first = (
        sa.select(Certificate.product_id, sa.func.min(Certificate.valid_from).label("since"))
        .where(Certificate.stars >= stars, Certificate.status != CertificateStatus.revoked)
        .group_by(Certificate.product_id)
        .subquery()
    )
    stmt = (
        sa.select(Product.id, Product.legacy_district_id, Product.origin_commune_id)
        .join(first, first.c.product_id == Product.id)
        .where(Product.origin_province_id == province, first.c.since >= start, first.c.since <= on)
    )
    return _products(await session.execute(stmt))


async def _traceable(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    labelled = sa.select(Batch.product_id).where(
        Batch.code.is_not(None),
        Batch.created_at >= day_start(start),
        Batch.created_at < day_start(on + dt.timedelta(days=1)),
    )
    stmt = sa.select(Product.id, Product.legacy_district_id, Product.origin_commune_id).where(
        Product.origin_province_id == province, Product.id.in_(labelled)
    )
    return _products(await session.execute(stmt))


async def _quality(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    valid = sa.select(QualityCertification.product_id).where(
        sa.or_(QualityCertification.valid_from.is_(None), QualityCertification.valid_from <= on),
        sa.or_(QualityCertification.valid_until.is_(None), QualityCertification.valid_until >= on),
    )
    if target.quality_kind is not None:
        valid = valid.where(QualityCertification.kind == target.quality_kind)
    stmt = sa.select(Product.id, Product.legacy_district_id, Product.origin_commune_id).where(
        Product.origin_province_id == province, Product.is_active.is_(True), Product.id.in_(valid)
    )
    return _products(await session.execute(stmt))


async def _producers(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    certified = sa.select(Certificate.product_id).where(_in_force(on))
    stmt = (
        sa.select(Producer.id, Product.legacy_district_id, Product.origin_commune_id)
        .join(Product, Product.producer_id == Producer.id)
        .where(Product.origin_province_id == province, Product.id.in_(certified))
        .distinct()
    )
    if target.producer_kind is not None:
        stmt = stmt.where(Producer.kind == target.producer_kind)
    return _products(await session.execute(stmt))


def _open_on(on: dt.date) -> ColumnElement[bool]:
    return sa.and_(
        Location.is_active.is_(True),
        open_on(on),
    )


async def _sales_areas(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    stmt = (
        sa.select(Area.id, Area.legacy_district_id, sa.func.min(Location.place_id))
        .join(Location, Location.area_id == Area.id)
        .where(Area.province_id == province, Location.kind == LocationKind.sales_point, _open_on(on))
        .group_by(Area.id, Area.legacy_district_id)
    )
    return _products(await session.execute(stmt))


def _fairs(province: int, start: dt.date, on: dt.date) -> sa.Select[int, int | None, int | None]:
    """The fairs that started this year by the day, in the province (by their area, else by
    the commune they stand in)."""
    commune = aliased(Place)
    return (
        sa.select(Location.id, Area.legacy_district_id, Location.place_id)
        .outerjoin(Area, Area.id == Location.area_id)
        .outerjoin(commune, commune.id == Location.place_id)
        .where(
            Location.kind == LocationKind.fair,
            Location.starts_on >= start,
            Location.starts_on <= on,
            sa.func.coalesce(Area.province_id, commune.province_id) == province,
        )
    )


async def _fairs_held(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    return _products(await session.execute(_fairs(province, start, on)))


async def _fair_producers(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    """The province's producers whose goods were at a fair held this year (any fair)."""
    held = sa.select(Location.id).where(
        Location.kind == LocationKind.fair, Location.starts_on >= start, Location.starts_on <= on
    )
    stmt = (
        sa.select(Product.producer_id, Product.legacy_district_id, Product.origin_commune_id)
        .join(StockLevel, StockLevel.product_id == Product.id)
        .where(Product.origin_province_id == province, StockLevel.location_id.in_(held))
        .distinct()
    )
    return _products(await session.execute(stmt))


async def _evaluated(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    """Each evaluation of the year: 1 of 1 when it reached 3★ (a certificate), 0 of 1 below."""
    passed = (
        sa.select(Certificate.id, Product.legacy_district_id, Product.origin_commune_id)
        .join(Product, Product.id == Certificate.product_id)
        .where(
            Product.origin_province_id == province,
            Certificate.decision_date >= start,
            Certificate.decision_date <= on,
        )
    )
    failed = (
        sa.select(FailedEvaluation.id, Product.legacy_district_id, Product.origin_commune_id)
        .outerjoin(Product, Product.id == FailedEvaluation.product_id)
        .where(
            sa.func.coalesce(FailedEvaluation.province_id, Product.origin_province_id) == province,
            FailedEvaluation.evaluated_on >= start,
            FailedEvaluation.evaluated_on <= on,
        )
    )
    out = [Unit(("c", key), d, c, 1, 1) for key, d, c in await session.execute(passed)]
    out += [Unit(("f", key), d, c, 0, 1) for key, d, c in await session.execute(failed)]
    return out


async def _sold_by_product(
    session: AsyncSession, ids: list[int], start: dt.date, end: dt.date
) -> dict[int, list[tuple[dt.datetime, int]]]:
    """Each product's sales (instant, amount in VND) over [start, end]: till lines, less
    returns when they were recorded, and online lines when they were delivered."""
    lo, hi = day_start(start), day_start(end + dt.timedelta(days=1))
    till = (
        sa.select(SaleLine.product_id, Sale.recorded_at, SaleLine.total_vnd)
        .join(Sale, Sale.id == SaleLine.sale_id)
        .where(SaleLine.product_id.in_(ids), Sale.recorded_at >= lo, Sale.recorded_at < hi)
    )
    returned = (
        sa.select(SaleLine.product_id, SaleReturn.returned_at, -ReturnLine.amount_vnd)
        .join(SaleReturn, SaleReturn.id == ReturnLine.return_id)
        .join(SaleLine, SaleLine.id == ReturnLine.sale_line_id)
        .where(SaleLine.product_id.in_(ids), SaleReturn.returned_at >= lo, SaleReturn.returned_at < hi)
    )
    online = (
        sa.select(OrderLine.product_id, OrderEvent.at, OrderLine.line_total_vnd)
        .join(Fulfilment, Fulfilment.id == OrderEvent.fulfilment_id)
        .join(OrderLine, OrderLine.fulfilment_id == Fulfilment.id)
        .where(
            OrderLine.product_id.in_(ids),
            OrderEvent.kind == "fulfilment_delivered",
            OrderEvent.at >= lo,
            OrderEvent.at < hi,
            OrderLine.status == LineStatus.open,
        )
    )
    out: dict[int, list[tuple[dt.datetime, int]]] = {}
    for stmt in (till, returned, online):
        for pid, at, amount in await session.execute(stmt):
            out.setdefault(int(pid), []).append((at, int(amount)))
    return out


async def _revenue(
    session: AsyncSession, province: int, start: dt.date, on: dt.date, target: PlanTarget
) -> list[Unit]:
    """Products whose first anniversary of certification fell between 1 January and the day:
    their sales in the year after (numerator) and the year before (denominator)."""
    first = (
        sa.select(Certificate.product_id, sa.func.min(Certificate.valid_from).label("since"))
        .where(Certificate.status != CertificateStatus.revoked)
        .group_by(Certificate.product_id)
        .subquery()
    )
    year = dt.timedelta(days=365)
    rows = (
        await session.execute(
            sa.select(Product.id, Product.legacy_district_id, Product.origin_commune_id, first.c.since)
            .join(first, first.c.product_id == Product.id)
            .where(
                Product.origin_province_id == province,
                first.c.since >= start - year,
                first.c.since <= on - year,
            )
        )
    ).all()
    if not rows:
        return []
    sold = await _sold_by_product(session, [r[0] for r in rows], start - 2 * year, on)
    out = []
    for pid, district, commune, since in rows:
        begins = day_start(since)
        before = sum(a for at, a in sold.get(pid, []) if day_start(since - year) <= at < begins)
        after = sum(a for at, a in sold.get(pid, []) if begins <= at < day_start(since + year))
        if before > 0:  # growth is a ratio: a product that sold nothing before has none
            out.append(Unit(pid, district, commune, after, before))
    return out


Counter = Callable[[AsyncSession, int, dt.date, dt.date, PlanTarget], Awaitable[list[Unit]]]
COUNTERS: dict[Measure, Counter] = {
    Measure.new_certified_products: _new_certified,
    Measure.traceable_products: _traceable,
    Measure.quality_certified_products: _quality,
    Measure.producers_of_kind: _producers,
    Measure.areas_with_sales_point: _sales_areas,
    Measure.share_reaching_three_stars: _evaluated,
    Measure.revenue_growth: _revenue,
    Measure.fairs_held: _fairs_held,
    Measure.fair_producers: _fair_producers,
}


async def units(
    session: AsyncSession, target: PlanTarget, *, province: int, year: int, on: dt.date
) -> list[Unit]:
    """What ``target``'s measure counts in ``province`` on ``on`` (its flows from 1 January of
    ``year``); a recorded target has no units (the office's figures are its progress)."""
    counter = COUNTERS.get(target.measure)
    if counter is None:
        return []
    return await counter(session, province, dt.date(year, 1, 1), on, target)
