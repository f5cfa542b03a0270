"""Planning screens of a sales point: low stock and reorder suggestions with the thresholds
form (managers), and the end-of-fair reconciliation with its one-click send-backs.

The reconciliation's buttons build the API's own requests from what the service says is
left: one transfer (sent at once) to the location the goods came from, or one return of a
producer's consigned goods. Each form carries a client id, so a double click does it once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog.sellability import today
from shop.inventory import access
from shop.inventory.documents import transfers, write_offs
from shop.inventory.models import Location
from shop.inventory.pages.base import done, new_client_id, render
from shop.inventory.pages.forms import (
    Form,
    Row,
    attempt,
    blank_rows,
    convert,
    integer,
    keep,
    product_label,
    read,
    resolve,
    stocked,
)
from shop.inventory.planning import fairs, low_stock
from shop.inventory.schemas import ProducerReturnIn, ReconciliationLineOut, ThresholdsIn, TransferIn

THRESHOLD_COLUMNS = ("product", "minimum")


def lines_of(found: list[ReconciliationLineOut]) -> list[dict[str, Any]]:
    """What is left, as request lines: one per product and batch."""
    totals: dict[tuple[int, str | None], int] = defaultdict(int)
    for line in found:
        totals[(line.product.id, line.batch_code)] += line.on_hand
    return [
        {"product_id": pid, "quantity": n, "batch": {"code": code} if code else None}
        for (pid, code), n in totals.items()
    ]


def groups(found: list[ReconciliationLineOut]) -> dict[str, dict[str, list[ReconciliationLineOut]]]:
    """Lines by the location they came from, and consigned lines by their producer."""
    out: dict[str, dict[str, list[ReconciliationLineOut]]] = {"location": {}, "producer": {}}
    for line in found:
        if line.came_from_kind == "location" and line.came_from:
            out["location"].setdefault(line.came_from, []).append(line)
        if line.ownership == "consigned":
            out["producer"].setdefault(line.product.producer_code, []).append(line)
    return out


class PlanningPages(Controller):
    path = "/pos/{code:str}"
    include_in_schema = False
    guards = (requires_login,)

    @get("/reorder")
    async def reorder(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Template:
        location = await access.location(session, actor(request), code, change=True)
        return await self._reorder(request, session, location, None)

    async def _reorder(
        self, request: Request[Any, Any, Any], session: AsyncSession, location: Location, form: Form | None
    ) -> Template:
        items = await low_stock.reorder(session, location, today=today())
        if form is None:
            rows = [
                Row({"product": product_label(i.product), "minimum": str(i.minimum or "")}) for i in items
            ]
            form = Form(rows=rows + blank_rows(THRESHOLD_COLUMNS, 3))
        return render(
            request,
            "pos/reorder.html",
            location,
            status_code=200 if form.ok else form.status,
            items=items,
            form=form,
            products=await stocked(session, location.id),
        )

    @post("/thresholds")
    async def thresholds(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        access.require_manager(user)
        form = read(await request.form(), (), THRESHOLD_COLUMNS)

        async def call() -> bool:
            rows = keep(form, THRESHOLD_COLUMNS)
            await resolve(session, rows)
            lines = [
                {
                    "product_id": row.product.id if row.product else 0,
                    "minimum": integer(row, "minimum", required=True),
                }
                for row in rows
            ]
            if not form.ok:
                return False
            await low_stock.set_thresholds(session, location, convert({"lines": lines}, ThresholdsIn).lines)
            return True

        if not await attempt(session, form, call):
            return await self._reorder(request, session, location, form)
        await session.commit()
        return done("thresholds", f"/pos/{location.code}/reorder")

    @get("/reconciliation")
    async def reconciliation(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template:
        location = await access.location(session, actor(request), code, change=True)
        return await self._reconciliation(request, session, location)

    async def _reconciliation(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        location: Location,
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        result = await fairs.reconciliation(session, location, today=today())
        return render(
            request,
            "pos/reconciliation.html",
            location,
            status_code=status_code,
            result=result,
            groups=groups(result.lines),
            client_id=new_client_id,
            error=error,
        )

    @post("/reconciliation/send-back")
    async def send_back(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        form = read(await request.form(), ("to", "client_id"))
        result = await fairs.reconciliation(session, location, today=today())
        lines = lines_of(groups(result.lines)["location"].get(form.get("to"), []))
        if not lines:
            return Redirect(path=f"/pos/{location.code}/reconciliation", status_code=303)
        payload = {
            "from_location": location.code,
            "to_location": form.get("to"),
            "lines": lines,
            "client_id": form.get("client_id") or None,
            "send": True,
        }

        async def call() -> bool:
            await transfers.create(session, user, convert(payload, TransferIn), today=today())
            return True

        return await self._finish(request, session, location, form, call, "sent_back")

    @post("/reconciliation/return")
    async def return_goods(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        form = read(await request.form(), ("producer", "client_id"))
        result = await fairs.reconciliation(session, location, today=today())
        lines = lines_of(groups(result.lines)["producer"].get(form.get("producer"), []))
        if not lines:
            return Redirect(path=f"/pos/{location.code}/reconciliation", status_code=303)
        payload = {
            "producer_code": form.get("producer"),
            "lines": lines,
            "client_id": form.get("client_id") or None,
        }

        async def call() -> bool:
            data = convert(payload, ProducerReturnIn)
            await write_offs.return_to_producer(session, user, location, data)
            return True

        return await self._finish(request, session, location, form, call, "returned")

    async def _finish(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        location: Location,
        form: Form,
        call: Callable[[], Awaitable[bool]],
        message: str,
    ) -> Template | Redirect:
        if not await attempt(session, form, call):
            return await self._reconciliation(
                request, session, location, " ".join(form.messages), form.status
            )
        await session.commit()
        return done(message, f"/pos/{location.code}/reconciliation")
