"""``ocop demo load``: the demo data (``scale="demo"``) or the benchmark size (``"national"``).

Both are idempotent: a second load finds its marker and does nothing. The caller owns the
transaction (the CLI commits once at the end), so a failed load leaves nothing behind.

The demo scale goes through the real services; the national scale is bulk-inserted
(``shop.demo.national``) because 20,000 products one service call at a time would be slow.
Given somewhere to keep photos, the demo scale also gets drawn pictures (``shop.demo.photos``);
the national scale never does (a fifth of a second each, over an hour for 20,000 products).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer
from shop.demo import (
    fill,
    national,
    photos,
    programme,
    real_bac_kan,
    real_north_east,
    real_quang_nam,
    sites,
    stock,
    storefront,
    users,
)
from shop.demo.build import DecisionBook, Tally, add_producers
from shop.demo.photos import DemoMedia
from shop.demo.specs import ProducerSpec

Log = Callable[[str], object]
SCALES = ("demo", "national")
MARKER = real_bac_kan.TAI_HOAN.code
FILL_PRODUCERS = 40
FILL_PRODUCTS = 260


def real_producers() -> tuple[ProducerSpec, ...]:
    """The producers and products named in OCOP.md, province by province."""
    return (*real_bac_kan.PRODUCERS, *real_north_east.PRODUCERS, *real_quang_nam.PRODUCERS)


async def _taken_tax_codes(session: AsyncSession) -> set[str]:
    return {c for c in await session.scalars(sa.select(Producer.tax_code)) if c}


async def _pictures(session: AsyncSession, media: DemoMedia, real: Sequence[ProducerSpec], log: Log) -> str:
    """Drawn pictures for all (two for the products of the real producers); a summary line."""
    count = await photos.add_demo_pictures(session, media, two_for={p.code for p in real}, log=log)
    return (
        f"{count.product_pictures} drawn pictures of {count.products} products, "
        f"{count.producers} of producers and {count.sales_points} of sales points. "
    )


async def load_demo(
    session: AsyncSession, *, today: dt.date, log: Log, media: DemoMedia | None = None
) -> str:
    """Real products and producers of four provinces, a generated fill, sales points, users,
    and with ``media`` a drawn picture for each product, producer and sales point."""
    if await session.scalar(sa.select(Producer.id).where(Producer.code == MARKER)) is not None:
        return f"Demo data is already loaded (producer {MARKER} exists); nothing to do."
    book = DecisionBook(random.Random(fill.SEED))  # noqa: S311 - reproducible demo data
    tally = Tally()
    real = real_producers()
    log(f"Real OCOP producers: {len(real)}…")
    await add_producers(session, real, today=today, book=book, tally=tally)
    taken = await _taken_tax_codes(session)
    generated = fill.generate(today, producers=FILL_PRODUCERS, products=FILL_PRODUCTS, taken_tax_codes=taken)
    log(f"Generated producers: {len(generated)}…")
    await add_producers(session, generated, today=today, book=book, tally=tally)
    public = await sites.add_sales_points(session, today=today)
    warehouses = await sites.add_warehouses(session, [*real, *generated], tally.producer_ids, tally.communes)
    await users.ensure_demo_users(session)
    held = await stock.add_demo_stock(session, today=today, rng=random.Random(fill.SEED))  # noqa: S311
    await storefront.add_storefront_settings(session)
    targets = await programme.add_demo_plan(session, today=today)
    drawn = await _pictures(session, media, real, log) if media is not None else ""
    return (
        f"Demo data loaded: {tally.producers} producers, {tally.products} products, "
        f"{tally.certificates} certificates ({tally.revoked} revoked), {tally.quality} quality "
        f"certifications, {len(public)} sales points and fairs, {len(warehouses)} warehouses, "
        f"{held.units} units of stock in {held.receipts} receipts, a yearly plan of {targets} targets. "
        f"{drawn}Demo users: {users.credentials()}."
    )


async def load(
    session: AsyncSession, *, scale: str, today: dt.date, log: Log, media: DemoMedia | None = None
) -> str:
    """Load demo or national-scale data (pictures only at the demo scale); a one-line summary."""
    if scale == "demo":
        return await load_demo(session, today=today, log=log, media=media)
    if scale == "national":
        return await national.load_national(session, today=today, log=log)
    raise ValueError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)}")
