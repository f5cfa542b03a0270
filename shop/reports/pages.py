"""``/reports/``: the office's dashboard (charts drawn as SVG on the server, no script),
and the full list of certificates about to expire."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, get
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.reports import figures


class ReportPages(Controller):
    path = "/reports"
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def dashboard(self, session: AsyncSession, by: figures.By = "province") -> Template:
        on = today()
        context: dict[str, Any] = {
            "by": by,
            "certification": await figures.certification(session, on=on, by=by),
            "coverage": await figures.coverage(session, on=on, uncovered_only=True),
            "expiring": await figures.expiring_certificates(session, on=on, within=90),
        }
        return Template("reports/dashboard.html", context=context)

    @get("/certificates")
    async def certificates(
        self, session: AsyncSession, within: Annotated[int, Parameter(ge=1, le=366)] = 90
    ) -> Template:
        table = await figures.expiring_certificates(session, on=today(), within=within)
        return Template("reports/certificates.html", context={"table": table, "within": within})
