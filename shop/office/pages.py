"""The office's home: one page that leads to every workflow of the provincial office."""

from __future__ import annotations

from litestar import Controller, get
from litestar.response import Template

from shop.accounts.guards import requires_admin


class OfficeHomePages(Controller):
    path = "/office"
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def home(self) -> Template:
        return Template("office/home.html")
