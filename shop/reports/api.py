"""The office's reports under ``/api/v1/reports/{name}``: JSON by default, ``?format=csv``
or ``?format=xlsx`` for a download of the same table. The names and their parameters are
in ``registry.py`` (``from``/``to`` periods, ``by``, ``within``, ``days``)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, get
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.reports import registry, tables
from shop.reports.tables import Table, TableOut
from shop.web import CSV_TYPE, XLSX_TYPE, download

Format = Literal["json", "csv", "xlsx"]


def answer(table: Table, format: Format) -> Response[TableOut] | Response[bytes]:
    if format == "json":
        return Response(tables.as_json(table))
    if format == "csv":
        body, media = tables.to_csv(table), CSV_TYPE
    else:
        body, media = tables.to_xlsx(table), XLSX_TYPE
    return download(body, media, f"report-{table.key}-{today().isoformat()}.{format}")


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listReports", summary="The reports there are")
    async def index(self) -> list[str]:
        return list(registry.REPORTS)

    @get(
        "/{name:str}",
        operation_id="getReport",
        summary="One report: certification, coverage, expiring-certificates, sales, revenue-growth, "
        "stock-value, near-expiry-batches, slow-movers, fulfilment-sla, compliance",
    )
    async def report(
        self, request: Request[Any, Any, Any], session: AsyncSession, name: str, format: Format = "json"
    ) -> Response[TableOut] | Response[bytes]:
        table = await registry.build(session, name, dict(request.query_params))
        return answer(table, format)
