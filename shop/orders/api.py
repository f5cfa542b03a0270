"""Checkout and order tracking under /api/v1 (public: the tracking token is the key)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.background_tasks import BackgroundTask, BackgroundTasks
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.errors import Conflict
from shop.i18n import N_, current_language
from shop.inventory.api import actor
from shop.mail import outbox
from shop.orders import checkout, fulfilments, refunds, views
from shop.orders.cart_schemas import CheckoutIn
from shop.orders.errors import PaymentUnavailable
from shop.orders.models import Order
from shop.orders.notices import tracking_url
from shop.orders.schemas import CancelLinesIn, OrderOut, TransferConfirmIn
from shop.payments import services as payments
from shop.payments.stripe_gateway import StripeUnavailable
from shop.settings import Settings

Token = Annotated[str | None, Parameter(max_length=64)]


def after_commit(request: Request[Any, Any, Any]) -> BackgroundTasks:
    """Refunds to Stripe, then the outbox: both after the answer, both retried by the jobs."""
    db, settings = request.app.state.db, request.app.state.settings
    return BackgroundTasks(
        [
            BackgroundTask(refunds.send_pending, db, settings),
            BackgroundTask(outbox.deliver_pending, db, settings),
        ]
    )


def send_mail(request: Request[Any, Any, Any]) -> BackgroundTask:
    """Deliver the outbox once the answer is sent (the emails were queued in the transaction)."""
    return BackgroundTask(outbox.deliver_pending, request.app.state.db, request.app.state.settings)


async def place_order(session: AsyncSession, settings: Settings, data: CheckoutIn) -> checkout.Placed:
    """Checkout, committed; a concurrent twin with the same key yields the twin's order."""
    try:
        placed = await checkout.place(
            session, settings, data, now=utcnow(), on=today(), language=current_language()
        )
        await session.commit()
    except IntegrityError:
        # PostgreSQL: a twin inserted the same idempotency key first; answer its order.
        await session.rollback()
        found = await checkout.by_key(session, data.idempotency_key)
        if found is None:
            raise
        if found.request_hash != checkout.request_hash(data):
            raise Conflict(
                N_("This idempotency key was already used for another checkout."),
                error_code="idempotency_key_reused",
            ) from None
        return checkout.Placed(found, created=False)
    return placed


async def start_payment(session: AsyncSession, settings: Settings, order: Order) -> Any:
    """Open the provider's payment (after the order's commit); 502 if the provider fails."""
    number, url = order.number, tracking_url(order, settings.base_url)
    try:
        instructions = await payments.start(session, settings, order)
        await session.commit()
    except StripeUnavailable as failure:
        await session.rollback()
        raise PaymentUnavailable(number, url) from failure
    return instructions


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
        order = await checkout.find(session, number, token)
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
        order = await checkout.find(session, number, token)
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
        order = await checkout.find(session, number, token)
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
        order = await checkout.find_by_number(session, number)
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
