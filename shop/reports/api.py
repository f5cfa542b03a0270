"""The office's reports under ``/api/v1/reports/{name}``: JSON by default, ``?format=csv``
or ``?format=xlsx`` for a download of the same table. The names and their parameters are
in ``registry.py`` (``from``/``to`` periods, ``by``, ``within``, ``days``)."""

from __future__ import annotations

from typing import Any, Literal

from litestar import Controller, Request, Response, get
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.db import provide_report_session
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of_list
from shop.reports import registry, tables
from shop.reports.tables import Table, TablePage
from shop.web import CSV_TYPE, XLSX_TYPE, download

Format = Literal["json", "csv", "xlsx"]


def answer(
    table: Table, format: Format, *, page: int, page_size: int
) -> Response[TablePage] | Response[bytes]:
    """JSON: a page of the table's rows; CSV and Excel: the whole table."""
    if format == "json":
        return Response(tables.as_page(table, page=page, page_size=page_size))
    if format == "csv":
        body, media = tables.to_csv(table), CSV_TYPE
    else:
        body, media = tables.to_xlsx(table), XLSX_TYPE
    return download(body, media, f"report-{table.key}-{today().isoformat()}.{format}")


class ReportController(Controller):
    path = "/api/v1/reports"
    dependencies = {"session": Provide(provide_report_session)}  # the replica, if any
    tags = ["reports"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listReports", summary="The reports there are")
    async def index(self, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE) -> Page[str]:
        return page_of_list(list(registry.REPORTS), page=page, page_size=page_size)

    @get(
        "/{name:str}",
        operation_id="getReport",
        summary="One report: certification, coverage, expiring-certificates, sales, revenue-growth, "
        "stock-value, near-expiry-batches, slow-movers, fulfilment-sla, compliance",
    )
    async def report(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        name: str,
        format: Format = "json",
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Response[TablePage] | Response[bytes]:
        table = await registry.build(session, name, dict(request.query_params))
        return answer(table, format, page=page, page_size=page_size)
