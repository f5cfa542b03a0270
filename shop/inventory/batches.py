"""Batches (lots): finding or recording them for the lines of a stock document.

A line without a batch uses the product's one unlabelled batch. A batch code is unique per
product; the same code again must carry the same dates (a label cannot say two things).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import insert_for
from shop.errors import field_error
from shop.i18n import N_
from shop.inventory.models import Batch
from shop.text import random_code

BATCH: sa.Table = Batch.__table__  # type: ignore[assignment]  # declarative tables are Tables


@dataclass(frozen=True)
class BatchKey:
    product_id: int
    code: str | None


def check_dates(
    field: str, produced_on: dt.date | None, expires_on: dt.date | None, today: dt.date
) -> list[dict[str, Any]]:
    """What is wrong with a new batch's dates (empty when nothing is)."""
    if produced_on and expires_on and expires_on < produced_on:
        return [field_error(f"{field}.expires_on", N_("The batch expires before it was produced."))]
    if produced_on and produced_on > today:
        return [field_error(f"{field}.produced_on", N_("The production date is in the future."))]
    if expires_on and expires_on < today:
        return [field_error(f"{field}.expires_on", N_("These goods are already past their expiry date."))]
    return []


async def find(session: AsyncSession, keys: Sequence[BatchKey]) -> dict[BatchKey, Batch]:
    """The batches that exist among ``keys`` (one query, compiled once whatever the count)."""
    if not keys:
        return {}
    labelled = {(k.product_id, k.code) for k in keys if k.code is not None}
    unlabelled = {k.product_id for k in keys if k.code is None}
    stmt = sa.select(Batch).where(
        sa.or_(
            sa.tuple_(Batch.product_id, Batch.code).in_(labelled),
            sa.and_(Batch.product_id.in_(unlabelled), Batch.code.is_(None)),
        )
    )
    return {BatchKey(b.product_id, b.code): b for b in await session.scalars(stmt)}


async def _insert(session: AsyncSession, wanted: Sequence[NewBatch]) -> None:
    """Insert these unless another transaction just did (the unique indexes decide): one
    batched statement for labelled batches and one for unlabelled ones."""
    insert = insert_for(session)
    now = dt.datetime.now(dt.UTC)
    for labelled in (False, True):
        rows = [
            {
                "product_id": w.key.product_id,
                "code": w.key.code,
                "produced_on": w.produced_on,
                "expires_on": w.expires_on,
                "trace_code": random_code(10),
                "created_at": now,
            }
            for w in wanted
            if (w.key.code is not None) is labelled
        ]
        if not rows:
            continue
        where = BATCH.c.code.is_not(None) if labelled else BATCH.c.code.is_(None)
        elements = ["product_id", "code"] if labelled else ["product_id"]
        stmt = insert(BATCH).on_conflict_do_nothing(index_elements=elements, index_where=where)
        await session.execute(stmt, rows)  # executemany: one compiled statement


@dataclass(frozen=True)
class NewBatch:
    key: BatchKey
    produced_on: dt.date | None
    expires_on: dt.date | None
    field: str  # where it was asked for, for errors ("lines[2].batch")


async def find_or_create(
    session: AsyncSession, wanted: Sequence[NewBatch]
) -> tuple[dict[BatchKey, Batch], list[dict[str, Any]]]:
    """The batches for these lines, recording new ones; and the field errors, if any.

    A code already recorded with other dates is an error on that line, never a silent change.
    """
    existing = await find(session, [w.key for w in wanted])
    errors = []
    for w in wanted:
        batch = existing.get(w.key)
        if batch is None:
            continue
        if (w.produced_on and batch.produced_on and w.produced_on != batch.produced_on) or (
            w.expires_on and batch.expires_on and w.expires_on != batch.expires_on
        ):
            errors.append(
                field_error(
                    w.field,
                    N_(
                        "Batch {code} was recorded with other dates (produced {produced}, expires {expires})."
                    ),
                    code=w.key.code or "",
                    produced=batch.produced_on or "?",
                    expires=batch.expires_on or "?",
                )
            )
    missing = {w.key: w for w in wanted if w.key not in existing}
    if errors or not missing:
        return existing, errors
    await _insert(session, sorted(missing.values(), key=lambda w: (w.key.product_id, w.key.code or "")))
    existing.update(await find(session, list(missing)))
    return existing, errors
