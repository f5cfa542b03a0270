"""The ways to pay this shop offers, in the order the checkout shows them.

Each provider implements ``providers.PaymentProvider`` in a module of its own; adding MoMo or
VNPay is one more module and one more entry here (``app.py`` registers the list at start).
"""

from __future__ import annotations

from shop.payments.card import StripeCard
from shop.payments.cash import CashOnDelivery
from shop.payments.providers import PaymentProvider
from shop.payments.transfer import VietQrTransfer

ALL: tuple[PaymentProvider, ...] = (StripeCard(), VietQrTransfer(), CashOnDelivery())
