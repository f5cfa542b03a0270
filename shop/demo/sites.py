"""Where the demo sells: twelve sales points and a trade fair, and the producers' warehouses.

Sales points serve an **area** (a former district, or a named area) and stand in a commune of
today's map. The fair runs around the day of the load so it is open on the storefront.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.demo.specs import ProducerSpec
from shop.geo import services as geo
from shop.geo.models import Area, Place, PlaceEra, PlaceLevel
from shop.inventory.models import Location, LocationKind

HOURS = "7:30–21:00 hằng ngày"
OFFICE_HOURS = "7:30–17:00, thứ Hai đến thứ Bảy"
MAIN_SALES_POINT = "SP-BACKAN"  # where the demo manager and staff work
FAIR = "FAIR-OCOP-TN"  # the trade fair open around the day of the load
DEMO_BANK_BIN = "970405"  # Agribank's NAPAS BIN


@dataclass(frozen=True)
class AreaSpec:
    code: str
    name: str
    district: str | None  # legacy district, free text ("Na Rì, Bắc Kạn"); None: a named area


@dataclass(frozen=True)
class SiteSpec:
    code: str
    name: str
    area: AreaSpec
    province: str  # today's province, short name
    commune: str  # today's commune or ward, short name
    address: str
    phone: str
    fair_days: tuple[int, int] | None = None  # (start, end) relative to today


def _district(code: str, district: str, province: str, kind: str = "huyện") -> AreaSpec:
    return AreaSpec(code, f"Khu vực {district} ({kind} cũ)", f"{district}, {province}")


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        "SP-BACKAN",
        "Điểm giới thiệu và bán sản phẩm OCOP Bắc Kạn",
        _district("BAC-KAN", "Bắc Kạn", "Bắc Kạn", "thành phố"),
        "Thái Nguyên",
        "Bắc Kạn",
        "Số 8 đường Trường Chinh, phường Bắc Kạn, tỉnh Thái Nguyên",
        "0209 3870 118",
    ),
    SiteSpec(
        "SP-NARI",
        "Điểm bán sản phẩm OCOP Na Rì",
        _district("NA-RI", "Na Rì", "Bắc Kạn"),
        "Thái Nguyên",
        "Na Rì",
        "Chợ Yến Lạc, xã Na Rì, tỉnh Thái Nguyên",
        "0209 3884 020",
    ),
    SiteSpec(
        "SP-BABE",
        "Điểm bán sản phẩm OCOP hồ Ba Bể",
        _district("BA-BE", "Ba Bể", "Bắc Kạn"),
        "Thái Nguyên",
        "Ba Bể",
        "Bến thuyền Pác Ngòi, xã Ba Bể, tỉnh Thái Nguyên",
        "0209 3894 315",
    ),
    SiteSpec(
        "SP-CHODON",
        "Điểm bán sản phẩm OCOP Chợ Đồn",
        _district("CHO-DON", "Chợ Đồn", "Bắc Kạn"),
        "Thái Nguyên",
        "Chợ Đồn",
        "Tổ 5, xã Chợ Đồn, tỉnh Thái Nguyên",
        "0209 3882 447",
    ),
    SiteSpec(
        "SP-DONGVAN",
        "Điểm bán sản phẩm OCOP Đồng Văn",
        _district("DONG-VAN", "Đồng Văn", "Hà Giang"),
        "Tuyên Quang",
        "Đồng Văn",
        "Phố cổ Đồng Văn, xã Đồng Văn, tỉnh Tuyên Quang",
        "0219 3856 201",
    ),
    SiteSpec(
        "SP-HAGIANG",
        "Trung tâm giới thiệu sản phẩm OCOP Hà Giang",
        _district("HA-GIANG", "Hà Giang", "Hà Giang", "thành phố"),
        "Tuyên Quang",
        "Hà Giang 1",
        "Số 12 đường Nguyễn Trãi, phường Hà Giang 1, tỉnh Tuyên Quang",
        "0219 3866 540",
    ),
    SiteSpec(
        "SP-BINHLIEU",
        "Điểm bán sản phẩm OCOP Bình Liêu",
        _district("BINH-LIEU", "Bình Liêu", "Quảng Ninh"),
        "Quảng Ninh",
        "Bình Liêu",
        "Khu Bình Công I, xã Bình Liêu, tỉnh Quảng Ninh",
        "0203 3878 113",
    ),
    SiteSpec(
        "SP-HALONG",
        "Trung tâm trưng bày sản phẩm OCOP Hạ Long",
        _district("HA-LONG", "Hạ Long", "Quảng Ninh", "thành phố"),
        "Quảng Ninh",
        "Bãi Cháy",
        "Đường Hạ Long, phường Bãi Cháy, tỉnh Quảng Ninh",
        "0203 3846 900",
    ),
    SiteSpec(
        "SP-HOIAN",
        "Điểm bán sản phẩm OCOP Hội An",
        _district("HOI-AN", "Hội An", "Quảng Nam", "thành phố"),
        "Đà Nẵng",
        "Hội An",
        "Số 46 đường Bạch Đằng, phường Hội An, thành phố Đà Nẵng",
        "0235 3861 327",
    ),
    SiteSpec(
        "SP-TAMKY",
        "Trung tâm giới thiệu sản phẩm OCOP Quảng Nam",
        _district("TAM-KY", "Tam Kỳ", "Quảng Nam", "thành phố"),
        "Đà Nẵng",
        "Tam Kỳ",
        "Số 2 đường Hùng Vương, phường Tam Kỳ, thành phố Đà Nẵng",
        "0235 3810 288",
    ),
    SiteSpec(
        "SP-NAMTRAMY",
        "Điểm bán sâm và dược liệu Ngọc Linh",
        AreaSpec("VUNG-SAM-NGOC-LINH", "Vùng sâm Ngọc Linh (Nam Trà My, Bắc Trà My cũ)", None),
        "Đà Nẵng",
        "Nam Trà My",
        "Trung tâm xã Nam Trà My, thành phố Đà Nẵng",
        "0235 3880 015",
    ),
    SiteSpec(
        FAIR,
        "Hội chợ OCOP Thái Nguyên",
        AreaSpec("HOI-CHO-THAI-NGUYEN", "Hội chợ toàn tỉnh Thái Nguyên", None),
        "Thái Nguyên",
        "Phan Đình Phùng",
        "Quảng trường 20/8, phường Phan Đình Phùng, tỉnh Thái Nguyên",
        "0208 3855 100",
        fair_days=(-2, 5),
    ),
)


async def current_commune(session: AsyncSession, province: str, commune: str) -> Place:
    """A commune or ward of today's map by its short name and its province's."""
    parent = (
        sa.select(Place.id)
        .where(
            Place.era == PlaceEra.current,
            Place.level == PlaceLevel.province,
            Place.short_name == province,
        )
        .scalar_subquery()
    )
    place = await session.scalar(
        sa.select(Place).where(
            Place.era == PlaceEra.current,
            Place.level == PlaceLevel.commune,
            Place.short_name == commune,
            Place.province_id == parent,
        )
    )
    if place is None:
        raise LookupError(f"no commune {commune} in {province} on today's map")
    return place


async def _area(session: AsyncSession, spec: AreaSpec, province_id: int) -> Area:
    district = await geo.resolve_place(session, spec.district) if spec.district else None
    if spec.district and (district is None or district.level != PlaceLevel.district):
        raise LookupError(f"no former district {spec.district}")
    area = Area(
        code=spec.code,
        name=spec.name,
        province_id=province_id,
        legacy_district_id=district.id if district else None,
    )
    session.add(area)
    return area


async def add_sales_points(session: AsyncSession, *, today: dt.date) -> list[Location]:
    """The twelve public locations (eleven sales points and one fair), each with its area."""
    out = []
    for site in SITES:
        commune = await current_commune(session, site.province, site.commune)
        if commune.province_id is None:
            raise LookupError(f"commune {site.commune} has no province")
        area = await _area(session, site.area, commune.province_id)
        await session.flush()
        fair = site.fair_days is not None
        starts, ends = site.fair_days or (0, 0)
        out.append(
            Location(
                code=site.code,
                name=site.name,
                kind=LocationKind.fair if fair else LocationKind.sales_point,
                area_id=area.id,
                place_id=commune.id,
                address=site.address,
                phone=site.phone,
                opening_hours="8:00–22:00 trong những ngày hội chợ" if fair else HOURS,
                starts_on=today + dt.timedelta(days=starts) if fair else None,
                ends_on=today + dt.timedelta(days=ends) if fair else None,
                # A made-up Agribank account so the till can show VietQR codes in the demo.
                bank_bin=None if fair else DEMO_BANK_BIN,
                bank_account_number=None if fair else f"88{site.phone[-6:].replace(' ', '')}0001",
                bank_account_name=None if fair else "DIEM BAN OCOP (DEMO)",
            )
        )
    session.add_all(out)
    await session.flush()
    return out


async def add_warehouses(
    session: AsyncSession,
    specs: Sequence[ProducerSpec],
    producer_ids: Mapping[str, int],
    communes: Mapping[str, int],
) -> list[Location]:
    """One ``producer`` location (the warehouse online orders ship from) per producer: a
    household business ships its honey too, so every producer can sell online."""
    out = [
        Location(
            code=f"KHO-{spec.code}",
            name=f"Kho {spec.name}",
            kind=LocationKind.producer,
            producer_id=producer_ids[spec.code],
            place_id=communes.get(spec.code),
            address=spec.address,
            phone=spec.phone,
            opening_hours=OFFICE_HOURS,
        )
        for spec in specs
    ]
    session.add_all(out)
    await session.flush()
    return out
