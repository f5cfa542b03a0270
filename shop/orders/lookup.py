"""Finding a placed order by its number: through the customer's tracking link, or by the office.

A tracking link carries the order's number and its secret token; a wrong number and a wrong
token get the same 404, so a link cannot be guessed from another order's number.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.errors import NotFound
from shop.i18n import N_
from shop.orders.models import Order

# Built once, run with the number bound: building a statement costs a lookup a third of its CPU.
_BY_NUMBER = sa.select(Order).where(Order.number == sa.bindparam("number"))


async def find(session: AsyncSession, number: str, token: str | None) -> Order:
    """The order behind a tracking link; the same 404 for a wrong number or a wrong token."""
    return linked(await session.scalar(_BY_NUMBER, {"number": number}), number, token)


def linked(order: Order | None, number: str, token: str | None) -> Order:
    """``order`` (read by ``number``) if ``token`` is its link's; else the 404 of :func:`find`."""
    if order is None or token is None or not secrets.compare_digest(order.token, token):
        raise NotFound(N_("No order {number} with this link."), error_code="order_not_found", number=number)
    return order


async def find_by_number(session: AsyncSession, number: str) -> Order:
    """For the office, who needs no link token."""
    order = await session.scalar(_BY_NUMBER, {"number": number})
    if order is None:
        raise NotFound(N_("No order {number}."), error_code="order_not_found", number=number)
    return order
