"""A Stripe event as the webhook reads it: its shape checked before anything is done.

The signature proves who sent an event, not that it has the shape we read: a signed body
could be a JSON array, lack its id or data, carry an amount as text or an id longer than
``webhook_event.event_id``. Such an envelope is refused with a 400 and logged; an envelope
we can read whose object is malformed is stored and acknowledged as ignored (Stripe would
otherwise retry it for days), and logged for the office to look at.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec

# Far above any order in đồng, well inside the 64-bit columns amounts are kept in.
Amount = Annotated[int, msgspec.Meta(ge=0, le=1_000_000_000_000_000)]
ShortText = Annotated[str, msgspec.Meta(max_length=300)]


class EventData(msgspec.Struct):
    object: dict[str, Any]


class Envelope(msgspec.Struct):
    """What every event has: its id (``webhook_event.event_id``), its type, its object."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    type: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    data: EventData


class PaymentError(msgspec.Struct):
    message: ShortText | None = None


class EventObject(msgspec.Struct):
    """The fields of a Checkout Session, payment intent or charge the webhook reads (Stripe
    sends many more, ignored). ``payment_intent`` is an id, or the intent when expanded."""

    id: ShortText | None = None
    object: ShortText | None = None
    payment_intent: ShortText | dict[str, Any] | None = None
    payment_status: ShortText | None = None
    amount_total: Amount | None = None
    amount_refunded: Amount | None = None
    currency: ShortText | None = None
    metadata: dict[str, str] | None = None
    client_reference_id: ShortText | None = None
    last_payment_error: PaymentError | None = None

    @property
    def intent_id(self) -> str | None:
        """The payment intent's id: the object's own for an intent, else the one it names."""
        if self.object == "payment_intent":
            return self.id
        return self.payment_intent if isinstance(self.payment_intent, str) else None

    @property
    def order_number(self) -> str | None:
        return (self.metadata or {}).get("order_number") or self.client_reference_id


def envelope(payload: bytes) -> Envelope:
    """The event's envelope; raises ``msgspec.DecodeError`` or ``ValidationError`` (both
    ``msgspec.MsgspecError``) for a body of another shape."""
    return msgspec.json.decode(payload, type=Envelope)


def event_object(event: Envelope) -> EventObject:
    """The event's object; raises ``msgspec.ValidationError`` when a field we read is malformed."""
    return msgspec.convert(event.data.object, EventObject)
