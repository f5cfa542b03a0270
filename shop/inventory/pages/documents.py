"""Receiving goods and writing them off, on the sales-point screens (/pos/{code}/…).

Both forms build the API's own request (``ReceiptIn``, ``WriteOffIn``) and call the same
service; a hidden client id, made when the form is shown, turns a double submit into one
document. Bad input shows the form again with every entry kept and each error on its line.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from litestar import Controller, MediaType, Request, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog.models import Producer
from shop.catalog.sellability import today
from shop.i18n import N_, _
from shop.inventory import access
from shop.inventory.documents import receipts, write_offs
from shop.inventory.models import Location, LocationKind
from shop.inventory.pages.base import done, new_client_id, render
from shop.inventory.pages.forms import (
    Form,
    Row,
    attempt,
    blank_rows,
    convert,
    date,
    integer,
    keep,
    percent_to_bp,
    product_label,
    read,
    resolve,
    stocked,
)
from shop.inventory.queries import suggestions
from shop.inventory.schemas import ReceiptIn, WriteOffIn
from shop.params import Id

RECEIPT_FIELDS = ("kind", "producer", "commission", "delivery_note", "note", "client_id")
RECEIPT_COLUMNS = ("product", "quantity", "batch", "produced_on", "expires_on", "unit_cost")
RECEIPT_NAMES = {"producer_code": "producer", "commission_rate_bp": "commission", "kind": "kind"}
WRITE_OFF_FIELDS = ("reason", "note", "client_id")
WRITE_OFF_COLUMNS = ("product", "quantity", "batch")
BLANK_ROWS = 3


async def producers_for(session: AsyncSession, location: Location) -> list[Producer]:
    """Who may deliver here: any active producer, or the warehouse's own."""
    stmt = sa.select(Producer).where(Producer.is_active.is_(True)).order_by(Producer.name)
    if location.kind is LocationKind.producer:
        stmt = sa.select(Producer).where(Producer.id == location.producer_id)
    return list(await session.scalars(stmt))


def batch_of(row: Row, *, with_dates: bool = True) -> dict[str, Any] | None:
    """A line's batch as the API takes it; dates need the code they belong to."""
    code = row.get("batch")
    produced = date(row, "produced_on") if with_dates else None
    expires = date(row, "expires_on") if with_dates else None
    if not code:
        if produced or expires:
            row.error("batch", _("Give the batch code these dates belong to."))
        return None
    return {"code": code, "produced_on": produced, "expires_on": expires}


def receipt_line(row: Row) -> dict[str, Any]:
    line: dict[str, Any] = {
        "product_id": row.product.id if row.product else 0,
        "quantity": integer(row, "quantity", minimum=1, required=True),
        "batch": batch_of(row),
    }
    if (cost := integer(row, "unit_cost")) is not None:
        line["unit_cost"] = cost
    return line


async def receipt_request(session: AsyncSession, form: Form) -> ReceiptIn | None:
    """The API's receipt from the form; None while the form itself has errors."""
    rows = keep(form, ("product", "quantity", "batch", "unit_cost"))
    if not form.get("producer"):
        form.error("producer", _("Choose the producer."))
    producer_id = await session.scalar(sa.select(Producer.id).where(Producer.code == form.get("producer")))
    await resolve(session, rows, producer_id=producer_id)
    lines = [receipt_line(row) for row in rows]
    commission = percent_to_bp(form, "commission")
    if not form.ok:
        return None
    payload = {
        "kind": form.get("kind"),
        "producer_code": form.get("producer"),
        "lines": lines,
        "commission_rate_bp": commission,
        "delivery_note": form.get("delivery_note") or None,
        "note": form.get("note") or None,
        "client_id": form.get("client_id") or None,
    }
    return convert(payload, ReceiptIn)


def write_off_line(row: Row) -> dict[str, Any]:
    return {
        "product_id": row.product.id if row.product else 0,
        "quantity": integer(row, "quantity", minimum=1, required=True),
        "batch": batch_of(row, with_dates=False),
    }


