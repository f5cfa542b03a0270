"""The demo's yearly plan: Thái Nguyên's (Bắc Kạn's former districts among its areas), with
targets like those of Bắc Kạn's 2024 plan and Quảng Nam's, so the office's plan page and the
progress report show something on the first ``make run``. Written through the services."""

from __future__ import annotations

import datetime as dt

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import ProducerKind
from shop.geo import services as geo
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.programme import plans
from shop.programme.models import Measure, PlanStatus
from shop.programme.schemas import PlanIn, RecordIn, TargetIn

PROVINCE = "Thái Nguyên"
# (measure, target, extras): Bắc Kạn 2024 (20 new 3★ products, 2–3 per district, 20 traced,
# 25 producers in linkages, 37 under quality management, 8 consolidated) and Quảng Nam
# (70 % reaching 3★, revenue ×1.5, 2 fairs, a sales point in every area).
TARGETS: tuple[TargetIn, ...] = (
    TargetIn(Measure.new_certified_products, 20, stars=3, note="Ít nhất 20 sản phẩm mới đạt 3 sao trở lên"),
    TargetIn(Measure.new_certified_products, 3, stars=3, note="2–3 sản phẩm mỗi huyện cũ"),
    TargetIn(Measure.new_certified_products, 4, stars=4),
    TargetIn(Measure.traceable_products, 20, note="Áp dụng truy xuất nguồn gốc"),
    TargetIn(Measure.quality_certified_products, 37, note="Áp dụng hệ thống quản lý chất lượng tiên tiến"),
    TargetIn(Measure.recorded, 25, label="Chủ thể tham gia liên kết sản xuất"),
    TargetIn(Measure.recorded, 8, label="Chủ thể được củng cố, kiện toàn tổ chức"),
    TargetIn(Measure.producers_of_kind, 30, producer_kind=ProducerKind.cooperative),
    TargetIn(Measure.share_reaching_three_stars, 70),
    TargetIn(Measure.revenue_growth, 150, note="Doanh thu tăng 1,5 lần sau một năm được công nhận"),
    TargetIn(Measure.fairs_held, 2),
    TargetIn(Measure.fair_producers, 15),
    TargetIn(Measure.areas_with_sales_point, 6, note="Mỗi khu vực có ít nhất một điểm bán OCOP"),
)


async def add_demo_plan(session: AsyncSession, *, today: dt.date) -> int:
    """This year's plan of Thái Nguyên; its targets; the linkage figure recorded a month ago.
    Answers how many targets it holds."""
    province = await session.scalar(
        sa.select(Place).where(
            Place.era == PlaceEra.current, Place.level == PlaceLevel.province, Place.short_name == PROVINCE
        )
    )
    if province is None:
        raise LookupError(f"no province {PROVINCE} on today's map")
    plan = await plans.create_plan(
        session,
        PlanIn(
            province_id=province.id,
            year=today.year,
            title=f"Kế hoạch thực hiện Chương trình OCOP tỉnh {PROVINCE} năm {today.year}",
            status=PlanStatus.adopted,
            note="Dữ liệu minh hoạ: chỉ tiêu theo kế hoạch năm 2024 của Bắc Kạn và của Quảng Nam.",
        ),
    )
    na_ri = await geo.resolve_place(session, "Na Rì, Bắc Kạn")
    made = []
    for i, data in enumerate(TARGETS):
        place = na_ri.id if i == 1 and na_ri else None
        made.append(await plans.add_target(session, plan, msgspec.structs.replace(data, place_id=place)))
    counted_on = max(dt.date(today.year, 1, 1), today - dt.timedelta(days=30))
    linkage = next(t for t in made if t.label == "Chủ thể tham gia liên kết sản xuất")
    await plans.record(
        session,
        plan,
        linkage,
        RecordIn(counted=14, counted_on=counted_on, note="Báo cáo của các xã"),
        user_id=None,
        today=today,
    )
    return len(made)
