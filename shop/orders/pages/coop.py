"""The cooperative portal at /coop/: the fulfilment queue of whoever holds the goods (a
cooperative's warehouse; a sales point's staff for pickups; the office sees all), phone
first, Vietnamese first. Every form calls the same services as /api/v1/fulfilments, and a
fulfilment outside the user's scope is a 404 page.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog import photos
from shop.errors import DomainError
from shop.i18n import gettext
from shop.invoices import status as invoice_status
from shop.invoices.models import SourceKind
from shop.media.naming import Picture
from shop.orders import fulfilment_queue, fulfilment_states, fulfilments
from shop.orders.api.fulfilments import queue_out
from shop.orders.models import FulfilmentStatus, Order
from shop.orders.placing import after_commit
from shop.orders.schemas import FulfilmentQueueOut
from shop.paging import PageNumber
from shop.params import Id

TABS = ("new", "accepted", "packed", "shipped", "delivered", "rejected", "cancelled")


# Cash as a courier's note or this portal shows it: "110000", "110.000", "110,000 đ", "110.000 ₫".
_CASH = re.compile(r"\s*([0-9][0-9 .,]{0,20}?)\s*(?:₫|đ|vnđ|vnd)?\s*", re.IGNORECASE)


def cash_amount(text: str) -> int | None:
    """Whole đồng typed with or without thousands separators and the currency; None if not."""
    found = _CASH.fullmatch(text)
    digits = re.sub(r"[ .,]", "", found.group(1)) if found else ""
    return int(digits) if 1 <= len(digits) <= 13 else None


def _done_message(code: str | None) -> str | None:
    return {
        "accepted": gettext("Accepted: prepare the parcel."),
        "rejected": gettext("Rejected: the customer is refunded and told."),
        "packed": gettext("Packed."),
        "shipped": gettext("Shipped: the customer has the tracking number."),
        "delivered": gettext("Delivered."),
    }.get(code or "")


QUEUE_PAGE = 50  # parcels per screen: a busy cooperative pages through the rest


async def _pictures(session: AsyncSession, items: list[FulfilmentQueueOut]) -> dict[int, Picture]:
    """The main photo of every product on the screen, in one query: a thumbnail beside each
    line helps whoever packs pick the right jar."""
    return await photos.main_pictures(session, [line.product_id for f in items for line in f.lines])


class CoopPages(Controller):
    path = "/coop"
    include_in_schema = False
    guards = [requires_login]

    @get("/")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        status: str = "new",
        page: PageNumber = 1,
    ) -> Template:
        wanted = FulfilmentStatus(status) if status in TABS else None
        found, total = await fulfilment_queue.queue(
            session, actor(request), wanted, page=page, page_size=QUEUE_PAGE
        )
        items = [await queue_out(session, f, loc) for f, loc in found]
        context = {
            "items": items,
            "status": status,
            "tabs": TABS,
            "page": page,
            "pages": max(1, -(-total // QUEUE_PAGE)),
            "params": urlencode({"status": status}),
            "pictures": await _pictures(session, items),
        }
        return Template("coop/queue.html", context=context)

    @get("/fulfilments/{fulfilment_id:int}")
    async def detail(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id
    ) -> Template:
        return await self._detail(request, session, fulfilment_id)

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        fulfilment_id: int,
        error: str | None = None,
        status: int = 200,
        values: dict[str, str] | None = None,
    ) -> Template:
        f, loc = await fulfilment_queue.find(session, actor(request), fulfilment_id)
        order = await session.get(Order, f.order_id)
        assert order is not None
        # Only the office sees an order not paid yet; nothing is to be done with it.
        possible = fulfilment_states.NEXT[f.status] if fulfilment_queue.can_be_fulfilled(order) else ()
        item = await queue_out(session, f, loc)
        return Template(
            "coop/fulfilment.html",
            context={
                "item": item,
                "pictures": await _pictures(session, [item]),
                "order": order,
                "invoice": await invoice_status.for_source(session, SourceKind.online_order, order.id),
                "next": [s.value for s in possible],
                "error": error,
                "values": values or {},  # what was typed, shown again with a refusal
                "done": _done_message(request.query_params.get("done")),
            },
            status_code=status,
        )

    @get("/fulfilments/{fulfilment_id:int}/slip")
    async def slip(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id
    ) -> Template:
        f, loc = await fulfilment_queue.find(session, actor(request), fulfilment_id)
        order = await session.get(Order, f.order_id)
        item = await queue_out(session, f, loc)
        return Template(
            "coop/slip.html",
            context={
                "item": item,
                "order": order,
                "location": loc,
                "pictures": await _pictures(session, [item]),
            },
        )

    @post("/fulfilments/{fulfilment_id:int}/{action:str}")
    async def act(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id, action: str
    ) -> Template | Redirect:
        user = actor(request)
        form = await request.form()
        base_url = request.app.state.settings.base_url
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        try:
            if action == "accept":
                lines = await fulfilment_queue.lines_of(session, f.id)
                rejected = [
                    (ln.id, str(form.get(f"reason-{ln.id}") or "").strip())
                    for ln in lines
                    if form.get(f"reject-{ln.id}")
                ]
                await fulfilments.accept(session, f, user, rejected, base_url=base_url)
            elif action == "reject":
                reason = str(form.get("reason") or "").strip()
                await fulfilments.reject(session, f, user, reason, base_url=base_url)
            elif action == "pack":
                await fulfilments.pack(session, f, user)
            elif action == "ship":
                await fulfilments.ship(
                    session,
                    f,
                    user,
                    carrier=str(form.get("carrier") or "").strip(),
                    tracking_number=str(form.get("tracking_number") or "").strip(),
                    base_url=base_url,
                )
            elif action == "deliver":
                await fulfilments.deliver(
                    session,
                    f,
                    user,
                    cash_collected_vnd=cash_amount(str(form.get("cash_collected_vnd") or "")),
                    base_url=base_url,
                )
            else:
                return await self._detail(request, session, fulfilment_id, gettext("Not found."), 404)
        except DomainError as refused:
            await session.rollback()
            messages = [str(e["message"]) for e in refused.errors if e.get("message")] or [refused.detail]
            typed = {key: str(value) for key, value in form.items()}
            return await self._detail(
                request, session, fulfilment_id, "; ".join(messages), refused.status_code, typed
            )
        await session.commit()
        await session.refresh(f)
        return Redirect(
            path=f"/coop/fulfilments/{fulfilment_id}?done={f.status.value}",
            status_code=303,
            background=after_commit(request),
        )
