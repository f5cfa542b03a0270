"""The year's plan against a small world whose answers are known, on 2 July 2026 (183 days
of 365 gone by): a target behind, one on track, one reached, a share, a level measured from
where the year started, a figure the office recorded, and a province-wide target by area."""

from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import PiccoloUser, Role
from shop.catalog.models import (
    CouncilLevel,
    FailedEvaluation,
    ProducerKind,
    QualityCertification,
    QualityKind,
)
from shop.geo import services as geo
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.i18n import language
from shop.inventory.models import Batch, LocationKind, Ownership, StockLevel
from shop.programme import plans, progress
from shop.programme.models import Measure
from shop.programme.schemas import PlanIn, RecordIn, TargetIn
from shop.till.models import Sale, SaleLine, Shift, ShiftStatus
from tests import factories

ON = dt.date(2026, 7, 2)


async def province(session: AsyncSession, name: str = "Thái Nguyên") -> Place:
    found = await session.scalar(
        sa.select(Place).where(
            Place.era == PlaceEra.current, Place.level == PlaceLevel.province, Place.short_name == name
        )
    )
    assert found is not None
    return found


async def district(session: AsyncSession, text: str) -> Place:
    found = await geo.resolve_place(session, text)
    assert found is not None and found.level is PlaceLevel.district
    return found


async def certified(session: AsyncSession, origin: str, stars: int, since: dt.date, maker=None):
    item = await factories.product(session, maker, origin=origin)
    await factories.certificate(session, item, stars, decision_date=since, valid_from=since, today=since)
    return item


async def world(session: AsyncSession) -> dict[str, object]:
    """Thái Nguyên: 3★ in Na Rì (March), 4★ in Ba Bể (May), 3★ in Na Rì last year, 3★ in
    Na Rì in August (after the day); one evaluation below 3★ in May; a VietGAP product since
    February; a fair in April; one sales area with a sales point since before the year."""
    p = await province(session)
    maker = await factories.producer(session, code="HTX-PLAN", name="HTX Kế hoạch")
    a = await certified(session, "Na Rì, Bắc Kạn", 3, dt.date(2026, 3, 1), maker)
    await certified(session, "Ba Bể, Bắc Kạn", 4, dt.date(2026, 5, 1), maker)
    await certified(session, "Na Rì, Bắc Kạn", 3, dt.date(2025, 6, 1), maker)
    await certified(session, "Na Rì, Bắc Kạn", 3, dt.date(2026, 8, 1), maker)
    session.add(
        FailedEvaluation(
            producer_id=maker.id,
            product_name="Miến thử",
            province_id=p.id,
            council_level=CouncilLevel.province,
            evaluated_on=dt.date(2026, 5, 1),
            stars=2,
        )
    )
    session.add(
        QualityCertification(product_id=a.id, kind=QualityKind.vietgap, valid_from=dt.date(2026, 2, 1))
    )
    await factories.location(
        session,
        LocationKind.fair,
        code="FAIR-TN",
        province_id=p.id,
        starts_on=dt.date(2026, 4, 10),
        ends_on=dt.date(2026, 4, 15),
    )
    await factories.location(session, code="SP-TN", province_id=p.id)
    await session.flush()
    return {"province": p, "na_ri": await district(session, "Na Rì, Bắc Kạn")}


async def test_each_target_shows_done_expected_and_its_status(session: AsyncSession):
    w = await world(session)
    p, na_ri = w["province"], w["na_ri"]
    plan = await plans.create_plan(session, PlanIn(province_id=p.id, year=2026, title="Kế hoạch OCOP 2026"))
    specs = [
        TargetIn(Measure.new_certified_products, 4),  # 2 done, 2 expected: on track
        TargetIn(Measure.new_certified_products, 6, stars=4),  # 1 done, 3 expected: behind
        TargetIn(Measure.new_certified_products, 1, place_id=na_ri.id),  # 1 of 1: reached
        TargetIn(Measure.share_reaching_three_stars, 70),  # 2 of 3 = 66.7 %: behind
        TargetIn(Measure.quality_certified_products, 2, quality_kind=QualityKind.vietgap),  # 0 → 1 of 1
        TargetIn(Measure.fairs_held, 2),  # 1 of 1
        TargetIn(Measure.areas_with_sales_point, 3),  # 1 at the start, 1 now, 2 expected
        TargetIn(Measure.recorded, 25, label="Chủ thể tham gia liên kết sản xuất"),  # 10 of 13
        TargetIn(Measure.recorded, 8, label="Chủ thể được củng cố"),  # nothing recorded
    ]
    targets = [await plans.add_target(session, plan, s) for s in specs]
    await plans.record(session, plan, targets[7], RecordIn(10, dt.date(2026, 6, 30)), user_id=None, today=ON)
    await session.commit()

    with language("en"):
        found = await progress.of_plan(session, plan, today=ON)
    figures = [(t.done, t.expected, t.status) for t in found.targets]
    assert figures == [
        (2.0, 2, "on_track"),
        (1.0, 3, "behind"),
        (1.0, 1, "reached"),
        (66.7, 70, "behind"),
        (1.0, 1, "on_track"),
        (1.0, 1, "on_track"),
        (1.0, 2, "behind"),
        (10.0, 13, "behind"),
        (None, 4, "no_data"),
    ]
    assert found.on == ON and found.targets[2].place == na_ri.name and found.targets[2].areas == []
    by_area = {a.name: a.done for a in found.targets[0].areas}
    assert by_area[na_ri.name] == 1.0 and by_area[(await district(session, "Ba Bể, Bắc Kạn")).name] == 1.0
    assert sum(v or 0 for v in by_area.values()) == 2.0 and list(by_area.values()).count(0.0) >= 5
    assert found.targets[6].detail == "1 at the start of the year."
    assert found.targets[3].detail == "2 of 3 evaluated products reached 3★."


