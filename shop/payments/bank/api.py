"""Bank transfers under /api/v1: SePay's webhook, the office's list and decisions, and the
till's question "has the money for this code arrived?".

The webhook is authenticated by SePay's API key or signature (``OCOP_SEPAY_API_KEY``,
``OCOP_SEPAY_WEBHOOK_SECRET``); a credit and all it pays commit together, once per SePay
transaction id: a retry or a duplicate answers ``{"success": true}`` with 200 and changes
nothing, a new credit 201. A body SePay would not send is a 400 problem, a missing or wrong
key or signature a 401, a webhook not configured here a 503.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.catalog.sellability import today
from shop.errors import BadRequest, DomainError, Unauthenticated
from shop.i18n import N_
from shop.inventory import access
from shop.orders.placing import send_mail
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of, paginate_scalars
from shop.params import Id
from shop.payments.bank import intake, office, sepay, services, views
from shop.payments.bank.schemas import AttachIn, BankTransferOut, DismissIn, SePayAnswer, TransferStatusOut
from shop.settings import Settings

log = logging.getLogger("shop")

View = Literal["to_resolve", "matched", "resolved", "all"]


class NotificationsNotConfigured(DomainError):
    status_code = 503
    code = "webhook_not_configured"
    title = N_("Bank transfer notifications are not configured here.")


class SePayWebhookController(Controller):
    path = "/api/v1/payments/sepay"
    tags = ["payments"]

    @post(
        "/webhook",
        operation_id="sepayWebhook",
        summary="SePay's notification of a bank transfer (API key or signature; once per id)",
        opt={"problems": (503,)},  # no API key and no secret configured here
        responses={
            200: ResponseSpec(SePayAnswer, description="A duplicate, or money going out: nothing done")
        },
    )
    async def webhook(self, request: Request[Any, Any, Any], session: AsyncSession) -> Response[SePayAnswer]:
        settings: Settings = request.app.state.settings
        if not (settings.sepay_api_key or settings.sepay_webhook_secret):
            raise NotificationsNotConfigured()
        body = await request.body()
        if not sepay.authentic(
            request.headers, body, api_key=settings.sepay_api_key, secret=settings.sepay_webhook_secret
        ):
            raise Unauthenticated(
                N_("The notification's API key or signature is not valid."), error_code="bad_credentials"
            )
        try:
            credit = sepay.parse(body)
        except sepay.Malformed as malformed:
            log.warning("SePay notification refused, malformed: %s", malformed)
            raise BadRequest(
                N_("The notification does not have the shape of a SePay transaction."),
                errors=[{"field": "body", "message": str(malformed)[:300]}],
                error_code="malformed_notification",
            ) from None
        if credit is None:
            return Response(SePayAnswer(success=True), status_code=200)  # money out: not ours to match
        row = await intake.receive(session, settings, credit, on=today())
        if row is None:
            return Response(SePayAnswer(success=True), status_code=200)  # told before: nothing again
        log.info("SePay transaction %s: %s %s", credit.transaction_id, row.status.value, row.outcome)
        await session.commit()
        return Response(SePayAnswer(success=True), status_code=201, background=send_mail(request))


class BankTransferController(Controller):
    """The office's list of transfers received, and what it decides of those left unmatched."""

    path = "/api/v1/bank-transfers"
    tags = ["payments"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listBankTransfers", summary="Transfers received, newest first")
    async def listing(
        self,
        session: AsyncSession,
        view: Annotated[View, Parameter(description="to_resolve: waiting for the office")] = "to_resolve",
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[BankTransferOut]:
        rows, total = await paginate_scalars(
            session, views.listing_select(view), page=page, page_size=page_size
        )
        return page_of(await views.outs(session, rows), total, page=page, page_size=page_size)

    @get("/{credit_id:int}", operation_id="getBankTransfer", summary="One transfer received")
    async def one(self, session: AsyncSession, credit_id: Id) -> BankTransferOut:
        (out,) = await views.outs(session, [await office.find_credit(session, credit_id)])
        return out

    @post(
        "/{credit_id:int}/attach",
        operation_id="attachBankTransfer",
        summary="Say which order or till sale an unmatched transfer paid",
        status_code=200,
    )
    async def attach(
        self, request: Request[Any, Any, Any], session: AsyncSession, credit_id: Id, data: AttachIn
    ) -> Response[BankTransferOut]:
        row = await office.attach(
            session,
            request.app.state.settings,
            credit_id,
            order_number=data.order_number,
            receipt=data.receipt,
            by=actor(request).username,
            note=data.note,
            on=today(),
        )
        (out,) = await views.outs(session, [row])
        await session.commit()
        return Response(out, background=send_mail(request))

    @post(
        "/{credit_id:int}/dismiss",
        operation_id="dismissBankTransfer",
        summary="Set an unmatched transfer aside, saying why",
        status_code=200,
    )
    async def dismiss(
        self, request: Request[Any, Any, Any], session: AsyncSession, credit_id: Id, data: DismissIn
    ) -> BankTransferOut:
        row = await office.dismiss(session, credit_id, by=actor(request).username, note=data.note)
        (out,) = await views.outs(session, [row])
        await session.commit()
        return out


class TillTransferController(Controller):
    """The till, while it shows a VietQR code, asks whether the transfer has arrived."""

    path = "/api/v1/sales-points/{code:str}"
    tags = ["till"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get(
        "/transfer-status",
        operation_id="getTransferStatus",
        summary="What arrived by transfer under a till's VietQR reference",
    )
    async def transfer_status(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        reference: Annotated[str, Parameter(min_length=1, max_length=60)],
        amount: Annotated[int | None, Parameter(ge=1, le=10_000_000_000)] = None,
    ) -> TransferStatusOut:
        location = await access.location(session, actor(request), code, change=True)
        status = await services.transfer_status(session, location, reference, amount)
        return TransferStatusOut(
            reference=status.reference,
            received_vnd=status.received_vnd,
            transfers=status.transfers,
            state=status.state,
        )
