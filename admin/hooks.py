"""Admin write hooks: what SQLAlchemy-side code would have done for rows the admin writes.

Piccolo writes bypass our services, so derived columns (slug, trace code, today's origin,
the folded search text, updated_at) are filled here through the same service functions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from piccolo_api.crud.hooks import Hook, HookType

from shop.catalog import cache, services
from shop.catalog.models import Product
from shop.db import Database
from shop.db_types import utcnow
from shop.geo.models import Place

PatchHook = Callable[..., Awaitable[dict[str, Any]]]
_ORIGIN_FIELDS = ("origin_province_id", "origin_commune_id", "legacy_province_id", "legacy_district_id")


def _fk(value: Any) -> int:
    """A Piccolo foreign key value: an id, or the referenced row."""
    return int(getattr(value, "id", value))


async def _derived(session: Any, product_id: int | None, values: dict[str, Any]) -> dict[str, Any]:
    """Origin columns and search text for a product row as it will be after the write."""
    current = await session.get(Product, product_id) if product_id is not None else None
    name = values.get("name", current.name if current else "")
    producer_id = _fk(values["producer_id"]) if "producer_id" in values else current.producer_id  # type: ignore[union-attr]
    place_id = values.get("origin_place_id", current.origin_place_id if current else None)
    origin = Product()
    place = await session.get(Place, int(place_id)) if place_id else None
    await services.set_origin(session, origin, place)
    derived = {column: getattr(origin, column) for column in _ORIGIN_FIELDS}
    derived["search_text"] = await services.search_text_for(
        session, name=name, producer_id=producer_id, place_ids=list(derived.values()), product_id=product_id
    )
    return derived


def _product_hooks(db: Database) -> list[Hook]:
    async def before_insert(row: Any) -> Any:
        cache.catalog_changed()
        async with db.read_sessions() as session:
            if not row.slug:
                row.slug = await services.unique_slug(session, row.name)
            if not row.trace_code:
                row.trace_code = await services.new_trace_code(session)
            values = {
                "name": row.name,
                "producer_id": row.producer_id,
                "origin_place_id": row.origin_place_id,
            }
            for column, value in (await _derived(session, None, values)).items():
                setattr(row, column, value)
        return row

    async def before_patch(row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
        """Only computes: the row itself is written by Piccolo, so a refused write leaves nothing."""
        cache.catalog_changed()
        values["updated_at"] = utcnow()
        if {"name", "producer_id", "origin_place_id"} & values.keys():
            async with db.read_sessions() as session:
                values.update(await _derived(session, int(row_id), values))
        return values

    return [Hook(HookType.pre_save, before_insert), Hook(HookType.pre_patch, before_patch)]


def _producer_hooks(db: Database) -> list[Hook]:
    async def before_patch(row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
        cache.catalog_changed()
        values["updated_at"] = utcnow()
        if "name" in values:
            # The products' search text is derived data: refreshed with the new name here, the
            # producer row itself is left for Piccolo to write.
            async with db.write_sessions() as session:
                ids = list(
                    await session.scalars(sa.select(Product.id).where(Product.producer_id == int(row_id)))
                )
                await services.refresh_search_text(session, ids, producer_names={int(row_id): values["name"]})
                await session.commit()
        return values

    return [Hook(HookType.pre_patch, before_patch)]


def _stamp_hooks(columns: tuple[str, ...]) -> list[Hook]:
    """``created_at`` and ``updated_at`` are the system's to write: a new row gets now, and an
    edit never changes when the row was created (the field's help says so)."""
    stamped = [c for c in ("created_at", "updated_at") if c in columns]

    async def before_insert(row: Any) -> Any:
        for column in stamped:
            setattr(row, column, utcnow())
        return row

    async def before_patch(row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
        values.pop("created_at", None)
        if "updated_at" in stamped:
            values["updated_at"] = utcnow()
        return values

    if not stamped:
        return []
    return [Hook(HookType.pre_save, before_insert), Hook(HookType.pre_patch, before_patch)]


def hooks_for(table: str, columns: tuple[str, ...], db: Database) -> list[Hook] | None:
    hooks = _stamp_hooks(columns)
    if table == "product":
        hooks += _product_hooks(db)
    if table == "producer":
        hooks += _producer_hooks(db)
    return hooks or None
