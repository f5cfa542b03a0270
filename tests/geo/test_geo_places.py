"""The administrative map: what the loader put in, and resolving places across the 2025 reform."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.geo import services
from shop.geo.loader import load_places
from shop.geo.models import Place, PlaceEra, PlaceLevel

current, legacy = PlaceEra.current, PlaceEra.legacy
province, district, commune = PlaceLevel.province, PlaceLevel.district, PlaceLevel.commune


async def _legacy_province(session: AsyncSession, name: str) -> Place:
    found = [p for p in await services.find_provinces(session, name) if p.era == legacy]
    assert len(found) == 1, found
    return found[0]


async def _resolve(session: AsyncSession, text: str) -> Place:
    place = await services.resolve_place(session, text)
    assert place is not None, text
    return place


async def test_the_whole_map_is_loaded(session: AsyncSession) -> None:
    rows = await session.execute(
        sa.select(Place.era, Place.level, sa.func.count()).group_by(Place.era, Place.level)
    )
    counts = {(era, level): n for era, level, n in rows}
    assert counts == {
        (current, province): 34,
        (current, commune): 3321,
        (legacy, province): 63,
        (legacy, district): 696,
        # The source's 10,040 legacy rows include five island districts that had no commune
        # (Côn Đảo, Lý Sơn, Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa): they are districts here.
        (legacy, commune): 10_035,
    }


async def test_loading_again_adds_nothing(session: AsyncSession) -> None:
    assert await load_places(session) == 0
    assert await session.scalar(sa.select(sa.func.count()).select_from(Place)) == 14_149


async def test_new_places_get_fresh_ids(session: AsyncSession) -> None:
    # The loader sets ids itself; on PostgreSQL the sequence must have been moved past them.
    place = Place(
        era=current, level=commune, code="TEST1", name="Xã Thử", short_name="Thử", kind="Xã", folded="thu"
    )
    session.add(place)
    await session.flush()
    assert place.id > 14_149
    await session.rollback()


async def test_every_legacy_unit_has_a_successor_of_today(session: AsyncSession) -> None:
    successor = aliased(Place)
    query = sa.select(Place.level, successor.era, successor.level, sa.func.count()).join(
        successor, Place.successor_id == successor.id
    )
    rows = await session.execute(
        query.where(Place.era == legacy).group_by(Place.level, successor.era, successor.level)
    )
    assert {(lvl, era, to): n for lvl, era, to, n in rows} == {
        (province, current, province): 63,
        (district, current, province): 696,
        (commune, current, commune): 10_035,
    }
    assert await session.scalar(sa.select(sa.func.count()).where(Place.successor_is_default)) == 471
    dates = await session.scalars(sa.select(Place.valid_until).where(Place.era == legacy).distinct())
    assert list(dates) == [dt.date(2025, 6, 30)]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Bắc Kạn", "Thái Nguyên"),
        ("Hà Giang", "Tuyên Quang"),
        ("Quảng Nam", "Đà Nẵng"),
        ("Bình Dương", "Hồ Chí Minh"),
    ],
)
async def test_merged_provinces_point_to_their_successor(session: AsyncSession, old: str, new: str) -> None:
    place = await _legacy_province(session, old)
    origin = await services.origin_of(session, place)
    assert origin.legacy_province is place
    assert origin.current_province is not None
    assert origin.current_province.short_name == new
    assert origin.current_province.era == current


@pytest.mark.parametrize("text", ["bac kan", "Bắc Kạn", "BẮC KẠN", "Tỉnh Bắc Kạn", "tinh bac kan"])
async def test_find_provinces_finds_bac_kan_however_written(session: AsyncSession, text: str) -> None:
    found = await services.find_provinces(session, text)
    assert [(p.name, p.era) for p in found] == [("Tỉnh Bắc Kạn", legacy)]


@pytest.mark.parametrize(
    "text", ["TP Hồ Chí Minh", "Hồ Chí Minh", "Thành phố Hồ Chí Minh", "tp.hcm", "Đà Nẵng"]
)
async def test_find_provinces_gives_both_eras_current_first(session: AsyncSession, text: str) -> None:
    found = await services.find_provinces(session, text)
    assert [p.era for p in found] == [current, legacy]
    assert found[0].name == found[1].name


async def test_find_provinces_unknown(session: AsyncSession) -> None:
    assert await services.find_provinces(session, "Atlantis") == []


async def test_na_ri_bac_kan_is_the_old_district_now_in_thai_nguyen(session: AsyncSession) -> None:
    place = await _resolve(session, "Na Rì, Bắc Kạn")
    assert (place.name, place.era, place.level) == ("Huyện Na Rì", legacy, district)
    origin = await services.origin_of(session, place)
    assert origin.current_province is not None
    assert origin.current_province.name == "Tỉnh Thái Nguyên"
    assert origin.current_commune is None  # the district level is gone
    assert origin.legacy_province is not None
    assert origin.legacy_province.name == "Tỉnh Bắc Kạn"
    assert origin.legacy_district is place
    assert origin.legacy_commune is None


async def test_a_legacy_commune_resolves_to_a_commune_of_today(session: AsyncSession) -> None:
    place = await _resolve(session, "xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn")
    assert (place.name, place.era, place.level) == ("Xã Côn Minh", legacy, commune)
    origin = await services.origin_of(session, place)
    assert origin.current_commune is not None
    assert (origin.current_commune.era, origin.current_commune.level) == (current, commune)
    assert origin.current_province is not None
    assert origin.current_commune.province_id == origin.current_province.id
    assert origin.current_province.short_name == "Thái Nguyên"
    assert origin.legacy_district is not None
    assert origin.legacy_district.name == "Huyện Na Rì"
    assert not origin.approximate


async def test_a_split_commune_uses_the_default_successor_approximately(session: AsyncSession) -> None:
    place = await _resolve(session, "Xã Tân Thạnh, Huyện Thới Lai, Thành phố Cần Thơ")
    origin = await services.origin_of(session, place)
    assert origin.approximate
    assert origin.current_commune is not None
    assert origin.current_commune.name == "Xã Trường Thành"


async def test_origin_of_a_current_commune_has_no_legacy_units(session: AsyncSession) -> None:
    place = await _resolve(session, "Phường Hồng Hà, Hà Nội")
    origin = await services.origin_of(session, place)
    assert origin.current_province is not None
    assert origin.current_province.name == "Thành phố Hà Nội"
    assert origin.current_commune is place
    assert (origin.legacy_province, origin.legacy_district, origin.legacy_commune) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "name", "era", "level"),
    [
        ("Huyện Đồng Văn, Hà Giang", "Huyện Đồng Văn", legacy, district),
        # A bare name reads as the district before the town and today's commune of that name.
        ("Bình Liêu, Quảng Ninh", "Huyện Bình Liêu", legacy, district),
        ("Xã Bình Liêu, Quảng Ninh", "Xã Bình Liêu", current, commune),
        # A province of both maps: today's.
        ("Thái Nguyên", "Tỉnh Thái Nguyên", current, province),
        ("Quảng Nam", "Tỉnh Quảng Nam", legacy, province),
        ("Phường Hồng Hà, Hà Nội", "Phường Hồng Hà", current, commune),
        ("Na Rì, Thái Nguyên", "Xã Na Rì", current, commune),
        # An old district written with today's province.
        ("huyện Na Rì, tỉnh Thái Nguyên", "Huyện Na Rì", legacy, district),
        ("Phường 14, Quận 3, TP.HCM", "Phường 14", legacy, commune),
        ("Quan Hóa, Thanh Hóa", "Huyện Quan Hóa", legacy, district),
        ("Thôn Nà Cà, xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn, Việt Nam", "Xã Côn Minh", legacy, commune),
    ],
)
async def test_resolve_place(
    session: AsyncSession, text: str, name: str, era: PlaceEra, level: PlaceLevel
) -> None:
    place = await _resolve(session, text)
    assert (place.name, place.era, place.level) == (name, era, level)


@pytest.mark.parametrize(
    "text",
    [
        "Hồng Hà, Hà Nội",  # today's Phường Hồng Hà or the old Xã Hồng Hà (Đan Phượng)
        "Phường 14, Hồ Chí Minh",  # one in most old districts
        "Cai Lậy, Tiền Giang",  # Huyện and Thị xã Cai Lậy
        "Atlantis",
        "Na Rì",  # not a province
        "Nowhere, Bắc Kạn",
        "",
        " , ",
    ],
)
async def test_resolve_place_gives_none_when_ambiguous_or_unknown(session: AsyncSession, text: str) -> None:
    assert await services.resolve_place(session, text) is None


async def test_pickers(session: AsyncSession) -> None:
    today = await services.provinces(session)
    assert len(today) == 34
    assert {p.era for p in today} == {current}
    assert today[0].short_name == "An Giang"
    assert len(await services.provinces(session, legacy)) == 63
    thai_nguyen = next(p for p in today if p.short_name == "Thái Nguyên")
    communes = await services.communes(session, thai_nguyen.id)
    assert {(p.era, p.level) for p in communes} == {(current, commune)}
    assert "Xã Na Rì" in {p.name for p in communes}
    assert [p.folded for p in communes] == sorted(p.folded for p in communes)


async def test_an_address_pair_is_read_once_and_a_wrong_pair_every_time(
    session: AsyncSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout's province and commune codes: reference data, read once per process when
    they exist; a commune of another province, or a code that does not exist, is not kept."""
    monkeypatch.setattr(services, "_CURRENT_PAIRS", {})
    provinces = (
        await session.scalars(sa.select(Place).where(Place.era == current, Place.level == province))
    ).all()
    first, second = provinces[0], provinces[1]
    its_commune = await session.scalar(
        sa.select(Place)
        .where(Place.level == commune, Place.province_id == first.id)
        .order_by(Place.code)
        .limit(1)
    )
    other_commune = await session.scalar(
        sa.select(Place).where(Place.level == commune, Place.province_id == second.id).limit(1)
    )
    assert its_commune is not None and other_commune is not None
    sent: list[str] = []

    def seen(*args: object) -> None:
        sent.append(str(args[2]))

    engine = session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        pair = first.code, its_commune.code
        assert await services.current_province_and_commune(session, *pair) == (first.id, its_commune.id)
        assert await services.current_province_and_commune(session, *pair) == (first.id, its_commune.id)
        assert len(sent) == 1
        wrong = first.code, other_commune.code
        assert await services.current_province_and_commune(session, *wrong) == (first.id, None)
        assert await services.current_province_and_commune(session, *wrong) == (first.id, None)
        assert await services.current_province_and_commune(session, "99", its_commune.code) == (None, None)
        assert len(sent) == 4
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
