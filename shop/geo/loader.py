"""Filling the ``place`` table from the data files of ``vietnamadminunits`` (MIT).

Both maps are loaded: the current one (34 provinces → 3,321 communes) and the legacy one
(63 provinces → districts → communes), with successor links from each legacy unit to where
it went on 1 July 2025. The package is never imported: its ``__init__`` pulls in geopy and
shapely and may geocode online. We read its SQLite dataset and JSON converter directly.

Ids are assigned here, in Python, so that parent and successor links need no round trips:
the whole map goes in as a few large executemany batches.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib.util
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import table_of
from shop.geo.models import REFORM_DATE, Place, PlaceEra, PlaceLevel
from shop.text import fold

DATA_PACKAGE = "vietnamadminunits"
LEGACY_VALID_UNTIL = REFORM_DATE - dt.timedelta(days=1)
BATCH_SIZE = 2_000

# Unit types as they start official names; longest first so "Thành phố" wins over shorter.
_KINDS = ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")
# The dataset disambiguates same-named siblings in the short name: "Cai Lậy (Huyện)".
_SHORT_SUFFIX = re.compile(r"\s*\([^)]*\)$")

Row = dict[str, Any]
_DEFAULTS: Row = {
    "parent_id": None,
    "province_id": None,
    "successor_id": None,
    "successor_is_default": False,
    "valid_until": None,
}
Mapping2025 = dict[str, tuple[str, str, bool]]  # legacy full key → (province, ward, default)


def data_dir() -> Path:
    """The package's data folder, found without importing the package."""
    spec = importlib.util.find_spec(DATA_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"the {DATA_PACKAGE} package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _kind(name: str, fallback: str) -> str:
    # The name wins over the type column: the dataset has a few swapped types
    # ("Phường Việt Hòa" typed "Xã").
    lowered = name.lower()
    return next((k for k in _KINDS if lowered.startswith(k.lower() + " ")), fallback)


def _names(name: str, short: str, kind_column: str) -> Row:
    kind = _kind(name, kind_column)
    if name.lower().startswith(kind.lower() + " "):
        name = kind + name[len(kind) :]  # "Thị Trấn Óc Eo" → "Thị trấn Óc Eo"
    short = _SHORT_SUFFIX.sub("", short)
    return {"name": name, "short_name": short, "kind": kind, "folded": fold(short)}


class _Rows:
    """Rows in insertion order (each refers only to earlier ones), with ids by source key."""

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.ids: dict[tuple[str, ...], int] = {}

    def add(self, key: tuple[str, ...], **values: Any) -> None:
        row_id = len(self.rows) + 1
        self.ids[key] = row_id
        # Same keys in the same order for every row: one executemany per batch.
        self.rows.append({"id": row_id, **_DEFAULTS, **values})


def _read_mapping(path: Path) -> tuple[dict[str, str], Mapping2025]:
    """Legacy province key → new province key, and legacy commune key → its new commune."""
    data = json.loads(path.read_text(encoding="utf-8"))
    provinces = {old: new for new, olds in data["DICT_PROVINCE"].items() for old in olds}
    communes: Mapping2025 = {}
    for new_province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            communes.update({old: (new_province, new_ward, False) for old in olds})
    for new_province, splits in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, targets in splits.items():
            default = next(t for t in targets if t["isDefaultNewWard"])
            communes[old] = (new_province, default["newWardKey"], True)
    return provinces, communes


def _add_current(out: _Rows, db: sqlite3.Connection) -> None:
    current = {"era": PlaceEra.current}
    for code, name, short, key in db.execute(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceKey"
        " FROM admin_units ORDER BY provinceCode"
    ):
        names = _names(name, short, "Tỉnh")
        out.add(("cp", key), **current, level=PlaceLevel.province, code=code, **names)
    for pkey, code, name, short, kind, key in db.execute(
        "SELECT provinceKey, wardCode, ward, wardShort, wardType, wardKey"
        " FROM admin_units ORDER BY provinceCode, wardCode"
    ):
        province = out.ids["cp", pkey]
        out.add(
            ("cc", pkey, key),
            **current,
            level=PlaceLevel.commune,
            code=code,
            parent_id=province,
            province_id=province,
            **_names(name, short, kind),
        )


def _add_legacy(out: _Rows, db: sqlite3.Connection, provinces: dict[str, str], communes: Mapping2025) -> None:
    legacy = {"era": PlaceEra.legacy, "valid_until": LEGACY_VALID_UNTIL}
    for code, name, short, key in db.execute(
        "SELECT DISTINCT provinceCode, province, provinceShort, provinceKey"
        " FROM admin_units_legacy ORDER BY provinceCode"
    ):
        out.add(
            ("lp", key),
            **legacy,
            level=PlaceLevel.province,
            code=code,
            successor_id=out.ids["cp", provinces[key]],
            **_names(name, short, "Tỉnh"),
        )
    for pkey, code, name, short, kind, key in db.execute(
        "SELECT DISTINCT provinceKey, districtCode, district, districtShort, districtType,"
        " districtKey FROM admin_units_legacy ORDER BY districtCode"
    ):
        province = out.ids["lp", pkey]
        out.add(
            ("ld", pkey, key),
            **legacy,
            level=PlaceLevel.district,
            code=code,
            parent_id=province,
            province_id=province,
            successor_id=out.ids["cp", provinces[pkey]],
            **_names(name, short, kind),
        )
    # Five island districts (Côn Đảo, Lý Sơn…) had no communes: loaded above as districts,
    # their source rows have no ward and are skipped here.
    for pkey, dkey, code, name, short, kind, key in db.execute(
        "SELECT provinceKey, districtKey, wardCode, ward, wardShort, wardType, wardKey"
        " FROM admin_units_legacy WHERE wardCode IS NOT NULL ORDER BY wardCode"
    ):
        new_province, new_ward, is_default = communes[f"{pkey}_{dkey}_{key}"]
        out.add(
            ("lc", pkey, dkey, key),
            **legacy,
            level=PlaceLevel.commune,
            code=code,
            parent_id=out.ids["ld", pkey, dkey],
            province_id=out.ids["lp", pkey],
            successor_id=out.ids["cc", new_province, new_ward],
            successor_is_default=is_default,
            **_names(name, short, kind),
        )


def build_rows(folder: Path | None = None) -> list[Row]:
    """Every place row, ids 1…n, current map first (legacy rows point to it)."""
    folder = folder or data_dir()
    provinces, communes = _read_mapping(folder / "converter_2025.json")
    out = _Rows()
    with closing(sqlite3.connect(f"file:{folder / 'dataset.db'}?mode=ro", uri=True)) as db:
        _add_current(out, db)
        _add_legacy(out, db, provinces, communes)
    return out.rows


def _batches(rows: list[Row]) -> Iterator[list[Row]]:
    for start in range(0, len(rows), BATCH_SIZE):
        yield rows[start : start + BATCH_SIZE]


async def load_places(session: AsyncSession) -> int:
    """Insert the whole map into an empty ``place`` table; 0 if it already has rows.

    Does not commit: the caller owns the transaction.
    """
    if await session.scalar(sa.select(Place.id).limit(1)) is not None:
        return 0
    rows = await asyncio.to_thread(build_rows)  # file reads: keep them off the event loop
    table = table_of(Place)
    # RETURNING puts SQLAlchemy on its "insertmanyvalues" path (1,000 rows per statement);
    # a plain executemany sends one INSERT per row on asyncpg and takes twice as long.
    insert = sa.insert(table).returning(table.c.id)
    for batch in _batches(rows):
        await session.execute(insert, batch)
    if session.get_bind().dialect.name == "postgresql":
        # Explicit ids leave the serial sequence at 1: move it past them.
        await session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('place', 'id'), max(id)) FROM place")
        )
    return len(rows)
