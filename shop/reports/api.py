"""The office's reports under ``/api/v1/reports/…``: JSON by default, ``?format=csv|xlsx``
for a download of the same table."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.reports import figures, tables
from shop.reports.tables import Table, TableOut

Format = Literal["json", "csv", "xlsx"]
Within = Annotated[int, Parameter(ge=1, le=366)]


def answer(table: Table, format: Format) -> Response[TableOut] | Response[bytes]:
    if format == "json":
        return Response(tables.as_json(table))
    body, media = (
        (tables.to_csv(table), tables.CSV_TYPE)
        if format == "csv"
        else (tables.to_xlsx(table), tables.XLSX_TYPE)
    )
    name = f"report-{table.key}-{today().isoformat()}.{format}"
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


class ReportController(Controller):
    path = "/api/v1/reports"
    tags = ["reports"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get(
        "/certification",
        operation_id="certificationReport",
        summary="Certified products by stars and province or group",
    )
    async def certification(
        self, session: AsyncSession, by: figures.By = "province", format: Format = "json"
    ) -> Response[TableOut] | Response[bytes]:
        return answer(await figures.certification(session, on=today(), by=by), format)

    @get("/coverage", operation_id="coverageReport", summary="Areas and their sales points (uncovered first)")
    async def coverage(
        self, session: AsyncSession, uncovered: bool = False, format: Format = "json"
    ) -> Response[TableOut] | Response[bytes]:
        return answer(await figures.coverage(session, on=today(), uncovered_only=uncovered), format)

    @get(
        "/expiring-certificates",
        operation_id="expiringCertificatesReport",
        summary="Active certificates whose validity ends within a number of days",
    )
    async def expiring(
        self, session: AsyncSession, within: Within = 90, format: Format = "json"
    ) -> Response[TableOut] | Response[bytes]:
        return answer(await figures.expiring_certificates(session, on=today(), within=within), format)
