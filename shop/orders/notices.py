"""The customer's emails about an order, in the language they ordered in, queued in the outbox."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from jinja2 import Environment
from sqlalchemy.ext.asyncio import AsyncSession

from shop import i18n
from shop.catalog import queries
from shop.catalog.models import Producer
from shop.mail import outbox
from shop.orders.models import Fulfilment, Order, OrderLine


@cache
def _environment() -> Environment:
    from shop.web import build_environment  # the pages' environment: same filters and gettext

    return build_environment()


def tracking_url(order: Order, base_url: str) -> str:
    return f"{base_url}/orders/{order.number}?token={order.token}"


async def _queue(session: AsyncSession, order: Order, news: str, base_url: str, **context: object) -> None:
    with i18n.language(order.language):
        template = _environment().get_template(f"orders/email_{news}.txt")
        body = template.render(order=order, url=tracking_url(order, base_url), **context)
        subject, _, text = body.partition("\n")
    await outbox.queue(
        session,
        key=f"order:{order.id}:{news}",
        to=order.contact_email,
        subject=subject.strip(),
        text=text.strip(),
    )


async def order_placed(session: AsyncSession, order: Order, base_url: str, lines: list[OrderLine]) -> None:
    names = await queries.translated_names(session, [ln.product_id for ln in lines], order.language)
    await _queue(session, order, "placed", base_url, lines=lines, names=names)


async def order_paid(session: AsyncSession, order: Order, base_url: str) -> None:
    await _queue(session, order, "paid", base_url)


async def order_expired(session: AsyncSession, order: Order, base_url: str) -> None:
    await _queue(session, order, "expired", base_url)


async def lines_closed(session: AsyncSession, order: Order, lines: list[OrderLine], base_url: str) -> None:
    """Some lines will not be delivered: what, why, and the money."""
    names = await queries.translated_names(session, [ln.product_id for ln in lines], order.language)
    news = "lines:" + ",".join(str(ln.id) for ln in lines)
    with i18n.language(order.language):
        template = _environment().get_template("orders/email_lines_closed.txt")
        body = template.render(order=order, lines=lines, names=names, url=tracking_url(order, base_url))
        subject, _, text = body.partition("\n")
    await outbox.queue(
        session,
        key=f"order:{order.id}:{news}",
        to=order.contact_email,
        subject=subject.strip(),
        text=text.strip(),
    )


async def new_fulfilments(
    session: AsyncSession, order: Order, base_url: str, *, only: int | None = None, again: str = ""
) -> None:
    """Each producer with goods to send gets an email, in Vietnamese (once the order can be
    fulfilled: placed for cash, paid for card and transfer)."""
    rows = (
        await session.execute(
            sa.select(Fulfilment, Producer)
            .join(Producer, Producer.id == Fulfilment.producer_id)
            .where(Fulfilment.order_id == order.id, Producer.email.is_not(None))
            .where(sa.true() if only is None else Fulfilment.id == only)
        )
    ).all()
    for fulfilment, producer in rows:
        with i18n.language("vi"):
            template = _environment().get_template("orders/email_new_fulfilment.txt")
            body = template.render(
                order=order, fulfilment=fulfilment, producer=producer, url=f"{base_url}/coop/"
            )
            subject, _, text = body.partition("\n")
        await outbox.queue(
            session,
            key=f"fulfilment:{fulfilment.id}:new{again}",
            to=str(producer.email),
            subject=subject.strip(),
            text=text.strip(),
        )


async def fulfilment_moved(
    session: AsyncSession, order: Order, fulfilment: Fulfilment, base_url: str
) -> None:
    """The customer hears when a parcel is shipped and when it is delivered."""
    news = fulfilment.status.value
    with i18n.language(order.language):
        template = _environment().get_template(f"orders/email_{news}.txt")
        body = template.render(order=order, fulfilment=fulfilment, url=tracking_url(order, base_url))
        subject, _, text = body.partition("\n")
    await outbox.queue(
        session,
        key=f"fulfilment:{fulfilment.id}:{news}",
        to=order.contact_email,
        subject=subject.strip(),
        text=text.strip(),
    )