async def test_a_past_year_stands_on_31_december_and_a_future_one_expects_nothing(session: AsyncSession):
    w = await world(session)
    plan = await plans.create_plan(session, PlanIn(province_id=w["province"].id, year=2026, title="2026"))
    await plans.add_target(session, plan, TargetIn(Measure.new_certified_products, 3))
    later = await progress.of_plan(session, plan, today=dt.date(2027, 3, 1))
    assert later.on == dt.date(2026, 12, 31)
    assert (later.targets[0].done, later.targets[0].expected, later.targets[0].status) == (3.0, 3, "reached")
    early = await progress.of_plan(session, plan, today=dt.date(2025, 11, 1))
    assert (early.targets[0].done, early.targets[0].expected, early.targets[0].status) == (0.0, 0, "on_track")


async def _sold(session: AsyncSession, shift: Shift, product_id: int, amount: int, on: dt.date) -> None:
    at = dt.datetime(on.year, on.month, on.day, 3, tzinfo=dt.UTC)
    number = 1 + int(await session.scalar(sa.select(sa.func.count()).select_from(Sale)) or 0)
    sale = Sale(
        client_id=uuid.uuid4(),
        payload_hash="test",
        location_id=shift.location_id,
        shift_id=shift.id,
        user_id=shift.user_id,
        number=number,
        sold_at=at,
        recorded_at=at,
        subtotal_vnd=amount,
        total_vnd=amount,
    )
    session.add(sale)
    await session.flush()
    session.add(
        SaleLine(
            sale_id=sale.id,
            line_no=1,
            product_id=product_id,
            quantity=1,
            unit_price_vnd=amount,
            total_vnd=amount,
        )
    )


async def test_revenue_traced_batches_fair_producers_and_cooperatives(session: AsyncSession):
    """R: certified March 2025, sold 100 000 the year before and 180 000 the year after (×1.8),
    a labelled batch in February, goods at April's fair; S (an enterprise's): certified in
    October 2025 (its year after is not over), an unlabelled batch this year and a labelled one
    last year, goods at last year's fair."""
    p = await province(session)
    cooperative = await factories.producer(session, code="HTX-R")
    enterprise = await factories.producer(session, code="DN-S", kind=ProducerKind.enterprise)
    r = await certified(session, "Na Rì, Bắc Kạn", 3, dt.date(2025, 3, 1), cooperative)
    s = await certified(session, "Ba Bể, Bắc Kạn", 3, dt.date(2025, 10, 1), enterprise)
    shop = await factories.location(session, code="SP-R", province_id=p.id)
    await factories.user(session, Role.staff, location_codes=["SP-R"], username="cashier-r")
    cashier = await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == "cashier-r"))
    shift = Shift(location_id=shop.id, user_id=cashier, status=ShiftStatus.open, opening_float_vnd=0)
    session.add(shift)
    await session.flush()
    await _sold(session, shift, r.id, 100_000, dt.date(2024, 9, 1))
    await _sold(session, shift, r.id, 180_000, dt.date(2025, 9, 1))
    await _sold(session, shift, s.id, 50_000, dt.date(2025, 9, 1))
    feb, last_year = dt.datetime(2026, 2, 1, tzinfo=dt.UTC), dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    lots = [
        Batch(product_id=r.id, code="R-01", trace_code="TRACER01", created_at=feb),
        Batch(product_id=s.id, code=None, trace_code="TRACES00", created_at=feb),
        Batch(product_id=s.id, code="S-01", trace_code="TRACES01", created_at=last_year),
    ]
    session.add_all(lots)
    fair = await factories.location(
        session,
        LocationKind.fair,
        code="FAIR-R",
        starts_on=dt.date(2026, 4, 10),
        ends_on=dt.date(2026, 4, 12),
    )
    old_fair = await factories.location(
        session,
        LocationKind.fair,
        code="FAIR-S",
        starts_on=dt.date(2025, 4, 10),
        ends_on=dt.date(2025, 4, 12),
    )
    await session.flush()
    for where, lot in ((fair, lots[0]), (old_fair, lots[2])):
        session.add(
            StockLevel(
                location_id=where.id, product_id=lot.product_id, batch_id=lot.id, ownership=Ownership.owned
            )
        )
    plan = await plans.create_plan(session, PlanIn(province_id=p.id, year=2026, title="2026"))
    for spec in (
        TargetIn(Measure.revenue_growth, 150),
        TargetIn(Measure.traceable_products, 2),
        TargetIn(Measure.fair_producers, 3),
        TargetIn(Measure.producers_of_kind, 1, producer_kind=ProducerKind.cooperative),
        TargetIn(Measure.producers_of_kind, 3),
    ):
        await plans.add_target(session, plan, spec)
    await session.commit()

    with language("en"):
        found = await progress.of_plan(session, plan, today=ON)
    assert [(t.done, t.expected, t.status) for t in found.targets] == [
        (180.0, 150, "reached"),
        (1.0, 1, "on_track"),
        (1.0, 2, "behind"),
        (1.0, 1, "reached"),
        (2.0, 3, "behind"),  # two at the start of the year, three expected by the end
    ]
    assert found.targets[0].detail == "1 products a year after their certificate."
    assert progress.shown(found.targets[0].done, Measure.revenue_growth) == "×1.80"
    assert {a.name: a.done for a in found.targets[1].areas if a.done} == {
        (await district(session, "Na Rì, Bắc Kạn")).name: 1.0
    }
