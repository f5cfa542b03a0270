"""Reading the administrative map: pickers, free-text resolution and today's origin of a place.

Free text ("xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn", "Na Rì, Bắc Kạn") is matched from the
province down: all provinces of both eras are read (97 rows), then the units of the matching
provinces; names are compared in Python on their folded words, so diacritics, case and
punctuation ("Bà Rịa - Vũng Tàu", "Ea H'leo") do not matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.db import database_key
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.text import search_terms

# Written unit types, folded, with the levels they can name. "thành phố" names a province
# (Hà Nội) or a legacy district (Thành phố Bắc Kạn).
_PREFIX_LEVELS: dict[str, frozenset[PlaceLevel]] = {
    "tinh": frozenset({PlaceLevel.province}),
    "thanh pho": frozenset({PlaceLevel.province, PlaceLevel.district}),
    "huyen": frozenset({PlaceLevel.district}),
    "quan": frozenset({PlaceLevel.district}),
    "thi xa": frozenset({PlaceLevel.district}),
    "xa": frozenset({PlaceLevel.commune}),
    "phuong": frozenset({PlaceLevel.commune}),
    "thi tran": frozenset({PlaceLevel.commune}),
    "dac khu": frozenset({PlaceLevel.commune}),
}
_ABBREVIATIONS = {"tp": "thanh pho", "tx": "thi xa", "tt": "thi tran"}
# Everyday names that are not the official short name.
_ALIASES = {
    "hcm": "ho chi minh",
    "tphcm": "thanh pho ho chi minh",
    "sai gon": "ho chi minh",
    "hn": "ha noi",
    "thua thien hue": "hue",
}
_COUNTRY = frozenset({"viet nam", "vietnam", "vn"})
# Parts before the commune (house number, street, hamlet) name nothing we store.
_MAX_PARTS = 3


@dataclass(frozen=True)
class Origin:
    """Where a place is on today's map, and the legacy units it was named under."""

    current_province: Place | None
    current_commune: Place | None
    legacy_province: Place | None
    legacy_district: Place | None
    legacy_commune: Place | None
    approximate: bool  # a split legacy commune: today's commune is the library's default


@dataclass(frozen=True)
class _Part:
    """One comma-separated part of a place text, folded: "huyện Na Rì" → ("huyen", "na ri")."""

    text: str  # the whole part, aliases applied
    prefix: str | None
    rest: str  # without the prefix

    @classmethod
    def parse(cls, raw: str) -> _Part:
        words = search_terms(raw)
        if words and words[0] in _ABBREVIATIONS:
            words[0] = _ABBREVIATIONS[words[0]]
        text = _ALIASES.get(" ".join(words), " ".join(words))
        for prefix in _PREFIX_LEVELS:
            if text.startswith(prefix + " "):
                rest = text[len(prefix) + 1 :]
                return cls(text, prefix, _ALIASES.get(rest, rest))
        return cls(text, None, text)

    def rank(self, place: Place) -> int | None:
        """How well this part names the place: 0 full name, 1 district, 2 other; None: not."""
        if _key(place.name) == self.text:
            return 0
        short = _key(place.short_name)
        # Both readings of a leading type word: "Quan Hóa" is a district, not "Quận Hóa".
        typed = self.prefix is not None and place.level in _PREFIX_LEVELS[self.prefix]
        if short != self.text and not (typed and short == self.rest):
            return None
        # A bare name next to a province reads as a district first: "Bình Liêu, Quảng Ninh".
        return 1 if place.level == PlaceLevel.district else 2


def _key(name: str) -> str:
    return " ".join(search_terms(name))


def _best(part: _Part, places: Iterable[Place]) -> list[Place]:
    """The places the part names, keeping only the best-ranked ones."""
    ranked = [(rank, p) for p in places if (rank := part.rank(p)) is not None]
    if not ranked:
        return []
    top = min(rank for rank, _ in ranked)
    return [p for rank, p in ranked if rank == top]


def _parts(text: str) -> list[_Part]:
    raw = [p for p in text.split(",") if search_terms(p)]
    while raw and _key(raw[-1]) in _COUNTRY:
        raw.pop()
    return [_Part.parse(p) for p in raw[-_MAX_PARTS:]]


