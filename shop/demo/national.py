"""``ocop demo load --scale national``: the benchmark size of DESIGN.md, bulk-inserted.

20,000 products of 6,000 producers in all 34 provinces, each with one active certificate
(some also with an older one that lapsed), and 700 locations. Rows are computed in Python
(search text with ``services.compose_search_text``, slugs and trace codes unique in memory,
origins from one read of the map) and go in as Core ``INSERT``s of a few thousand rows: one
service call per row would take far longer than the three minutes this load is allowed.

Idempotent: the first national producer's code is the marker.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.catalog import certificates
from shop.catalog.certificates import default_valid_until
from shop.catalog.models import (
    Certificate,
    CertificateStatus,
    Producer,
    Product,
    ProductGroup,
    ProductTranslation,
)
from shop.catalog.services import compose_search_text
from shop.db import table_of
from shop.db_types import utcnow
from shop.demo import fill, national_places, national_stock, users, vocab
from shop.demo.councils import Units, issuing, scores
from shop.demo.national_places import Map, Origin
from shop.text import slugify

Log = Callable[[str], object]
Row = dict[str, Any]
MARKER = "NAT-000001"
PRODUCERS, PRODUCTS = 6_000, 20_000
BATCH = 4_000
SEED = 20_250_701
STARS = (3, 4, 5)
STAR_WEIGHTS = (72, 25, 3)
LAPSED_SHARE = 0.15  # products that also carry an older, lapsed certificate
TRANSLATED_SHARE = 0.25
TRACE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # as shop.text.random_code
DAY = dt.timedelta(days=1)


@dataclass
class Made:
    """A national producer as generated: its row and what its products need."""

    row: Row
    origin: Origin
    brand: str
    groups: list[str]


async def _batched_insert(
    session: AsyncSession, table: sa.Table, rows: Sequence[Row], *, returning: bool = False
) -> list[int]:
    """Insert in batches; with ``returning``, the new ids in the order of ``rows``."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        if returning:
            stmt = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend((await session.execute(stmt, batch)).scalars().all())
        else:
            await session.execute(sa.insert(table), batch)
    return ids


def _tax_codes(rng: random.Random, taken: set[str]) -> Iterable[str]:
    while True:
        code = f"{rng.randint(1_000_000_000, 9_999_999_999)}"
        if code not in taken:
            taken.add(code)
            yield code


def _producers(rng: random.Random, places: Map, taken_tax: set[str], now: dt.datetime) -> list[Made]:
    kinds, weights = list(fill.KIND_WEIGHTS), list(fill.KIND_WEIGHTS.values())
    taxes = iter(_tax_codes(rng, taken_tax))
    groups = sorted({item.group for item in vocab.ITEMS})
    out = []
    for n in range(1, PRODUCERS + 1):
        origin = places.random_origin(rng)
        kind = rng.choices(kinds, weights=weights)[0]
        mine = rng.sample(groups, k=2)
        brand = rng.choice((origin.short_name, rng.choice(vocab.BRANDS)))
        name = fill.producer_name(rng, kind, vocab.sector_of(mine[0]), brand)
        out.append(
            Made(
                row={
                    "code": f"NAT-{n:06d}",
                    "kind": kind,
                    "name": name,
                    "tax_code": next(taxes),
                    "place_id": origin.place_id,
                    "address": origin.address,
                    "phone": None,
                    "email": None,
                    "website": None,
                    "story": None,
                    "commission_rate_bp": None,
                    "bank_name": None,
                    "bank_account_number": None,
                    "bank_account_name": None,
                    "is_active": True,
                    "created_at": now,
                    "updated_at": now,
                },
                origin=origin,
                brand=brand,
                groups=mine,
            )
        )
    return out


