"""The states a fulfilment goes through and the words for them: the transitions that exist
(``NEXT``), the finished states (``DONE``), each state's label and the 409 for a transition
that does not exist. Apart from the queue (``fulfilment_queue.py``) and the changes
(``fulfilments.py``), which both name states, so that neither has to import the other for them.
"""

from __future__ import annotations

from shop.errors import Conflict
from shop.i18n import N_, gettext
from shop.orders.models import FulfilmentStatus

S = FulfilmentStatus
NEXT: dict[FulfilmentStatus, tuple[FulfilmentStatus, ...]] = {
    S.new: (S.accepted, S.rejected, S.cancelled),
    S.accepted: (S.packed, S.shipped),
    S.packed: (S.shipped,),
    S.shipped: (S.delivered,),
    S.delivered: (),
    S.rejected: (),
    S.cancelled: (),
}


# The words a person reads for each state (the same msgids as orders/_labels.html).
LABELS: dict[FulfilmentStatus, str] = {
    S.new: N_("Waiting for the producer"),
    S.accepted: N_("Accepted"),
    S.packed: N_("Packed"),
    S.shipped: N_("Shipped"),
    S.delivered: N_("Delivered"),
    S.rejected: N_("Rejected"),
    S.cancelled: N_("Cancelled"),
}


class _Named:
    """States named in the reader's language when the message is rendered (the API keeps
    the codes in ``errors``; a person never reads ``accepted`` or ``new``)."""

    def __init__(self, *states: FulfilmentStatus) -> None:
        self.states = states

    def __str__(self) -> str:
        return ", ".join(f"“{gettext(LABELS[s])}”" for s in self.states)


def named(*states: FulfilmentStatus) -> _Named:
    """States for a message's parameter, named in the language it is rendered in."""
    return _Named(*states)


class IllegalTransition(Conflict):
    code = "illegal_transition"

    def __init__(self, current: FulfilmentStatus, wanted: FulfilmentStatus) -> None:
        allowed = NEXT[current]
        message = (
            N_("This parcel is {current}: it cannot be marked {wanted} now, only {allowed}.")
            if allowed
            else N_("This parcel is {current}: nothing more can be done with it.")
        )
        super().__init__(
            message,
            errors=[{"field": "status", "current": current.value, "allowed": [s.value for s in allowed]}],
            current=named(current),
            wanted=named(wanted),
            allowed=named(*allowed),
        )


DONE = (S.delivered, S.rejected, S.cancelled)
