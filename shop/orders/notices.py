"""The customer's emails about an order, in the language they ordered in, queued in the outbox."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import product_cards
from shop.catalog.models import Producer
from shop.mail import render
from shop.orders.models import Fulfilment, Order, OrderLine


def tracking_url(order: Order, base_url: str) -> str:
    return f"{base_url}/orders/{order.number}?token={order.token}"


async def _send(
    session: AsyncSession, *, key: str, to: str, template: str, language: str, **context: object
) -> None:
    """``orders/email_<template>.txt`` in ``language``, queued under ``key``."""
    await render.queue_template(
        session, key=key, to=to, template=f"orders/email_{template}.txt", language=language, **context
    )


async def _queue(session: AsyncSession, order: Order, news: str, base_url: str, **context: object) -> None:
    """News for the customer, in the language they ordered in."""
    await _send(
        session,
        key=f"order:{order.id}:{news}",
        to=order.contact_email,
        template=news,
        language=order.language,
        order=order,
        url=tracking_url(order, base_url),
        **context,
    )


async def order_placed(
    session: AsyncSession,
    order: Order,
    base_url: str,
    lines: list[OrderLine],
    transfer: Mapping[str, object] | None = None,
) -> None:
    """The confirmation, with what a bank transfer needs (``transfer``) when it is paid so."""
    names = await product_cards.translated_names(session, [ln.product_id for ln in lines], order.language)
    await _queue(session, order, "placed", base_url, lines=lines, names=names, transfer=transfer)


async def order_paid(session: AsyncSession, order: Order, base_url: str) -> None:
    await _queue(session, order, "paid", base_url)


async def order_expired(session: AsyncSession, order: Order, base_url: str) -> None:
    await _queue(session, order, "expired", base_url)


async def lines_closed(session: AsyncSession, order: Order, lines: list[OrderLine], base_url: str) -> None:
    """Some lines will not be delivered: what, why, and the money."""
    names = await product_cards.translated_names(session, [ln.product_id for ln in lines], order.language)
    await _send(
        session,
        key=f"order:{order.id}:lines:" + ",".join(str(ln.id) for ln in lines),
        to=order.contact_email,
        template="lines_closed",
        language=order.language,
        order=order,
        lines=lines,
        names=names,
        url=tracking_url(order, base_url),
    )


async def new_fulfilments(
    session: AsyncSession,
    order: Order,
    base_url: str,
    *,
    only: int | None = None,
    again: str = "",
    known: tuple[Sequence[Fulfilment], Mapping[int, Producer]] | None = None,
) -> None:
    """Each producer with goods to send gets an email, in Vietnamese (once the order can be
    fulfilled: placed for cash, paid for card and transfer). ``known``: the order's
    fulfilments and their producers, when the caller has just made them (not read again)."""
    made, producers = known or ((), {})
    rows: Sequence[tuple[Fulfilment, Producer]]
    if known is None or any(f.producer_id not in producers for f in made if f.producer_id is not None):
        rows = (
            (
                await session.execute(
                    sa.select(Fulfilment, Producer)
                    .join(Producer, Producer.id == Fulfilment.producer_id)
                    .where(Fulfilment.order_id == order.id, Producer.email.is_not(None))
                    .where(sa.true() if only is None else Fulfilment.id == only)
                )
            )
            .tuples()
            .all()
        )
    else:  # a sales point's fulfilment (no producer) has no one to tell
        rows = [
            (f, producers[f.producer_id])
            for f in made
            if f.producer_id is not None
            and producers[f.producer_id].email is not None
            and (only is None or f.id == only)
        ]
    for fulfilment, producer in rows:
        await _send(
            session,
            key=f"fulfilment:{fulfilment.id}:new{again}",
            to=str(producer.email),
            template="new_fulfilment",
            language="vi",
            order=order,
            fulfilment=fulfilment,
            producer=producer,
            url=f"{base_url}/coop/",
        )


async def fulfilment_moved(
    session: AsyncSession, order: Order, fulfilment: Fulfilment, base_url: str
) -> None:
    """The customer hears when a parcel is shipped and when it is delivered."""
    await _send(
        session,
        key=f"fulfilment:{fulfilment.id}:{fulfilment.status.value}",
        to=order.contact_email,
        template=fulfilment.status.value,
        language=order.language,
        order=order,
        fulfilment=fulfilment,
        url=tracking_url(order, base_url),
    )