def _unique(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… as ``services.unique_slug`` would choose."""
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _trace_code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choices(TRACE_ALPHABET, k=8))
        if code not in taken:
            taken.add(code)
            return code


@dataclass
class ProductRows:
    products: list[Row]
    translations: list[tuple[int, Row]]  # (index into products, row without product_id)
    items: list[vocab.Item]
    makers: list[Made]


def _products(
    rng: random.Random,
    made: list[Made],
    group_ids: dict[str, int],
    slugs: set[str],
    traces: set[str],
    now: dt.datetime,
) -> ProductRows:
    by_group = fill.items_by_group()
    out = ProductRows([], [], [], [])
    for i in range(PRODUCTS):
        maker = made[i % len(made)]
        item = rng.choice(by_group[rng.choice(maker.groups)])
        name = f"{item.vi} {maker.brand}"
        o = maker.origin
        translated = rng.random() < TRANSLATED_SHARE
        name_en = f"{maker.brand} {item.en}"
        blurb_vi, blurb_en = vocab.BLURBS[item.group]
        out.products.append(
            {
                "slug": _unique(slugify(name), slugs),
                "producer_id": maker.row["id"],
                "group_id": group_ids[item.group],
                "name": name,
                "description": f"{item.vi} của {maker.row['name']}. {blurb_vi}",
                "unit": item.unit,
                "pack_size": rng.choice(item.packs),
                "gtin": None,
                "price_vnd": fill.price(rng, *item.price),
                "shelf_life_days": item.shelf_life_days,
                "image_url": None,
                "trace_code": _trace_code(rng, traces),
                "origin_place_id": o.place_id,
                "origin_province_id": o.province_id,
                "origin_commune_id": o.commune_id,
                "legacy_province_id": o.legacy_province_id,
                "legacy_district_id": o.legacy_district_id,
                "search_text": compose_search_text(
                    name, maker.row["name"], o.search_names, [name_en] if translated else []
                ),
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
        if translated:
            out.translations.append(
                (i, {"language": "en", "name": name_en, "description": f"{item.en.capitalize()}. {blurb_en}"})
            )
        out.items.append(item)
        out.makers.append(maker)
    return out


def _certificate(
    rng: random.Random,
    product_id: int,
    stars: int,
    decided: dt.date,
    units: Units,
    today: dt.date,
    now: dt.datetime,
    *,
    not_number: str = "",
) -> Row:
    how = issuing(stars, decided, units, rng.randint(100, 4_800))
    while how.decision_number == not_number:  # one decision number per product, as certify checks
        how = issuing(stars, decided, units, rng.randint(100, 4_800))
    total, a, b, c = scores(rng, stars, how.criteria_version)
    valid_until = default_valid_until(decided)
    return {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "product_id": product_id,
        "stars": stars,
        "score": total,
        "score_a": a,
        "score_b": b,
        "score_c": c,
        "council_level": how.council_level,
        "issuer": how.issuer,
        "decision_number": how.decision_number,
        "decision_date": decided,
        "certificate_number": None,
        "valid_from": decided,
        "valid_until": valid_until,
        "criteria_version": how.criteria_version,
        "status": CertificateStatus.active if valid_until >= today else CertificateStatus.expired,
        "revoked_on": None,
        "revocation_decision": None,
        "revocation_reason": None,
        "superseded_by_id": None,
        "created_at": now,
    }


def _certificates(
    rng: random.Random, rows: ProductRows, ids: Sequence[int], today: dt.date, now: dt.datetime
) -> list[Row]:
    out = []
    for product_id, maker in zip(ids, rows.makers, strict=True):
        units = maker.origin.units
        stars = rng.choices(STARS, weights=STAR_WEIGHTS)[0]
        decided = today - rng.randint(20, 1_050) * DAY
        current = _certificate(rng, product_id, stars, decided, units, today, now)
        out.append(current)
        if rng.random() < LAPSED_SHARE:
            older = decided - rng.randint(1_130, 1_400) * DAY
            out.append(
                _certificate(
                    rng,
                    product_id,
                    min(stars, 4),
                    older,
                    units,
                    today,
                    now,
                    not_number=current["decision_number"],
                )
            )
    return out


async def load_national_stock(
    session: AsyncSession,
    *,
    product_ids: Sequence[int],
    location_ids: Sequence[int],
    today: dt.date,
    log: Log,
    scale: national_stock.StockScale | None = None,
) -> int:
    """Stock for the benchmark: 200,000 stock levels and 5 million movements (issue 3).

    Batches, stock levels, thresholds, the ledger and its documents, after products and
    locations exist (``shop.demo.national_stock``); ``scale`` makes it smaller for tests.
    Returns the number of stock levels added.
    """
    return await national_stock.load_stock(
        session, product_ids=product_ids, location_ids=location_ids, today=today, log=log, scale=scale
    )


async def _existing(session: AsyncSession, column: InstrumentedAttribute[Any]) -> set[str]:
    return {v for v in await session.scalars(sa.select(column)) if v}


async def load_national(session: AsyncSession, *, today: dt.date, log: Log) -> str:
    """Bulk-load the benchmark size; a second call does nothing."""
    if await session.scalar(sa.select(Producer.id).where(Producer.code == MARKER)) is not None:
        return f"National data is already loaded (producer {MARKER} exists); nothing to do."
    started = time.perf_counter()
    rng = random.Random(SEED)  # noqa: S311 - reproducible benchmark data, not security
    now = utcnow()
    await users.ensure_user(session, *users.ADMIN)
    places = await national_places.load_map(session)
    made = _producers(rng, places, await _existing(session, Producer.tax_code), now)
    ids = await _batched_insert(session, table_of(Producer), [m.row for m in made], returning=True)
    for maker, producer_id in zip(made, ids, strict=True):
        maker.row["id"] = producer_id
    log(f"Producers: {len(made)} ({time.perf_counter() - started:.1f} s)")
    groups = dict((await session.execute(sa.select(ProductGroup.code, ProductGroup.id))).all())
    rows = _products(
        rng,
        made,
        groups,
        await _existing(session, Product.slug),
        await _existing(session, Product.trace_code),
        now,
    )
    product_ids = await _batched_insert(session, table_of(Product), rows.products, returning=True)
    translations = [{"product_id": product_ids[i], **row} for i, row in rows.translations]
    await _batched_insert(session, table_of(ProductTranslation), translations)
    log(f"Products: {len(product_ids)} ({time.perf_counter() - started:.1f} s)")
    certs = _certificates(rng, rows, product_ids, today, now)
    await _batched_insert(session, table_of(Certificate), certs)
    await certificates.sync_products(session)  # the products' copy of their active certificate
    log(f"Certificates: {len(certs)} ({time.perf_counter() - started:.1f} s)")
    location_ids = await national_places.add_locations(
        session, rng, places, [(m.row, m.origin) for m in made], today=today
    )
    log(f"Locations: {len(location_ids)} ({time.perf_counter() - started:.1f} s)")
    stock = await load_national_stock(
        session, product_ids=product_ids, location_ids=location_ids, today=today, log=log
    )
    return (
        f"National data loaded in {time.perf_counter() - started:.0f} s: {len(made)} producers, "
        f"{len(product_ids)} products, {len(certs)} certificates, {len(location_ids)} "
        f"locations in {places.province_count} provinces, {stock} stock levels. "
        f"Admin: {users.credentials(users.DEMO_USERS[:1])}."
    )
