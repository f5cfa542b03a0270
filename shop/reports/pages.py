"""``/reports/``: the office's dashboard (charts drawn as SVG on the server, no script),
and every report on a page of its own at ``/reports/{name}`` with its downloads."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.di import Provide
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.db import provide_report_session
from shop.errors import InvalidInput
from shop.i18n import gettext
from shop.reports import chart, evaluation, figures, programme, registry, trade
from shop.reports.tables import Table

PERIODIC = ("sales", "fulfilment-sla")


def report_titles() -> dict[str, str]:
    return {
        "certification": gettext("Certified products by stars"),
        "evaluations": gettext("Evaluated products reaching 3★"),
        "coverage": gettext("Sales-point coverage by area"),
        "expiring-certificates": gettext("Certificates expiring soon"),
        "sales": gettext("Sales by channel, location, product, producer or month"),
        "revenue-growth": gettext("Revenue before and after certification"),
        "stock-value": gettext("Stock and its value"),
        "near-expiry-batches": gettext("Batches near expiry"),
        "slow-movers": gettext("Slow movers"),
        "fulfilment-sla": gettext("Fulfilments answered in time"),
        "compliance": gettext("Sales points' compliance"),
        **programme.titles(),
        **evaluation.titles(),
    }


def _uncovered(table: Table) -> Table:
    """The coverage table's areas without a sales point (its chart keeps every area)."""
    return dataclasses.replace(table, rows=[row for row in table.rows if row[3] == 0])


class ReportPages(Controller):
    path = "/reports"
    dependencies = {"session": Provide(provide_report_session)}  # the replica, if any
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def dashboard(self, session: AsyncSession, by: figures.By = "province") -> Template:
        on = today()
        start, end = registry.period({})
        tables = {
            "certification": await figures.certification(session, on=on, by=by),
            "coverage": _uncovered(await figures.coverage(session, on=on)),
            "expiring": await figures.expiring_certificates(session, on=on, within=90),
            "sales": await trade.sales(session, start=start, end=end, by="month"),
        }
        context: dict[str, Any] = {
            "by": by,
            **tables,
            "charts": {name: chart.layout(table) for name, table in tables.items()},
            "reports": report_titles(),
            "programme": await programme.dashboard(session),
        }
        return Template("reports/dashboard.html", context=context)

    @get("/certificates")
    async def certificates(
        self, session: AsyncSession, within: Annotated[int, Parameter(ge=1, le=366)] = 90
    ) -> Template:
        table = await figures.expiring_certificates(session, on=today(), within=within)
        return Template("reports/certificates.html", context={"table": table, "within": within})

    @get("/{name:str}")
    async def report(self, request: Request[Any, Any, Any], session: AsyncSession, name: str) -> Template:
        params = dict(request.query_params)
        error = _period_error(params) if name in PERIODIC else None
        # A period refused is shown as typed, with why, to correct; no figures meanwhile.
        shown = {k: v for k, v in params.items() if not (error and k in ("from", "to"))}
        table = await registry.build(session, name, shown)
        start, end = registry.period(shown) if name in PERIODIC else (None, None)
        query = "&".join(f"{k}={v}" for k, v in params.items() if k != "format")
        return Template(
            "reports/report.html",
            context={
                "name": name,
                "table": table,
                "chart": chart.layout(table) if table.bars else None,
                "periodic": name in PERIODIC,
                "start": start,
                "end": end,
                "params": params,
                "error": error,
                "api": f"/api/v1/reports/{name}" + (f"?{query}" if query else ""),
                "reports": report_titles(),
                "evaluation": await evaluation.choices(session, name, params)
                if name in evaluation.REPORTS
                else None,
                "programme": await programme.choices(session, params) if name in programme.REPORTS else None,
            },
            status_code=422 if error else 200,
        )


def _period_error(params: dict[str, str]) -> str | None:
    """Why the period asked for is refused (reversed, too long, not a date); None if it is not."""
    try:
        registry.period(params)
    except InvalidInput as refused:
        return "; ".join(str(e["message"]) for e in refused.errors) or refused.detail
    return None
