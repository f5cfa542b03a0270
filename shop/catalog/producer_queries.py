"""Reading producers: the list with their product counts, and one producer with its products."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import product_cards, queries, schemas
from shop.catalog.models import Producer, Product
from shop.catalog.sellability import sellable_product_clause
from shop.errors import NotFound
from shop.geo import services as geo
from shop.geo.models import Place
from shop.i18n import N_
from shop.paging import Page
from shop.text import search_terms


async def _producer_outs(
    session: AsyncSession, producers: Sequence[Producer], on: dt.date
) -> list[schemas.ProducerOut]:
    ids = [p.id for p in producers]
    counts = (
        dict(
            (
                await session.execute(
                    sa.select(Product.producer_id, sa.func.count())
                    .where(Product.producer_id.in_(ids), sellable_product_clause(on))
                    .group_by(Product.producer_id)
                )
            ).all()
        )
        if ids
        else {}
    )
    places = await product_cards.by_id(session, Place, {p.place_id for p in producers if p.place_id})
    origins = await geo.origins_of(session, places.values())
    out = []
    for p in producers:
        origin = origins.get(p.place_id) if p.place_id else None
        out.append(
            schemas.ProducerOut(
                id=p.id,
                code=p.code,
                name=p.name,
                kind=p.kind.value,
                province=origin.current_province.name if origin and origin.current_province else None,
                commune=origin.current_commune.name if origin and origin.current_commune else None,
                address=p.address,
                phone=p.phone,
                email=p.email,
                website=p.website,
                story=p.story,
                product_count=counts.get(p.id, 0),
            )
        )
    return out


async def list_producers(
    session: AsyncSession, *, q: str | None, kind: str | None, page: int, page_size: int, on: dt.date
) -> Page[schemas.ProducerOut]:
    stmt = sa.select(Producer).where(Producer.is_active.is_(True))
    for term in search_terms(q):
        # Producers are few per province; folding in SQL is not portable, so match the
        # folded names of their products' search text, which includes the producer's name.
        stmt = stmt.where(Producer.id.in_(sa.select(Product.producer_id).where(queries.word_clause(term))))
    if kind:
        stmt = stmt.where(Producer.kind == kind)
    total = await session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    producers = list(
        await session.scalars(
            stmt.order_by(Producer.name, Producer.id).limit(page_size).offset((page - 1) * page_size)
        )
    )
    items = await _producer_outs(session, producers, on)
    return Page(items=items, total=total, page=page, page_size=page_size)


async def producer_detail(
    session: AsyncSession, key: int | str, *, on: dt.date, language: str
) -> schemas.ProducerDetail:
    column = Producer.id if isinstance(key, int) else Producer.code
    producer = await session.scalar(sa.select(Producer).where(column == key))
    if producer is None:
        raise NotFound(N_("No producer {key}."), key=key)
    (base,) = await _producer_outs(session, [producer], on)
    products = await queries.list_products(
        session,
        queries.ProductFilter(producer=producer.code),
        page=1,
        page_size=queries.MAX_PAGE_SIZE,
        on=on,
        language=language,
    )
    return schemas.ProducerDetail(
        **{f: getattr(base, f) for f in base.__struct_fields__}, products=products.items
    )
