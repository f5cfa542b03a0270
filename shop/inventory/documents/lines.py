"""Reading the ``lines`` of a stock document: products that exist, batches that exist.

Errors name the line (``lines[2].product_id``) and are all reported at once, so a person
fixing a 50-line receipt sees every problem in one answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.errors import InvalidInput, field_error
from shop.i18n import N_
from shop.inventory import batches
from shop.inventory.models import Batch
from shop.inventory.schemas import LineIn


async def products(session: AsyncSession, ids: Iterable[int]) -> dict[int, Product]:
    wanted = set(ids)
    if not wanted:
        return {}
    return {p.id: p for p in await session.scalars(sa.select(Product).where(Product.id.in_(wanted)))}


def missing_products(
    lines: Sequence[Any], found: dict[int, Product], field: str = "lines"
) -> list[dict[str, Any]]:
    return [
        field_error(f"{field}[{i}].product_id", N_("No product {id}."), id=line.product_id)
        for i, line in enumerate(lines)
        if line.product_id not in found
    ]


async def existing_batches(
    session: AsyncSession, lines: Sequence[LineIn], field: str = "lines"
) -> dict[int, Batch | None]:
    """For lines that name a batch, that batch (it must exist); others map to None."""
    keys = {
        i: batches.BatchKey(line.product_id, line.batch.code) for i, line in enumerate(lines) if line.batch
    }
    found = await batches.find(session, list(keys.values()))
    errors = [
        field_error(f"{field}[{i}].batch.code", N_("No batch {code} of this product."), code=key.code or "")
        for i, key in keys.items()
        if key not in found
    ]
    if errors:
        raise InvalidInput(errors=errors)
    return {i: found[keys[i]] if i in keys else None for i in range(len(lines))}


def raise_if(errors: list[dict[str, Any]]) -> None:
    if errors:
        raise InvalidInput(errors=errors)
