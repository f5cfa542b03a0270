"""Transfers on the sales-point screens: the list in and out, a new transfer, sending,
cancelling, and receiving with the quantities that actually arrived.

The source sees Send and Cancel on its drafts; the destination sees a receive form once the
goods are in transit. Every action calls ``shop.inventory.documents.transfers`` as the API does.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.accounts.services import CurrentUser
from shop.catalog.sellability import today
from shop.errors import NotFound
from shop.i18n import N_, _
from shop.inventory import access
from shop.inventory.documents import transfers, views
from shop.inventory.documents.models import Transfer, TransferStatus
from shop.inventory.models import Location
from shop.inventory.pages.base import done, new_client_id, render
from shop.inventory.pages.documents import BLANK_ROWS, write_off_line
from shop.inventory.pages.forms import (
    Form,
    Row,
    attempt,
    blank_rows,
    convert,
    integer,
    keep,
    read,
    resolve,
    stocked,
)
from shop.inventory.schemas import TransferIn, TransferOut, TransferReceiveIn
from shop.params import Id

NEW_FIELDS = ("to_location", "note", "client_id", "send")
NEW_COLUMNS = ("product", "quantity", "batch")
RECEIVE_COLUMNS = ("product_id", "batch", "quantity", "reason")


async def destinations(session: AsyncSession, location: Location) -> list[Location]:
    """Where goods can go from here: every other open location."""
    stmt = (
        sa.select(Location)
        .where(
            Location.is_active.is_(True),
            Location.id != location.id,
            sa.or_(Location.ends_on.is_(None), Location.ends_on >= today()),
        )
        .order_by(Location.kind, Location.name)
    )
    return list(await session.scalars(stmt))


async def transfer_here(
    session: AsyncSession, user: CurrentUser, location: Location, transfer_id: int
) -> Transfer:
    """A transfer from or to this location (404 otherwise, as for any other location's)."""
    transfer = await transfers.find(session, user, transfer_id)
    if location.id not in (transfer.from_location_id, transfer.to_location_id):
        raise NotFound(N_("No transfer {id}."), id=transfer_id)
    return transfer


def receive_rows(out: TransferOut) -> list[Row]:
    return [
        Row(
            {
                "product_id": str(i.product_id),
                "batch": i.batch_code or "",
                "quantity": str(i.quantity_sent),
                "reason": "",
            }
        )
        for i in out.items
    ]


def received_request(form: Form, out: TransferOut) -> TransferReceiveIn | None:
    """Only the items that did not arrive exactly as sent (the others arrived as sent)."""
    lines = []
    form.used = []
    for index, (row, item) in enumerate(zip(form.rows, out.items, strict=False)):
        quantity = integer(row, "quantity", required=True)
        if quantity == item.quantity_sent and not row.get("reason"):
            continue
        form.used.append(index)
        lines.append(
            {
                "product_id": item.product_id,
                "quantity": quantity if quantity is not None else 0,
                "batch_code": item.batch_code,
                "reason": row.get("reason") or None,
            }
        )
    if not form.ok:
        return None
    return convert({"lines": lines}, TransferReceiveIn)


class TransferPages(Controller):
    path = "/pos/{code:str}/transfers"
    include_in_schema = False
    guards = (requires_login,)

    @get("/")
    async def list_transfers(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        status: TransferStatus | None = None,
    ) -> Template:
        location = await access.location(session, actor(request), code, change=True)
        items = await views.list_transfers(session, location, status=status)
        return render(
            request, "pos/transfers.html", location, items=items, status=status, statuses=list(TransferStatus)
        )

    @get("/new")
    async def new_form(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Template:
        location = await access.location(session, actor(request), code, change=True)
        form = Form(
            values={"client_id": new_client_id(), "send": "1"}, rows=blank_rows(NEW_COLUMNS, BLANK_ROWS)
        )
        return await self._new_page(request, session, location, form)

    @post("/new")
    async def create(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        form = read(await request.form(), NEW_FIELDS, NEW_COLUMNS)

        async def call() -> Transfer | None:
            rows = keep(form, NEW_COLUMNS)
            if not form.get("to_location"):
                form.error("to_location", _("Choose where the goods go."))
            await resolve(session, rows)
            lines = [write_off_line(row) for row in rows]
            if not form.ok:
                return None
            payload = {
                "from_location": location.code,
                "to_location": form.get("to_location"),
                "lines": lines,
                "note": form.get("note") or None,
                "client_id": form.get("client_id") or None,
                "send": bool(form.get("send")),
            }
            return await transfers.create(session, user, convert(payload, TransferIn), today=today())

        transfer = await attempt(session, form, call, {"to_location": "to_location", "note": "note"})
        if transfer is None:
            return await self._new_page(request, session, location, form)
        sent = transfer.status is TransferStatus.sent
        await session.commit()
        return done(
            "transfer_sent" if sent else "transfer_created", f"/pos/{location.code}/transfers/{transfer.id}"
        )

    async def _new_page(
        self, request: Request[Any, Any, Any], session: AsyncSession, location: Location, form: Form
    ) -> Template:
        return render(
            request,
            "pos/transfer_new.html",
            location,
            status_code=200 if form.ok else form.status,
            form=form,
            destinations=await destinations(session, location),
            products=await stocked(session, location.id),
        )

    @get("/{transfer_id:int}")
    async def detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, transfer_id: Id
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        out = await views.transfer_out(session, await transfer_here(session, user, location, transfer_id))
        return self._detail(request, location, out, Form(rows=receive_rows(out)))

    def _detail(
        self,
        request: Request[Any, Any, Any],
        location: Location,
        out: TransferOut,
        form: Form,
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "pos/transfer.html",
            location,
            status_code=status_code,
            transfer=out,
            form=form,
            error=error,
            at_source=out.from_location == location.code,
            at_destination=out.to_location == location.code,
        )

    @post("/{transfer_id:int}/send")
    async def send(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, transfer_id: Id
    ) -> Template | Redirect:
        return await self._act(request, session, code, transfer_id, "send")

    @post("/{transfer_id:int}/cancel")
    async def cancel(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, transfer_id: Id
    ) -> Template | Redirect:
        return await self._act(request, session, code, transfer_id, "cancel")

    async def _act(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, transfer_id: int, action: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        await transfer_here(session, user, location, transfer_id)
        form = Form()

        async def call() -> Transfer:
            if action == "send":
                return await transfers.send(session, user, transfer_id, today=today())
            return await transfers.cancel(session, user, transfer_id)

        if await attempt(session, form, call) is None:
            out = await views.transfer_out(session, await transfers.find(session, user, transfer_id))
            error = " ".join(form.messages)
            return self._detail(request, location, out, Form(rows=receive_rows(out)), error, form.status)
        await session.commit()
        message = "transfer_sent" if action == "send" else "transfer_cancelled"
        return done(message, f"/pos/{location.code}/transfers/{transfer_id}")

    @post("/{transfer_id:int}/receive")
    async def receive(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, transfer_id: Id
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        out = await views.transfer_out(session, await transfer_here(session, user, location, transfer_id))
        form = read(await request.form(), (), RECEIVE_COLUMNS)
        if form.rows and len(form.rows) != len(out.items):  # an old page: show the items as they are now
            error = _("This transfer changed since the page was opened: check the quantities again.")
            return self._detail(request, location, out, Form(rows=receive_rows(out)), error, 409)

        async def call() -> bool:
            data = received_request(form, out)
            if data is None:
                return False
            await transfers.receive(session, user, transfer_id, data, today=today())
            return True

        if not await attempt(session, form, call):
            return self._detail(
                request, location, out, form, form.messages[0] if form.messages else None, form.status
            )
        await session.commit()
        return done("transfer_received", f"/pos/{location.code}/transfers/{transfer_id}")
