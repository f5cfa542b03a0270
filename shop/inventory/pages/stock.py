"""Sales-point stock screens under /pos/: the user's locations, a location's stock, its ledger
and its near-expiry goods. The writes live beside it in ``documents``, ``transfers``,
``counts`` and ``planning``; all of them call the same services as the API.

A location outside the user's scope answers 404, exactly as on the API.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog.sellability import today
from shop.inventory import access
from shop.inventory.models import MovementKind, Ownership
from shop.inventory.pages.base import render
from shop.inventory.queries import shelf, stock
from shop.paging import PageNumber
from shop.params import Id

PAGE_SIZE = 25
Search = Annotated[str | None, Parameter(max_length=200)]
Window = Literal[30, 60, 90]


def querystring(params: dict[str, Any], **changes: Any) -> str:
    """The current filters with some changed, for pager and filter links."""
    merged = params | changes
    return urlencode({k: v for k, v in merged.items() if v not in (None, "", False)})


class PosPages(Controller):
    path = "/pos"
    include_in_schema = False
    guards = (requires_login,)

    @get("/")
    async def index(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        locations = await access.locations_of(session, actor(request))
        if len(locations) == 1:
            return Redirect(path=f"/pos/{locations[0].code}/")
        return render(request, "pos/index.html", None, locations=locations)

    @get("/{code:str}/")
    async def stock(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        q: Search = None,
        ownership: Ownership | None = None,
        low: bool = False,
        expiring: Window | None = None,
        page: PageNumber = 1,
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code)
        filters = stock.StockFilter(
            q=q or None,
            producer_id=access.only_producer(user, location),
            ownership=ownership,
            low=low,
            expiring_within=expiring,
        )
        result = await stock.stock_list(
            session, location, filters, page=page, page_size=PAGE_SIZE, today=today()
        )
        compliance = None
        if access.can_change(user, location):
            compliance = await shelf.compliance(session, location, today=today())
        params = {"q": q, "ownership": ownership, "low": low, "expiring": expiring}
        return render(
            request,
            "pos/stock.html",
            location,
            page=result,
            pages=max(math.ceil(result.total / PAGE_SIZE), 1),
            params=params,
            query=querystring,
            compliance=compliance,
            today=today(),
        )

    @get("/{code:str}/movements")
    async def movements(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        kind: MovementKind | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        page: PageNumber = 1,
    ) -> Template:
        return await self._ledger(
            request, session, code, product_id=None, kind=kind, since=since, until=until, page=page
        )

    @get("/{code:str}/products/{product_id:int}/movements")
    async def product_movements(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        product_id: Id,
        kind: MovementKind | None = None,
        page: PageNumber = 1,
    ) -> Template:
        return await self._ledger(
            request, session, code, product_id=product_id, kind=kind, since=None, until=None, page=page
        )

    async def _ledger(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        *,
        product_id: int | None,
        kind: MovementKind | None,
        since: dt.date | None,
        until: dt.date | None,
        page: int,
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code)
        filters = stock.MovementFilter(
            product_id=product_id,
            producer_id=access.only_producer(user, location),
            kind=kind,
            since=since,
            until=until,
        )
        result = await stock.movements(session, location, filters, page=page, page_size=PAGE_SIZE)
        product_stock = None
        if product_id is not None:
            one = stock.StockFilter(product_id=product_id, producer_id=filters.producer_id)
            found = await stock.stock_list(session, location, one, page=1, page_size=1, today=today())
            product_stock = found.items[0] if found.items else None
        refs = await stock.product_refs(session, [product_id] if product_id else [], on=today())
        return render(
            request,
            "pos/movements.html",
            location,
            page=result,
            pages=max(math.ceil(result.total / PAGE_SIZE), 1),
            params={"kind": kind, "since": since, "until": until},
            query=querystring,
            product=refs.get(product_id) if product_id else None,
            product_stock=product_stock,
            kinds=list(MovementKind),
        )

    @get("/{code:str}/expiring")
    async def expiring(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, days: Window = 30
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code)
        items = await shelf.expiring(
            session, location, days=days, today=today(), producer_id=access.only_producer(user, location)
        )
        return render(request, "pos/expiring.html", location, items=items, days=days, windows=(30, 60, 90))
