"""Stripe's webhook: signature verified, each event id processed once, in one transaction.

A bad signature is a 400 and changes nothing, as does a signed body of another shape (logged).
A replayed event answers 200 (Stripe stops retrying) without doing anything again. An event
and its effects commit together: if the handling fails, nothing is stored, Stripe retries,
and the retry is processed afresh.
"""

from __future__ import annotations

import logging
from typing import Any

import msgspec
import sqlalchemy as sa
from litestar import Controller, Request, Response, post
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.errors import BadRequest, DomainError
from shop.i18n import N_
from shop.orders.placing import send_mail
from shop.payments import services, stripe_events, stripe_gateway
from shop.payments.models import Provider, WebhookEvent
from shop.settings import Settings

log = logging.getLogger("shop")


class WebhookNotConfigured(DomainError):
    status_code = 503
    code = "webhook_not_configured"
    title = N_("Card payments are not configured here.")


def _envelope(payload: bytes) -> stripe_events.Envelope:
    """The signed event's envelope, or a 400 (logged) when it has another shape."""
    try:
        return stripe_events.envelope(payload)
    except msgspec.MsgspecError as malformed:
        log.warning("signed Stripe event refused, malformed: %s", malformed)
        raise BadRequest(
            N_("The event does not have the shape of a Stripe event."), error_code="malformed_event"
        ) from malformed


class StripeWebhookController(Controller):
    path = "/api/v1/payments/stripe"
    tags = ["payments"]

    @post(
        "/webhook",
        operation_id="stripeWebhook",
        summary="Stripe events (signed; each processed once)",
        opt={"problems": (503,)},  # no webhook secret configured here
        status_code=200,
    )
    async def webhook(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Response[dict[str, Any]]:
        settings: Settings = request.app.state.settings
        if not settings.stripe_webhook_secret:
            raise WebhookNotConfigured()
        payload = await request.body()
        try:
            stripe_gateway.verify_signature(settings, payload, request.headers.get("stripe-signature"))
        except stripe_gateway.BadSignature as bad:
            raise BadRequest(N_("The webhook's signature is not valid."), error_code="bad_signature") from bad
        event = _envelope(payload)
        stored = await services.remember_event(session, Provider.stripe, event.id, event.type)
        if stored is None:
            return Response({"received": True, "duplicate": True})
        try:
            obj = stripe_events.event_object(event)
        except msgspec.ValidationError as malformed:
            log.warning("Stripe event %s (%s) ignored, malformed: %s", event.id, event.type, malformed)
            outcome = f"malformed, ignored: {malformed}"
        else:
            outcome = await services.handle_stripe_event(session, settings, event, obj, on=today())
        await session.execute(
            sa.update(WebhookEvent).where(WebhookEvent.id == stored).values(outcome=outcome[:300])
        )
        await session.commit()
        return Response({"received": True, "outcome": outcome}, background=send_mail(request))
