"""What the office's forms share: reading what was typed, turning it into the API's request,
running the service and putting its errors next to the fields, and the place picker.

A form never decides a catalog rule: it builds the request the API would take and shows the
service's answer. Everything typed comes back on an error, so nothing has to be typed twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

import sqlalchemy as sa
from litestar.datastructures import FormMultiDict
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import Conflict, InvalidInput
from shop.geo.models import Place, PlaceEra, PlaceLevel
from shop.i18n import N_, current_language, format_date, gettext
from shop.inventory.pages.forms import Form, convert

T = TypeVar("T")

__all__ = ["Form", "attempt", "convert", "day", "read", "whole"]  # convert, Form: from the /pos/ forms


def read(data: FormMultiDict, names: Iterable[str]) -> Form:
    """The named fields of a submitted form, trimmed."""
    return Form(values={name: str(data.get(name) or "").strip() for name in names})


def whole(form: Form, name: str, *, minimum: int = 0, maximum: int = 10**12) -> int | None:
    """A whole number as people type it ("65.000", "65 000"); None when left empty."""
    text = form.get(name).replace(".", "").replace(",", "").replace(" ", "").removesuffix("₫")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not minimum <= int(text) <= maximum:
        message = gettext(N_("Enter a whole number between {low} and {high}."))
        form.error(
            name, message.format(low=f"{minimum:,}".replace(",", "."), high=f"{maximum:,}".replace(",", "."))
        )
        return None
    return int(text)


def day(form: Form, name: str) -> dt.date | None:
    """A date from a date field (year-month-day) or typed as day/month/year."""
    text = form.get(name)
    if not text:
        return None
    for parse in (dt.date.fromisoformat, _day_month_year):
        try:
            return parse(text)
        except ValueError:
            continue
    form.error(name, gettext(N_("Enter a date, for example 25/03/2026.")))
    return None


def day_text(value: dt.date) -> str:
    """A date as the office writes it: 25/03/2026 in Vietnamese (Babel's own otherwise)."""
    return format_date(value, fmt="dd/MM/yyyy" if current_language() == "vi" else "medium")


def _day_month_year(text: str) -> dt.date:
    return dt.datetime.strptime(text.replace("-", "/").replace(".", "/"), "%d/%m/%Y").date()  # noqa: DTZ007


async def attempt(
    session: AsyncSession, form: Form, call: Callable[[], Awaitable[T]], names: dict[str, str]
) -> T | None:
    """Run a service call in a savepoint; on bad input or a conflict undo it and put each
    error next to its field (``names``: the service's field → the form's field)."""
    try:
        async with session.begin_nested():
            return await call()
    except (InvalidInput, Conflict) as refused:
        form.status = refused.status_code
        placed = False
        for error in refused.errors:
            path = str(error.get("field", ""))
            field = names.get(path) or names.get(path.split("[")[0].split(".")[0])
            if field is not None:
                form.error(field, str(error.get("message") or refused.detail))
                placed = True
        if not placed:
            form.error(
                "", refused.detail if not refused.errors else gettext(N_("Some fields are not valid."))
            )
        return None


# ---- the place picker: a province of either map, then a commune typed or picked ----


async def province_choices(session: AsyncSession) -> dict[str, list[Place]]:
    """Today's provinces and the former ones, each by name."""
    rows = await session.scalars(
        sa.select(Place).where(Place.level == PlaceLevel.province).order_by(Place.folded, Place.name)
    )
    found: dict[str, list[Place]] = {"current": [], "legacy": []}
    for place in rows:
        found[place.era.value].append(place)
    return found


async def commune_labels(session: AsyncSession, province_id: int) -> list[str]:
    """What the commune field offers for a province: its communes (and, on the former map,
    its districts, with each commune's district, since names repeat across districts)."""
    province = await session.get(Place, province_id)
    if province is None or province.level is not PlaceLevel.province:
        return []
    units = list(
        await session.scalars(
            sa.select(Place).where(Place.province_id == province.id).order_by(Place.folded, Place.name)
        )
    )
    districts = {p.id: p for p in units if p.level is PlaceLevel.district}
    labels = [d.name for d in districts.values()]
    for unit in units:
        if unit.level is PlaceLevel.commune:
            parent = districts.get(unit.parent_id or 0)
            labels.append(f"{unit.name}, {parent.name}" if parent else unit.name)
    return labels


def place_text(form: Form, provinces: dict[int, Place], prefix: str = "") -> str | None:
    """The free text the services resolve ("Xã Côn Minh, Huyện Na Rì, Tỉnh Bắc Kạn"), from
    the province chosen and the commune typed; None when both are empty."""
    chosen, commune = form.get(prefix + "province"), form.get(prefix + "commune")
    if not chosen:
        if commune:
            form.error(prefix + "province", gettext(N_("Choose the province of this commune.")))
        return None
    province = provinces.get(int(chosen)) if chosen.isdigit() and len(chosen) < 10 else None
    if province is None:
        form.error(prefix + "province", gettext(N_("Choose a province from the list.")))
        return None
    return f"{commune}, {province.name}" if commune else province.name


async def provinces_by_id(session: AsyncSession) -> dict[int, Place]:
    rows = await session.scalars(sa.select(Place).where(Place.level == PlaceLevel.province))
    return {p.id: p for p in rows}


async def place_fields(session: AsyncSession, place_id: int | None, prefix: str = "") -> dict[str, str]:
    """The picker's values for a stored place (to fill an edit form)."""
    place = await session.get(Place, place_id) if place_id else None
    if place is None:
        return {prefix + "province": "", prefix + "commune": ""}
    if place.level is PlaceLevel.province:
        return {prefix + "province": str(place.id), prefix + "commune": ""}
    commune = place.name
    if place.level is PlaceLevel.commune and place.era is PlaceEra.legacy and place.parent_id:
        district = await session.get(Place, place.parent_id)
        commune = f"{place.name}, {district.name}" if district else place.name
    return {prefix + "province": str(place.province_id or ""), prefix + "commune": commune}