async def provinces(session: AsyncSession, era: PlaceEra = PlaceEra.current) -> list[Place]:
    """The provinces of one map, by name (folded, so both databases sort "Đ" alike): read once
    per database and map (reference data; the checkout form and the filters show them on
    every page), as detached copies in the database's order."""
    key = (database_key(session), era)
    if key not in _ORDERED_PROVINCES:
        copies = _detached(await session.scalars(provinces_select(era)))
        if not copies:  # an empty database is not remembered as such
            return []
        _ORDERED_PROVINCES[key] = copies
    return list(_ORDERED_PROVINCES[key])


def provinces_select(era: PlaceEra = PlaceEra.current) -> sa.Select[Place]:
    query = sa.select(Place).where(Place.era == era, Place.level == PlaceLevel.province)
    return query.order_by(Place.folded, Place.name, Place.id)


async def communes(session: AsyncSession, province_id: int) -> list[Place]:
    """The communes, wards and special zones of a province (of either map), by name."""
    return list(await session.scalars(communes_select(province_id)))


def communes_select(province_id: int) -> sa.Select[Place]:
    query = sa.select(Place).where(Place.province_id == province_id, Place.level == PlaceLevel.commune)
    return query.order_by(Place.folded, Place.name, Place.id)


# Provinces of both maps per database: reference data that never changes while the app runs.
_PROVINCES: dict[str, tuple[Place, ...]] = {}
# (database, map) → its provinces in the database's order (``provinces``).
_ORDERED_PROVINCES: dict[tuple[str, PlaceEra], tuple[Place, ...]] = {}


def _detached(rows: Iterable[Place]) -> tuple[Place, ...]:
    """Copies safe to share between sessions, never flushed anywhere."""
    columns = [c.key for c in sa.inspect(Place).column_attrs]
    return tuple(Place(**{name: getattr(row, name) for name in columns}) for row in rows)


async def _all_provinces(session: AsyncSession) -> Sequence[Place]:
    key = database_key(session)
    if key not in _PROVINCES:
        copies = _detached(await session.scalars(sa.select(Place).where(Place.level == PlaceLevel.province)))
        if copies:
            _PROVINCES[key] = copies
        return copies
    return _PROVINCES[key]


# (database, province code, commune code) → the ids of that province and of its commune on
# today's map: reference data, so a checkout reads an address's pair once per process. Only
# pairs that exist are kept: at most the country's ~3 300 communes.
_CURRENT_PAIRS: dict[tuple[str, str, str], tuple[int, int]] = {}
_PROVINCE_AND_COMMUNE = sa.select(Place.id, Place.level, Place.province_id).where(
    Place.era == PlaceEra.current,
    sa.or_(
        sa.and_(Place.level == PlaceLevel.province, Place.code == sa.bindparam("province")),
        sa.and_(Place.level == PlaceLevel.commune, Place.code == sa.bindparam("commune")),
    ),
)


async def current_province_and_commune(
    session: AsyncSession, province_code: str, commune_code: str
) -> tuple[int | None, int | None]:
    """The ids of today's province of that code and of its commune of that code (None for
    what does not exist, or a commune of another province)."""
    key = (database_key(session), province_code, commune_code)
    if (known := _CURRENT_PAIRS.get(key)) is not None:
        return known
    codes = {"province": province_code, "commune": commune_code}
    rows = (await session.execute(_PROVINCE_AND_COMMUNE, codes)).all()
    province = next((place_id for place_id, level, _ in rows if level == PlaceLevel.province), None)
    if province is None:
        return None, None
    communes = (place_id for place_id, level, of in rows if level == PlaceLevel.commune and of == province)
    commune = next(communes, None)
    if commune is not None:
        _CURRENT_PAIRS[key] = (province, commune)
    return province, commune


async def find_provinces(session: AsyncSession, text: str) -> list[Place]:
    """Provinces of either era named by the text: "bac kan", "Tỉnh Bắc Kạn", "TP Hồ Chí Minh"."""
    parts = _parts(text)
    if len(parts) != 1:
        return []
    found = _best(parts[0], await _all_provinces(session))
    return sorted(found, key=lambda p: (p.era != PlaceEra.current, p.folded))


