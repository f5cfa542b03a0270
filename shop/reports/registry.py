"""Every report by name, built from the query's parameters (the API and the pages share it).

Periods are ``from`` and ``to`` (ISO dates, Vietnam's days); without them, the last twelve
months up to today.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.errors import InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.reports import evaluation, figures, operations, programme, trade
from shop.reports.tables import Table

Params = Mapping[str, str]


def _date(params: Params, name: str, default: dt.date) -> dt.date:
    text = params.get(name)
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(errors=[field_error(name, N_("Give a date as YYYY-MM-DD."))]) from None


def period(params: Params) -> tuple[dt.date, dt.date]:
    end = _date(params, "to", today())
    start = _date(params, "from", (end.replace(day=1) - dt.timedelta(days=335)).replace(day=1))
    if start > end:
        raise InvalidInput(errors=[field_error("from", N_("The period starts after it ends."))])
    if (end - start).days > 3 * 366:
        raise InvalidInput(errors=[field_error("from", N_("Ask for at most three years at a time."))])
    return start, end


def _int(params: Params, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name)
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise InvalidInput(
            errors=[field_error(name, N_("Give a whole number from {low} to {high}."), low=low, high=high)]
        )
    return int(text)


def _choice(params: Params, name: str, allowed: tuple[str, ...]) -> str:
    value = params.get(name) or allowed[0]
    if value not in allowed:
        raise InvalidInput(
            errors=[field_error(name, N_("Choose one of: {allowed}."), allowed=", ".join(allowed))]
        )
    return value


async def _certification(s: AsyncSession, p: Params) -> Table:
    by = _choice(p, "by", ("province", "area", "group"))
    return await figures.certification(s, on=today(), by=by, group=p.get("group") or None)  # type: ignore[arg-type]


async def _evaluations(s: AsyncSession, p: Params) -> Table:
    return await figures.evaluations(s, year=_int(p, "year", today().year, 2018, today().year))


async def _coverage(s: AsyncSession, p: Params) -> Table:
    return await figures.coverage(s, on=today(), uncovered_only=p.get("uncovered") in ("true", "1", "yes"))


async def _expiring(s: AsyncSession, p: Params) -> Table:
    return await figures.expiring_certificates(s, on=today(), within=_int(p, "within", 90, 1, 366))


async def _sales(s: AsyncSession, p: Params) -> Table:
    start, end = period(p)
    by = _choice(p, "by", ("channel", "month", "location", "product", "producer"))
    return await trade.sales(s, start=start, end=end, by=by)  # type: ignore[arg-type]


async def _growth(s: AsyncSession, p: Params) -> Table:
    return await trade.revenue_growth(s, on=today())


async def _stock(s: AsyncSession, p: Params) -> Table:
    return (await operations.stock(s, on=today()))[0]


async def _near_expiry(s: AsyncSession, p: Params) -> Table:
    return (await operations.stock(s, on=today(), within=_int(p, "within", 30, 1, 366)))[1]


async def _slow(s: AsyncSession, p: Params) -> Table:
    return await operations.slow_movers(s, on=today(), days=_int(p, "days", 60, 7, 366))


async def _sla(s: AsyncSession, p: Params) -> Table:
    start, end = period(p)
    return await operations.fulfilment_sla(s, start=start, end=end)


async def _compliance(s: AsyncSession, p: Params) -> Table:
    return await operations.compliance(s, on=today())


REPORTS: dict[str, Callable[[AsyncSession, Params], Awaitable[Table]]] = {
    "certification": _certification,
    "evaluations": _evaluations,
    "coverage": _coverage,
    "expiring-certificates": _expiring,
    "sales": _sales,
    "revenue-growth": _growth,
    "stock-value": _stock,
    "near-expiry-batches": _near_expiry,
    "slow-movers": _slow,
    "fulfilment-sla": _sla,
    "compliance": _compliance,
    **programme.REPORTS,
    **evaluation.REPORTS,
}


async def build(session: AsyncSession, name: str, params: Params) -> Table:
    report = REPORTS.get(name)
    if report is None:
        raise NotFound(N_("No report {name}."), error_code="report_not_found", name=name)
    return await report(session, params)
