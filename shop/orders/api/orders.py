"""Checkout and order tracking under /api/v1 (public: the tracking token is the key)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin
from shop.catalog.sellability import today
from shop.orders import fulfilments, lookup, views
from shop.orders.cart_schemas import CheckoutIn
from shop.orders.placing import after_commit, place_order, send_mail, start_payment
from shop.orders.schemas import CancelLinesIn, OrderOut, TransferConfirmIn
from shop.payments import services as payments
from shop.settings import Settings

Token = Annotated[str | None, Parameter(max_length=64)]


class CheckoutController(Controller):
    path = "/api/v1/checkout"
    tags = ["storefront"]

    @post(
        "/",
        operation_id="checkout",
        summary="Turn a cart into an order (idempotent by its key); card orders get a payment_url",
        opt={"problems": (502,)},  # the order is kept when the card provider fails
        responses={200: ResponseSpec(OrderOut, description="The order this key already placed")},
    )
    async def checkout(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: CheckoutIn
    ) -> Response[OrderOut]:
        settings: Settings = request.app.state.settings
        placed = await place_order(session, settings, data)
        instructions = await start_payment(session, settings, placed.order)
        out = await views.order_out(session, settings, placed.order, instructions)
        return Response(out, status_code=201 if placed.created else 200, background=send_mail(request))


class OrderController(Controller):
    path = "/api/v1/orders"
    tags = ["storefront"]

    @get(
        "/{number:str}",
        operation_id="trackOrder",
        summary="An order and each fulfilment's state (by its link token)",
    )
    async def track(
        self, request: Request[Any, Any, Any], session: AsyncSession, number: str, token: Token = None
    ) -> OrderOut:
        settings: Settings = request.app.state.settings
        order = await lookup.find(session, number, token)
        instructions = None
        if order.payment_method.value == "bank_transfer":
            instructions = await payments.start(session, settings, order)
        return await views.order_out(session, settings, order, instructions)

    @post(
        "/{number:str}/pay",
        operation_id="payOrder",
        summary="The payment page again (card orders awaiting payment)",
        opt={"problems": (502,)},
        status_code=200,
    )
    async def pay(
        self, request: Request[Any, Any, Any], session: AsyncSession, number: str, token: Token = None
    ) -> OrderOut:
        settings: Settings = request.app.state.settings
        order = await lookup.find(session, number, token)
        instructions = await start_payment(session, settings, order)
        return await views.order_out(session, settings, order, instructions)

    @post(
        "/{number:str}/cancel",
        operation_id="cancelOrderLines",
        summary="The customer cancels lines not yet accepted (stock back, money back)",
        status_code=200,
    )
    async def cancel_lines(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        number: str,
        data: CancelLinesIn,
        token: Token = None,
    ) -> Response[OrderOut]:
        settings: Settings = request.app.state.settings
        order = await lookup.find(session, number, token)
        await fulfilments.cancel_lines(session, order, data.line_ids, base_url=settings.base_url)
        await session.commit()
        out = await views.order_out(session, settings, order)
        return Response(out, background=after_commit(request))

    @post(
        "/{number:str}/transfer-received",
        operation_id="confirmTransfer",
        summary="The office saw the bank transfer arrive",
        guards=[requires_admin],
        security=[{"bearer": []}],
        status_code=200,
    )
    async def transfer_received(
        self, request: Request[Any, Any, Any], session: AsyncSession, number: str, data: TransferConfirmIn
    ) -> Response[OrderOut]:
        settings: Settings = request.app.state.settings
        order = await lookup.find_by_number(session, number)
        await payments.confirm_transfer(
            session,
            settings,
            order,
            amount_vnd=data.amount_vnd,
            by=actor(request).username,
            on=today(),
            reference=data.bank_reference.strip() if data.bank_reference else None,
        )
        await session.commit()
        out = await views.order_out(session, settings, order)
        return Response(out, background=send_mail(request))