async def _within(
    session: AsyncSession, column: InstrumentedAttribute[int | None], ids: Iterable[int], level: PlaceLevel
) -> Sequence[Place]:
    query = sa.select(Place).where(column.in_(list(ids)), Place.level == level)
    return (await session.scalars(query)).all()


async def _below(session: AsyncSession, parts: list[_Part], provinces: list[Place]) -> list[Place]:
    """The units named by the parts before the province, within the given provinces."""
    ids = [p.id for p in provinces]
    if len(parts) == 1:  # a legacy district, or a commune of either map
        query = sa.select(Place).where(Place.province_id.in_(ids), Place.level != PlaceLevel.province)
        return _best(parts[0], await session.scalars(query))
    # Commune and district: only the legacy map has districts.
    commune, district = parts
    districts = _best(district, await _within(session, Place.province_id, ids, PlaceLevel.district))
    candidates = await _within(session, Place.parent_id, [d.id for d in districts], PlaceLevel.commune)
    return _best(commune, candidates)


def _single(found: list[Place]) -> Place | None:
    """The one unit found; a legacy unit and the current unit it became count as one (today's)."""
    if len(found) == 1:
        return found[0]
    current = [p for p in found if p.era == PlaceEra.current]
    if len(current) == 1 and all(p.successor_id == current[0].id for p in found if p is not current[0]):
        return current[0]
    return None


async def resolve_place(session: AsyncSession, text: str) -> Place | None:
    """The most specific unit a free text names, or None when nothing or several match.

    Parts go from small to large ("xã Côn Minh, huyện Na Rì, tỉnh Bắc Kạn"); the last one
    must name a province of either map.
    """
    parts = _parts(text)
    if not parts:
        return None
    all_provinces = await _all_provinces(session)
    named = _best(parts[-1], all_provinces)
    if len(parts) == 1 or not named:
        return _single(named)
    found = await _below(session, parts[:-1], named)
    if not found:
        # Old units under today's province ("huyện Na Rì, Thái Nguyên"): look in the legacy
        # provinces that merged into it.
        ids = {p.id for p in named}
        merged = [p for p in all_provinces if p.successor_id in ids]
        found = await _below(session, parts[:-1], merged) if merged else []
    return _single(found)


async def _by_id(session: AsyncSession, ids: Iterable[int | None]) -> dict[int, Place]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {p.id: p for p in await session.scalars(sa.select(Place).where(Place.id.in_(wanted)))}


def _related_ids(place: Place) -> tuple[int | None, ...]:
    return (place.parent_id, place.province_id, place.successor_id)


def _origin(place: Place, known: dict[int, Place]) -> Origin:
    """The origin of ``place`` given its related units (and its successor's province)."""
    if place.era == PlaceEra.current:
        if place.level == PlaceLevel.province:
            return Origin(place, None, None, None, None, approximate=False)
        return Origin(known.get(place.province_id or 0), place, None, None, None, approximate=False)
    successor = known.get(place.successor_id or 0)
    if place.level == PlaceLevel.province:
        return Origin(successor, None, place, None, None, approximate=False)
    legacy_province = known.get(place.province_id or 0)
    if place.level == PlaceLevel.district:
        return Origin(successor, None, legacy_province, place, None, approximate=False)
    return Origin(
        current_province=known.get(successor.province_id or 0) if successor else None,
        current_commune=successor,
        legacy_province=legacy_province,
        legacy_district=known.get(place.parent_id or 0),
        legacy_commune=place,
        approximate=place.successor_is_default,
    )


async def origins_of(session: AsyncSession, places: Iterable[Place]) -> dict[int, Origin]:
    """Today's province and commune (and legacy units) of many places, in two queries."""
    places = list(places)
    known = await _by_id(session, (i for p in places for i in _related_ids(p)))
    known |= await _by_id(session, (k.province_id for k in known.values() if k.province_id not in known))
    return {place.id: _origin(place, known) for place in places}


async def origin_of(session: AsyncSession, place: Place) -> Origin:
    """Today's province and commune of a place of either map, and its legacy units."""
    return (await origins_of(session, [place]))[place.id]