class ReceivePages(Controller):
    path = "/pos/{code:str}"
    include_in_schema = False
    guards = (requires_login,)

    @get("/receive")
    async def receive_form(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template:
        location = await access.location(session, actor(request), code, change=True)
        kind = "purchase" if location.kind is LocationKind.producer else "consignment"
        form = Form(
            values={"kind": kind, "client_id": new_client_id()}, rows=blank_rows(RECEIPT_COLUMNS, BLANK_ROWS)
        )
        return await self._page(request, session, location, form)

    @post("/receive")
    async def receive(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        form = read(await request.form(), RECEIPT_FIELDS, RECEIPT_COLUMNS)

        async def call() -> int | None:
            data = await receipt_request(session, form)
            if data is None:
                return None
            receipt = await receipts.receive(session, user, location, data, today=today())
            return receipt.id

        receipt_id = await attempt(session, form, call, RECEIPT_NAMES)
        if receipt_id is None:
            return await self._page(request, session, location, form)
        await session.commit()
        return done("received", f"/pos/{location.code}/receipts/{receipt_id}")

    @get("/products/suggest", media_type=MediaType.JSON)
    async def suggest(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        q: Annotated[str, Parameter(max_length=100)] = "",
        producer: Annotated[str, Parameter(max_length=40)] = "",
        held: bool = False,
    ) -> list[dict[str, Any]]:
        """What a product field offers as it is typed in (``held``: only what is here)."""
        location = await access.location(session, actor(request), code, change=True)
        producer_id = await session.scalar(sa.select(Producer.id).where(Producer.code == producer))
        found = await suggestions.suggest(
            session, location.id, q, producer_id=producer_id if producer else None, held_only=held
        )
        return [
            {"label": product_label(s.product), "name": s.product.name, "on_hand": s.on_hand} for s in found
        ]

    async def _page(
        self, request: Request[Any, Any, Any], session: AsyncSession, location: Location, form: Form
    ) -> Template:
        return render(
            request,
            "pos/receive.html",
            location,
            status_code=200 if form.ok else form.status,
            form=form,
            producers=await producers_for(session, location),
            products=await stocked(session, location.id),
            title=N_("Receive goods"),
        )

    @get("/receipts/{receipt_id:int}")
    async def receipt(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, receipt_id: Id
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        found = await receipts.find_at(session, user, location, receipt_id)
        out = await receipts.receipt_out(session, found)
        return render(request, "pos/receipt.html", location, receipt=out)


class WriteOffPages(Controller):
    path = "/pos/{code:str}"
    include_in_schema = False
    guards = (requires_login,)

    @get("/write-off")
    async def write_off_form(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template:
        location = await access.location(session, actor(request), code, change=True)
        form = Form(
            values={"reason": "damaged", "client_id": new_client_id()},
            rows=blank_rows(WRITE_OFF_COLUMNS, BLANK_ROWS),
        )
        return await self._page(request, session, location, form)

    @post("/write-off")
    async def write_off(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        form = read(await request.form(), WRITE_OFF_FIELDS, WRITE_OFF_COLUMNS)

        async def call() -> bool:
            rows = keep(form, ("product", "quantity", "batch"))
            await resolve(session, rows)
            lines = [write_off_line(row) for row in rows]
            if not form.ok:
                return False
            payload = {
                "reason": form.get("reason"),
                "lines": lines,
                "note": form.get("note") or None,
                "client_id": form.get("client_id") or None,
            }
            await write_offs.write_off(session, user, location, convert(payload, WriteOffIn))
            return True

        if not await attempt(session, form, call, {"reason": "reason", "note": "note"}):
            return await self._page(request, session, location, form)
        await session.commit()
        return done("written_off", f"/pos/{location.code}/movements?kind=write_off")

    async def _page(
        self, request: Request[Any, Any, Any], session: AsyncSession, location: Location, form: Form
    ) -> Template:
        return render(
            request,
            "pos/write_off.html",
            location,
            status_code=200 if form.ok else form.status,
            form=form,
            products=await stocked(session, location.id),
        )
