"""What the customer's tracking page says of progress: each parcel's steps, the order's
overall state (it follows its parcels), and the carrier's own tracking page.

Pure functions over states, so the page, its tests and any later email read alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

from shop.orders.models import DeliveryMethod, FulfilmentStatus, OrderStatus
from shop.text import fold

S = FulfilmentStatus
STEPS = (S.accepted, S.packed, S.shipped, S.delivered)
CLOSED = (S.rejected, S.cancelled)

# The carriers' public tracking pages, by the name a cooperative types (folded). A page that
# takes no code in its address opens on its search form.
CARRIER_PAGES = {
    "ghn": "https://donhang.ghn.vn/?order_code={code}",
    "giao hang nhanh": "https://donhang.ghn.vn/?order_code={code}",
    "ghtk": "https://i.ghtk.vn/{code}",
    "giao hang tiet kiem": "https://i.ghtk.vn/{code}",
    "vnpost": "https://www.vnpost.vn/vi-vn/dinh-vi/buu-pham?key={code}",
    "vietnam post": "https://www.vnpost.vn/vi-vn/dinh-vi/buu-pham?key={code}",
    "j&t express": "https://jtexpress.vn/vi/tracking?type=track&billcode={code}",
    "j&t": "https://jtexpress.vn/vi/tracking?type=track&billcode={code}",
    "viettel post": "https://viettelpost.com.vn/tra-cuu-hanh-trinh-don/",
}


@dataclass(frozen=True)
class Step:
    status: str  # one of STEPS
    done: bool
    current: bool  # the last step done


@dataclass(frozen=True)
class Parcel:
    status: str
    at_pickup_point: bool  # prepared by the sales point the customer collects from

    @classmethod
    def prepared_at(cls, status: str, location_kind: str) -> Parcel:
        """A parcel of a fulfilment at a location of this kind: a pickup's parcels come from
        the chosen sales point, or from a producer's warehouse that sends them there."""
        return cls(status, location_kind != "producer")


def steps(parcel: Parcel) -> list[Step]:
    """A parcel's steps, those reached marked done (none for a rejected or cancelled one).

    A sales point preparing its own pickup sends nothing: its parcel has no "shipped" step
    (the state machine still passes through it, as "ready" like "packed")."""
    shown = [s for s in STEPS if not (parcel.at_pickup_point and s == S.shipped)]
    status = S(parcel.status)
    if parcel.at_pickup_point and status == S.shipped:
        status = S.packed
    reached = shown.index(status) if status in shown else -1
    return [Step(s.value, i <= reached, i == reached) for i, s in enumerate(shown)]


def _waiting_at_point(parcel: Parcel) -> bool:
    status = S(parcel.status)
    if parcel.at_pickup_point:
        return status in (S.packed, S.shipped)
    return status == S.delivered  # the producer delivered it to the sales point


def overall(order_status: str, delivery: str, parcels: Sequence[Parcel]) -> str:
    """The order's state as its parcels make it: ``awaiting_payment``, ``expired``,
    ``cancelled``, ``waiting`` (for the producers), ``preparing``, ``shipped``, ``partly_done``,
    ``ready`` (a pickup at the sales point, to collect) or ``done`` (delivered, or collected)."""
    if order_status in (OrderStatus.awaiting_payment, OrderStatus.expired, OrderStatus.cancelled):
        return order_status
    going = [p for p in parcels if S(p.status) not in CLOSED]
    if not going:
        return OrderStatus.cancelled.value
    reached = _collection(going) if delivery == DeliveryMethod.pickup else _shipping(going)
    if reached:
        return reached
    return "preparing" if any(S(p.status) != S.new for p in going) else "waiting"


def _collection(going: Sequence[Parcel]) -> str | None:
    """A pickup's state once some of it reached the sales point (None before)."""
    collected = [p.at_pickup_point and S(p.status) == S.delivered for p in going]
    if all(collected):
        return "done"
    if all(c or _waiting_at_point(p) for c, p in zip(collected, going, strict=True)):
        return "ready"
    return "partly_done" if any(collected) else None


def _shipping(going: Sequence[Parcel]) -> str | None:
    """A delivery's state once some of it left (None before)."""
    if all(S(p.status) == S.delivered for p in going):
        return "done"
    if any(S(p.status) == S.delivered for p in going):
        return "partly_done"
    return "shipped" if all(S(p.status) == S.shipped for p in going) else None


def carrier_link(carrier: str | None, tracking_number: str | None) -> str | None:
    """The carrier's page for this parcel, when the carrier is one we know."""
    if not carrier or not tracking_number:
        return None
    page = CARRIER_PAGES.get(fold(carrier))
    return page.format(code=quote(tracking_number.strip(), safe="")) if page else None
