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
from shop.catalog.models import Producer, Product
from shop.db import Database
from shop.db_types import utcnow
from shop.geo.models import Place

PatchHook = Callable[..., Awaitable[dict[str, Any]]]
_ORIGIN_FIELDS = ("origin_province_id", "origin_commune_id", "legacy_province_id", "legacy_district_id")


def _fk(value: Any) -> int:
    """A Piccolo foreign key value: an id, or the referenced row."""
    return int(getattr(value, "id", value))


def _product_hooks(db: Database) -> list[Hook]:
    async def before_insert(row: Any) -> Any:
        cache.catalog_changed()
        async with db.write_sessions() as session:
            if not row.slug:
                row.slug = await services.unique_slug(session, row.name)
            if not row.trace_code:
                row.trace_code = await services.new_trace_code(session)
            product = Product(name=row.name)
            place = await session.get(Place, row.origin_place_id) if row.origin_place_id else None
            await services.set_origin(session, product, place)
            for name in _ORIGIN_FIELDS:
                setattr(row, name, getattr(product, name))
            producer_name = await session.scalar(
                sa.select(Producer.name).where(Producer.id == _fk(row.producer_id))
            )
            place_ids = [i for i in (getattr(product, n) for n in _ORIGIN_FIELDS) if i]
            place_names = await session.scalars(sa.select(Place.short_name).where(Place.id.in_(place_ids)))
            row.search_text = services.compose_search_text(row.name, producer_name or "", place_names)
        return row

    async def before_patch(row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
        cache.catalog_changed()
        values["updated_at"] = utcnow()
        async with db.write_sessions() as session:
            if "origin_place_id" in values:
                product = Product()
                place_id = values["origin_place_id"]
                place = await session.get(Place, int(place_id)) if place_id else None
                await services.set_origin(session, product, place)
                values.update({name: getattr(product, name) for name in _ORIGIN_FIELDS})
            if {"name", "producer_id", "origin_place_id"} & values.keys():
                # Written now so the folded text matches the new values Piccolo is about to save.
                changes = {k: values[k] for k in ("name", "producer_id", *_ORIGIN_FIELDS) if k in values}
                await session.execute(sa.update(Product).where(Product.id == int(row_id)).values(**changes))
                await services.refresh_search_text(session, [int(row_id)])
                values["search_text"] = await session.scalar(
                    sa.select(Product.search_text).where(Product.id == int(row_id))
                )
                await session.commit()
        return values

    return [Hook(HookType.pre_save, before_insert), Hook(HookType.pre_patch, before_patch)]


def _producer_hooks(db: Database) -> list[Hook]:
    async def before_patch(row_id: Any, values: dict[str, Any]) -> dict[str, Any]:
        cache.catalog_changed()
        values["updated_at"] = utcnow()
        if "name" in values:
            async with db.write_sessions() as session:
                await session.execute(
                    sa.update(Producer).where(Producer.id == int(row_id)).values(name=values["name"])
                )
                ids = list(
                    await session.scalars(sa.select(Product.id).where(Product.producer_id == int(row_id)))
                )
                await services.refresh_search_text(session, ids)
                await session.commit()
        return values

    return [Hook(HookType.pre_patch, before_patch)]


def hooks_for(table: str, db: Database) -> list[Hook] | None:
    if table == "product":
        return _product_hooks(db)
    if table == "producer":
        return _producer_hooks(db)
    return None
