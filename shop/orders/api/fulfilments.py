"""Fulfilments under /api/v1: the queue of whoever holds the goods (a cooperative's
warehouse, a sales point for pickups; the office sees all), and its transitions.

Another location's fulfilment answers 404, as one that does not exist. After each commit,
refunds for rejected lines go to Stripe and the outbox is sent, in the background.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.catalog import cache
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import InvalidInput, field_error
from shop.i18n import N_
from shop.inventory.models import Location
from shop.orders import fulfilment_queue, fulfilments, office
from shop.orders.models import Fulfilment, FulfilmentStatus, Order, PaymentMethod
from shop.orders.placing import after_commit
from shop.orders.schemas import (
    AcceptIn,
    DeliverIn,
    FulfilmentQueueOut,
    QueueLineOut,
    ReassignIn,
    RejectIn,
    ShipIn,
)
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of, paginate
from shop.params import Id


async def _place(session: AsyncSession, order: Order) -> str | None:
    """The delivery commune and province by name (reference data, cached per process)."""
    ids = [i for i in (order.ship_commune_id, order.ship_province_id) if i is not None]
    if not ids:
        return None
    names = await cache.place_names(session, ids)
    return ", ".join(names[i][0] for i in ids if i in names) or None


def payment_status(order: Order) -> str:
    """Whether the holder may prepare the parcel, and whether money is to be collected."""
    if order.paid_at is not None:
        return "paid"
    if order.payment_method == PaymentMethod.cod:
        return "cash"
    return "awaiting_payment"


async def queue_out(session: AsyncSession, f: Fulfilment, location: Location) -> FulfilmentQueueOut:
    order = await session.get(Order, f.order_id)
    assert order is not None
    lines = await fulfilment_queue.lines_of(session, f.id)
    collect = await fulfilment_queue.to_collect(session, order, f, lines)
    return FulfilmentQueueOut(
        id=f.id,
        order=order.number,
        status=f.status.value,
        location=location.code,
        due_at=f.due_at,
        overdue=f.status == FulfilmentStatus.new and f.due_at is not None and f.due_at < utcnow(),
        payment_method=order.payment_method.value,
        amount_to_collect_vnd=collect,
        payment_status=payment_status(order),
        delivery_method=order.delivery_method.value,
        contact_name=order.contact_name,
        contact_phone=order.contact_phone,
        ship_street=order.ship_street,
        ship_place=await _place(session, order),
        lines=[
            QueueLineOut(
                ln.id, ln.product_id, ln.name, ln.quantity, ln.line_total_vnd, ln.status.value, ln.reason
            )
            for ln in lines
        ],
        carrier=f.carrier,
        tracking_number=f.tracking_number,
        location_name=location.name,
    )


class FulfilmentController(Controller):
    path = "/api/v1/fulfilments"
    tags = ["fulfilments"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get("/", operation_id="listFulfilments", summary="My fulfilment queue, oldest deadline first")
    async def list(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        status: FulfilmentStatus | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[FulfilmentQueueOut]:
        stmt = fulfilment_queue.queue_select(actor(request), status)
        rows, total = await paginate(session, stmt, page=page, page_size=page_size)
        items = [await queue_out(session, f, loc) for f, loc in rows]
        return page_of(items, total, page=page, page_size=page_size)

    @get("/{fulfilment_id:int}", operation_id="getFulfilment", summary="One fulfilment")
    async def show(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id
    ) -> FulfilmentQueueOut:
        f, loc = await fulfilment_queue.find(session, actor(request), fulfilment_id)
        return await queue_out(session, f, loc)

    async def _done(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: int
    ) -> Response[FulfilmentQueueOut]:
        await session.commit()
        f, loc = await fulfilment_queue.find(session, actor(request), fulfilment_id)
        return Response(await queue_out(session, f, loc), status_code=200, background=after_commit(request))

    @post(
        "/{fulfilment_id:int}/accept",
        operation_id="acceptFulfilment",
        summary="Accept, rejecting some lines with a reason",
    )
    async def accept(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id, data: AcceptIn
    ) -> Response[FulfilmentQueueOut]:
        user = actor(request)
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        await fulfilments.accept(
            session,
            f,
            user,
            [(r.line_id, r.reason) for r in data.rejected],
            base_url=request.app.state.settings.base_url,
        )
        return await self._done(request, session, fulfilment_id)

    @post(
        "/{fulfilment_id:int}/reject",
        operation_id="rejectFulfilment",
        summary="Reject every line, with a reason",
    )
    async def reject(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id, data: RejectIn
    ) -> Response[FulfilmentQueueOut]:
        user = actor(request)
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        await fulfilments.reject(
            session, f, user, data.reason.strip(), base_url=request.app.state.settings.base_url
        )
        return await self._done(request, session, fulfilment_id)

    @post("/{fulfilment_id:int}/pack", operation_id="packFulfilment", summary="Packed, ready to ship")
    async def pack(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id
    ) -> Response[FulfilmentQueueOut]:
        user = actor(request)
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        await fulfilments.pack(session, f, user)
        return await self._done(request, session, fulfilment_id)

    @post(
        "/{fulfilment_id:int}/ship",
        operation_id="shipFulfilment",
        summary="Shipped with a carrier and tracking number",
    )
    async def ship(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id, data: ShipIn
    ) -> Response[FulfilmentQueueOut]:
        user = actor(request)
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        await fulfilments.ship(
            session,
            f,
            user,
            carrier=data.carrier.strip(),
            tracking_number=data.tracking_number.strip(),
            base_url=request.app.state.settings.base_url,
        )
        return await self._done(request, session, fulfilment_id)

    @post(
        "/{fulfilment_id:int}/deliver",
        operation_id="deliverFulfilment",
        summary="Delivered (and the cash collected, for COD)",
    )
    async def deliver(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id, data: DeliverIn
    ) -> Response[FulfilmentQueueOut]:
        user = actor(request)
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        await fulfilments.deliver(
            session,
            f,
            user,
            cash_collected_vnd=data.cash_collected_vnd,
            base_url=request.app.state.settings.base_url,
        )
        return await self._done(request, session, fulfilment_id)

    @post(
        "/{fulfilment_id:int}/reassign",
        operation_id="reassignFulfilment",
        summary="The office moves a fulfilment not yet accepted to another location with the stock",
        guards=[requires_admin],
    )
    async def reassign(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id, data: ReassignIn
    ) -> Response[FulfilmentQueueOut]:
        user = actor(request)
        f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
        target = await session.scalar(
            sa.select(Location).where(Location.code == data.location_code, Location.is_active.is_(True))
        )
        if target is None:
            raise InvalidInput(
                errors=[field_error("location_code", N_("No location {code}."), code=data.location_code)]
            )
        due = utcnow() + dt.timedelta(hours=request.app.state.settings.accept_within_hours)
        kept = await office.reassign(
            session,
            f,
            target,
            actor=user.username,
            reason=data.reason.strip(),
            due=due,
            on=today(),
            base_url=request.app.state.settings.base_url,
        )
        return await self._done(request, session, kept.id)
