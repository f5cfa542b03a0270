"""Approximate prices in the visitor's currency, from the rates the office sets (never live)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache
from shop.db import database_key
from shop.i18n import VISITOR_CURRENCY, format_money
from shop.storefront.models import CurrencyRate

# Currencies shown without minor units (Babel would print "₩18.00").
_WHOLE = {"KRW", "JPY"}


async def rates(session: AsyncSession) -> dict[str, Decimal]:
    stmt = sa.select(CurrencyRate.currency, CurrencyRate.vnd_per_unit)
    return {row.currency: row.vnd_per_unit for row in await session.execute(stmt)}


async def shared_rates(session: AsyncSession) -> dict[str, Decimal]:
    """The rates, read once for all the pages drawn within the catalog cache's seconds (an
    office's change shows as late as the product pages' own cached reads)."""
    found = await cache.pages.get_or_compute(("rates", database_key(session)), lambda: rates(session))
    assert isinstance(found, dict)
    return found


def convert(amount_vnd: int, rate: Decimal, currency: str) -> Decimal:
    step = Decimal(1) if currency in _WHOLE else Decimal("0.01")
    return (Decimal(amount_vnd) / rate).quantize(step, rounding=ROUND_HALF_UP)


def approximator(known: dict[str, Decimal], lang: str) -> Callable[[int], str | None]:
    """A function giving "≈ $4.90" for an amount in đồng, or None (no rate for this visitor)."""
    currency = VISITOR_CURRENCY.get(lang)
    rate = known.get(currency) if currency else None
    if currency is None or rate is None:
        return lambda _amount: None

    def approx(amount_vnd: int) -> str | None:
        return "≈ " + format_money(convert(amount_vnd, rate, currency), currency, lang)

    return approx
