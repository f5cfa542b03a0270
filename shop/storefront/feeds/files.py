"""The feed files under ``var/feeds/``: generated together in one streamed pass, served as
files, and regenerated when what they show may have changed.

A regeneration is due when the last one is older than ``settings.feeds_interval`` seconds and
a cheap watermark moved: the last stock movement (every stock change writes one), the latest
product and producer change (prices, names, and certificates, which are copied onto the
product), the certificates' counts, the open sales points, and the day (certificates, batches
and fairs end by date). ``ocop jobs run`` and the in-app scheduler call :func:`refresh`; a
request finding a file missing generates them at once (:func:`ensure`).

Each file is written under a temporary name in the same folder and renamed over the old one, so
a reader sees the old file or the new one, never half of one; two processes generating at once
each write their own and the last rename wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import datetime as dt
import json
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Certificate, CertificateStatus, Producer, Product
from shop.catalog.sellability import VIETNAM
from shop.db import Database
from shop.inventory.models import PUBLIC_KINDS, Location, Movement
from shop.settings import Settings
from shop.storefront.feeds import google, meta, rows

SHOP_NAME = "OCOP Market"
STATE = "state.json"


@dataclass(frozen=True)
class Feed:
    file: str  # its name under var/feeds/
    media_type: str


GOOGLE_PRODUCTS = Feed("google-products.xml", "application/xml; charset=utf-8")
GOOGLE_LOCAL = Feed("google-local-inventory.tsv", "text/tab-separated-values; charset=utf-8")
META_PRODUCTS = Feed("meta-products.csv", "text/csv; charset=utf-8")
FEEDS = (GOOGLE_PRODUCTS, GOOGLE_LOCAL, META_PRODUCTS)


@dataclass(frozen=True)
class State:
    """What the files were generated from, and when."""

    watermark: str
    generated_at: dt.datetime


def folder(settings: Settings) -> Path:
    return settings.var_dir / "feeds"


def path(settings: Settings, feed: Feed) -> Path:
    return folder(settings) / feed.file


def _day(now: dt.datetime) -> dt.date:
    return now.astimezone(VIETNAM).date()


def _count(*where: sa.ColumnElement[bool], of: type[object]) -> sa.ScalarSelect[int]:
    return sa.select(sa.func.count()).select_from(of).where(*where).scalar_subquery()


async def watermark(session: AsyncSession, on: dt.date) -> str:
    """A few aggregates, each read from an index or a small table, that move whenever
    anything the feeds show may have changed."""
    stmt = sa.select(
        sa.select(sa.func.max(Movement.id)).scalar_subquery(),
        sa.select(sa.func.max(Product.updated_at)).scalar_subquery(),
        _count(of=Product),
        sa.select(sa.func.max(Producer.updated_at)).scalar_subquery(),
        _count(of=Certificate),
        _count(Certificate.status == CertificateStatus.active, of=Certificate),
        _count(Location.kind.in_(PUBLIC_KINDS), Location.is_active.is_(True), of=Location),
    )
    values = (await session.execute(stmt)).one()
    return json.dumps([on.isoformat(), *(str(v) for v in values)])


def read_state(settings: Settings) -> State | None:
    try:
        data = json.loads((folder(settings) / STATE).read_text())
        return State(data["watermark"], dt.datetime.fromisoformat(data["generated_at"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # never generated, or a state from elsewhere: generate


def _replace(target: Path, text: str) -> None:
    with _temporary(target) as out:
        out.write(text)


@contextlib.contextmanager
def _temporary(target: Path) -> Iterator[IO[str]]:
    """A file written beside ``target`` that replaces it when the block ends without error."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())  # the new content is on disk before the name points at it
        os.chmod(name, 0o644)
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


async def _write(session: AsyncSession, settings: Settings, on: dt.date) -> None:
    base_url = settings.base_url
    with (
        _temporary(path(settings, GOOGLE_PRODUCTS)) as products,
        _temporary(path(settings, GOOGLE_LOCAL)) as local,
        _temporary(path(settings, META_PRODUCTS)) as catalog,
    ):
        products.write(google.products_head(base_url, SHOP_NAME))
        local.write(google.LOCAL_HEADER)
        catalog_rows = csv.writer(catalog)
        catalog_rows.writerow(meta.COLUMNS)
        async for item in rows.items(session, on):
            products.write(google.product_item(item, base_url))
            local.writelines(google.local_rows(item))
            catalog_rows.writerow(meta.row(item, base_url))
        products.write(google.PRODUCTS_TAIL)


async def generate(db: Database, settings: Settings, *, now: dt.datetime) -> None:
    """Write every feed afresh. The watermark is read first: a change made while the files are
    written is in them or not, and moves the watermark for the next refresh either way."""
    on = _day(now)
    folder(settings).mkdir(parents=True, exist_ok=True)
    async with db.read_sessions() as session:
        mark = await watermark(session, on)
        await _write(session, settings, on)
    state = {"watermark": mark, "generated_at": now.isoformat()}
    _replace(folder(settings) / STATE, json.dumps(state))


def complete(settings: Settings) -> bool:
    return all(path(settings, feed).exists() for feed in FEEDS)


_locks: dict[Path, asyncio.Lock] = {}


@contextlib.asynccontextmanager
async def _generating(settings: Settings) -> AsyncIterator[None]:
    """One generation at a time in this process (a request and the scheduler may both ask)."""
    lock = _locks.setdefault(folder(settings).resolve(), asyncio.Lock())
    async with lock:
        yield


async def _due(db: Database, settings: Settings, now: dt.datetime) -> bool:
    state = read_state(settings)
    if state is None or not complete(settings):
        return True
    age = now - state.generated_at
    if dt.timedelta(0) <= age < dt.timedelta(seconds=settings.feeds_interval):
        return False
    async with db.read_sessions() as session:
        return await watermark(session, _day(now)) != state.watermark


async def refresh(db: Database, settings: Settings, *, now: dt.datetime) -> bool:
    """Regenerate the feeds if due (see the module's docstring); whether it did."""
    async with _generating(settings):
        if not await _due(db, settings, now):
            return False
        await generate(db, settings, now=now)
        return True


async def ensure(db: Database, settings: Settings, *, now: dt.datetime) -> None:
    """The files exist: generated now if any is missing (the first request after a start)."""
    if complete(settings):
        return
    async with _generating(settings):
        if not complete(settings):
            await generate(db, settings, now=now)
