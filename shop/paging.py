"""Pages of a list under /api/v1, as API.md fixes them: ``{"items", "total", "page", "page_size"}``.

Every list endpoint takes ``page`` and ``page_size`` (bounded: a client cannot ask for
everything at once) and answers a ``Page``. ``paginate`` counts the rows in SQL and loads one
page of them; ``page_of_list`` pages a list computed in Python (a report's table, a reorder
plan), whose size is bounded by what it summarises. Statements given to ``paginate`` must
order by a unique key last (the id), so that a row never shows on two pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar, TypeVarTuple

import msgspec
import sqlalchemy as sa
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
Ts = TypeVarTuple("Ts")

MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200
DEFAULT_PAGE_SIZE = 50

PageNumber = Annotated[int, Parameter(ge=1, le=MAX_PAGE, description="1-based page number")]
PageSize = Annotated[
    int, Parameter(ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, at most {MAX_PAGE_SIZE}")
]


class Page(msgspec.Struct, Generic[T]):
    """A list as API.md fixes it: one page of items, and how many there are in all."""

    items: list[T]
    total: int
    page: int
    page_size: int


def offset(page: int, page_size: int) -> int:
    return (page - 1) * page_size


async def count(session: AsyncSession, stmt: sa.Select[*Ts]) -> int:
    """How many rows ``stmt`` answers, counted by the database."""
    counted = sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    return int(await session.scalar(counted) or 0)


async def paginate(
    session: AsyncSession, stmt: sa.Select[*Ts], *, page: int, page_size: int
) -> tuple[list[sa.Row[*Ts]], int]:
    """One page of ``stmt``'s rows and their total (no rows are read beyond the page)."""
    total = await count(session, stmt)
    rows = (await session.execute(stmt.limit(page_size).offset(offset(page, page_size)))).all()
    return list(rows), total


async def paginate_scalars(
    session: AsyncSession, stmt: sa.Select[T], *, page: int, page_size: int
) -> tuple[list[T], int]:
    """``paginate`` for a statement of one entity or column."""
    total = await count(session, stmt)
    found = await session.scalars(stmt.limit(page_size).offset(offset(page, page_size)))
    return list(found), total


def page_of(items: list[T], total: int, *, page: int, page_size: int) -> Page[T]:
    return Page(items=items, total=total, page=page, page_size=page_size)


def page_of_list(items: Sequence[T], *, page: int, page_size: int) -> Page[T]:
    """A page of a list already computed (its length is the total)."""
    start = offset(page, page_size)
    return Page(
        items=list(items[start : start + page_size]), total=len(items), page=page, page_size=page_size
    )
