"""Every call to Stripe, through the official SDK: nowhere else in the code talks to Stripe.

The API base comes from ``OCOP_STRIPE_API_BASE`` (a local Stripe-compatible server in the
tests). Each call carries an idempotency key derived from what it is about (the order
number, the refund's reason), so a retry after a timeout can never charge or refund twice.
Amounts are đồng: VND is a zero-decimal currency for Stripe, so 150 000 ₫ is ``150000``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shop.settings import Settings

if TYPE_CHECKING:  # the SDK is imported where a call is made: about 30 MiB a worker may never need
    import stripe

CURRENCY = "vnd"
# Stripe Checkout lives at least 30 minutes and at most 24 hours.
MIN_SESSION_LIFE = dt.timedelta(minutes=31)
MAX_SESSION_LIFE = dt.timedelta(hours=23)
# Our language codes → Stripe Checkout's locales.
LOCALES = {"vi": "vi", "en": "en", "ko": "ko", "zh_Hans": "zh", "ja": "ja", "fr": "fr"}


class StripeUnavailable(Exception):
    """Stripe could not be reached or refused the call; nothing was charged."""


class StripeRefused(StripeUnavailable):
    """Stripe answered that this call can never succeed (a 4xx other than rate limiting):
    retrying is pointless; a person must look."""


@dataclass(frozen=True)
class LineItem:
    name: str
    unit_amount_vnd: int
    quantity: int


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str | None
    status: str
    payment_status: str
    amount_total: int | None
    currency: str | None
    payment_intent: str | None


def enabled(settings: Settings) -> bool:
    return bool(settings.stripe_secret_key)


@asynccontextmanager
async def _client(settings: Settings) -> AsyncIterator[stripe.StripeClient]:
    if not settings.stripe_secret_key:
        raise StripeUnavailable("card payments are not configured")
    import stripe  # imported here: the SDK costs a worker about 30 MiB, and card payments may be off

    http = stripe.HTTPXClient(timeout=20)
    client = stripe.StripeClient(
        settings.stripe_secret_key,
        base_addresses={"api": settings.stripe_api_base},
        http_client=http,
        max_network_retries=2,  # safe: every call has an idempotency key
    )
    try:
        yield client
    except stripe.StripeError as error:
        status = error.http_status or 0
        final = 400 <= status < 500 and not isinstance(error, stripe.RateLimitError)
        raise (StripeRefused if final else StripeUnavailable)(str(error.user_message or error)) from error
    finally:
        await http.close_async()  # type: ignore[no-untyped-call]  # the SDK leaves it untyped


def _session_out(resource: Any) -> CheckoutSession:
    obj = resource.to_dict()
    intent = obj.get("payment_intent")
    return CheckoutSession(
        id=obj["id"],
        url=obj.get("url"),
        status=obj.get("status") or "open",
        payment_status=obj.get("payment_status") or "unpaid",
        amount_total=obj.get("amount_total"),
        currency=obj.get("currency"),
        payment_intent=intent if isinstance(intent, str) or intent is None else intent["id"],
    )


def session_expiry(created_at: dt.datetime, hold_until: dt.datetime | None) -> int:
    """When the Checkout Session expires: a minute after our hold, within Stripe's limits.

    Computed from the order alone, so a retried call sends the very same parameters."""
    wanted = (hold_until or created_at) + dt.timedelta(minutes=1)
    wanted = min(max(wanted, created_at + MIN_SESSION_LIFE), created_at + MAX_SESSION_LIFE)
    return int(wanted.timestamp())


async def create_checkout_session(
    settings: Settings,
    *,
    order_number: str,
    order_key: str,
    email: str,
    language: str,
    items: Sequence[LineItem],
    success_url: str,
    cancel_url: str,
    expires_at: int,
) -> CheckoutSession:
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": item.unit_amount_vnd,
                    "product_data": {"name": item.name},
                },
                "quantity": item.quantity,
            }
            for item in items
        ],
        "client_reference_id": order_number,
        "customer_email": email,
        "metadata": {"order_number": order_number},
        "payment_intent_data": {"metadata": {"order_number": order_number}},
        "locale": LOCALES.get(language, "auto"),
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": expires_at,
    }
    async with _client(settings) as client:
        created = await client.v1.checkout.sessions.create_async(
            params,  # type: ignore[arg-type]  # the SDK's TypedDicts; Stripe validates the rest
            options={"idempotency_key": f"ocop-checkout-{order_key}"},
        )
    return _session_out(created)


async def expire_checkout_session(settings: Settings, session_id: str) -> CheckoutSession:
    """Close a session nobody paid, so a late payment cannot arrive after the stock went back."""
    async with _client(settings) as client:
        expired = await client.v1.checkout.sessions.expire_async(
            session_id, options={"idempotency_key": f"ocop-expire-{session_id}"}
        )
    return _session_out(expired)


async def refund(settings: Settings, *, payment_intent: str, amount_vnd: int, key: str) -> str:
    """A (partial) refund of a payment; ``key`` names what it refunds, so it happens once.
    The payment's id is part of the idempotency key: line ids restart in a fresh database
    (staging, tests), the Stripe account does not."""
    async with _client(settings) as client:
        created = await client.v1.refunds.create_async(
            {"payment_intent": payment_intent, "amount": amount_vnd},
            options={"idempotency_key": f"ocop-refund-{payment_intent}-{key}"},
        )
    return str(created.id)


class BadSignature(ValueError):
    """A webhook body not signed with our webhook secret, recently (or not UTF-8)."""


def verify_signature(settings: Settings, payload: bytes, signature: str | None) -> None:
    """Raises ``BadSignature`` unless the body is signed with our webhook secret, recently.
    The body's shape is checked afterwards (``stripe_events``): the SDK's own parsing fails
    on a signed array."""
    if not settings.stripe_webhook_secret:
        raise BadSignature("no webhook secret")
    import stripe  # imported here: the SDK costs a worker about 30 MiB, and card payments may be off

    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"),
            signature or "",
            settings.stripe_webhook_secret,
            tolerance=stripe.Webhook.DEFAULT_TOLERANCE,  # an old signed body replayed is refused
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as bad:
        raise BadSignature(str(bad)) from bad
