"""The words for an order's states, events, parcel steps and e-invoices, in the reader's
language, made once per language: the order page named some fifty of them through the
template's ``_`` on every view (each a call through Jinja's context), most never shown.

The pages read them as ``order_labels()`` (a template global, see ``shop.app``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from shop import i18n
from shop.i18n import N_
from shop.orders.fulfilment_states import LABELS as FULFILMENT_LABELS

STATUSES = {
    "awaiting_payment": N_("Awaiting payment"),
    "placed": N_("Placed"),
    "paid": N_("Paid"),
    "expired": N_("Expired: not paid in time"),
    "cancelled": N_("Cancelled"),
}
EVENTS = {
    "placed": N_("Order placed"),
    "paid": N_("Payment received"),
    "payment_failed": N_("A payment attempt failed"),
    "expired": N_("Reservation expired"),
    "cancelled": N_("Order cancelled"),
    "refunded": N_("Refund made"),
    "reserved_again": N_("Products reserved again"),
}
# The order's progress as its page says it; the last two differ for a pickup.
PROGRESS = {
    "awaiting_payment": N_("Awaiting payment"),
    "expired": N_("Expired: not paid in time"),
    "cancelled": N_("Cancelled"),
    "waiting": N_("Waiting for the producers to accept"),
    "preparing": N_("Being prepared"),
    "shipped": N_("On its way"),
    "ready": N_("Ready to collect"),
    "partly_done": N_("Partly delivered"),
    "done": N_("Delivered"),
}
PICKUP_PROGRESS = PROGRESS | {"partly_done": N_("Partly collected"), "done": N_("Collected")}
# A parcel's steps: shipped to the customer; or, for a pickup, prepared at the sales point
# itself (ready, then collected) or sent there by the producer.
STEPS = {
    "ship": {
        "accepted": N_("Accepted"),
        "packed": N_("Packed"),
        "shipped": N_("Shipped"),
        "delivered": N_("Delivered"),
    },
    "at_point": {"accepted": N_("Accepted"), "packed": N_("Ready to collect"), "delivered": N_("Collected")},
    "to_point": {
        "accepted": N_("Accepted"),
        "packed": N_("Packed"),
        "shipped": N_("Sent to the sales point"),
        "delivered": N_("At the sales point"),
    },
}
INVOICE_STATUSES = {"pending": N_("Being issued"), "issued": N_("Issued"), "cancelled": N_("Cancelled")}


@dataclass(frozen=True)
class Labels:
    statuses: dict[str, str]
    fulfilment_statuses: dict[str, str]
    events: dict[str, str]
    progress: dict[str, str]
    pickup_progress: dict[str, str]
    steps: dict[str, dict[str, str]]
    invoice_statuses: dict[str, str]


@lru_cache(maxsize=len(i18n.LANGUAGES))
def in_language(language: str) -> Labels:
    def words(messages: dict[str, str]) -> dict[str, str]:
        return {key: i18n.translate_in(language, message) for key, message in messages.items()}

    return Labels(
        statuses=words(STATUSES),
        fulfilment_statuses=words({str(state): label for state, label in FULFILMENT_LABELS.items()}),
        events=words(EVENTS),
        progress=words(PROGRESS),
        pickup_progress=words(PICKUP_PROGRESS),
        steps={kind: words(steps) for kind, steps in STEPS.items()},
        invoice_statuses=words(INVOICE_STATUSES),
    )


def current() -> Labels:
    """The labels in the language of the request (or email) being rendered."""
    return in_language(i18n.current_language())
