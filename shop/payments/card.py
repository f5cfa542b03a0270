"""Card payment through Stripe Checkout: a hosted page in VND, confirmed by the webhook."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import product_cards
from shop.db_types import utcnow
from shop.i18n import translate_in
from shop.orders.models import Order, OrderLine, PaymentMethod
from shop.orders.notices import tracking_url
from shop.payments import stripe_gateway
from shop.payments.models import Payment, PaymentStatus, Provider
from shop.payments.providers import Instructions, open_payment
from shop.settings import Settings


class StripeCard:
    method = PaymentMethod.card

    def offered(self, settings: Settings) -> bool:
        return stripe_gateway.enabled(settings)

    def hold_minutes(self, settings: Settings) -> int | None:
        return settings.card_hold_minutes

    def minimum_vnd(self, settings: Settings) -> int:
        return settings.stripe_minimum_vnd

    async def open(self, session: AsyncSession, order: Order) -> Payment:
        return await open_payment(session, order, Provider.stripe)

    async def start(
        self, session: AsyncSession, settings: Settings, order: Order, payment: Payment
    ) -> Instructions:
        """The Checkout Session's page; created once (Stripe replays the same idempotent call)."""
        if payment.redirect_url and payment.status in (PaymentStatus.pending, PaymentStatus.failed):
            return Instructions(redirect_url=payment.redirect_url)
        lines = list(await session.scalars(sa.select(OrderLine).where(OrderLine.order_id == order.id)))
        # Stripe's page shows the names in the customer's language.
        names = await product_cards.translated_names(session, [ln.product_id for ln in lines], order.language)
        items = [
            stripe_gateway.LineItem(names.get(ln.product_id, ln.name), ln.unit_price_vnd, ln.quantity)
            for ln in lines
        ]
        if order.shipping_vnd:
            shipping = translate_in(order.language, "Shipping")
            items.append(stripe_gateway.LineItem(shipping, order.shipping_vnd, 1))
        url = tracking_url(order, settings.base_url)
        # End the transaction before the HTTP call: waiting on Stripe must not hold SQLite's
        # write lock, nor leave a PostgreSQL connection idle in a transaction. Nothing was
        # written yet; what is read above stays usable (sessions do not expire on commit).
        await session.commit()
        created = await stripe_gateway.create_checkout_session(
            settings,
            order_number=order.number,
            # The number and a piece of the secret token: unique even across databases
            # sharing one Stripe account (a demo reset, a staging copy).
            order_key=f"{order.number}-{order.token[:10]}",
            email=order.contact_email,
            language=order.language,
            items=items,
            success_url=url + "&paid=1",
            cancel_url=url,
            expires_at=stripe_gateway.session_expiry(order.created_at, order.expires_at),
        )
        payment.external_id, payment.redirect_url = created.id, created.url
        payment.intent_id = created.payment_intent
        payment.updated_at = utcnow()
        await session.flush()
        return Instructions(redirect_url=created.url)
