"""What every sales-point page shares: who is asking, the page frame, the success messages
and the translated names of the stock vocabularies."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import MediaType, Request
from litestar.response import Redirect, Template

from shop.accounts.guards import actor
from shop.accounts.models import Role
from shop.i18n import N_, _
from shop.inventory import access
from shop.inventory.models import Location, LocationKind
from shop.inventory.pages.forms import product_label

# ``?done=`` after a write (POST → redirect → GET) names one of these messages.
DONE = {
    "received": N_("Goods received."),
    "transfer_created": N_("Transfer saved as a draft."),
    "transfer_sent": N_("Transfer sent: the goods are in transit."),
    "transfer_cancelled": N_("Transfer cancelled."),
    "transfer_received": N_("Transfer received into stock."),
    "count_started": N_("Stock count started."),
    "count_saved": N_("Counted quantities saved."),
    "count_posted": N_("Stock count posted: the stock is adjusted."),
    "count_cancelled": N_("Stock count cancelled."),
    "written_off": N_("Goods written off."),
    "thresholds": N_("Low-stock thresholds saved."),
    "sent_back": N_("The goods are on their way back."),
    "returned": N_("Goods returned to their producer."),
    "shift_opened": N_("Shift opened."),
    "shift_closed": N_("Shift closed: here is its Z-report."),
    "customer_return": N_("Return recorded; refund as shown."),
}


def new_client_id() -> str:
    """A fresh id for a form: submitting it twice makes one document."""
    return str(uuid.uuid4())


def done(code: str, path: str) -> Redirect:
    """After a write: see the result (POST → redirect → GET) with its success message."""
    return Redirect(path=f"{path}{'&' if '?' in path else '?'}done={code}", status_code=303)


def labels() -> dict[str, dict[str, str]]:
    """The stock vocabularies in the request's language."""
    return {
        "movement": {
            "receipt": _("Received"),
            "transfer_out": _("Transferred out"),
            "transfer_in": _("Transferred in"),
            "sale": _("Till sale"),
            "online_sale": _("Online sale"),
            "customer_return": _("Customer return"),
            "producer_return": _("Returned to producer"),
            "count_adjustment": _("Count adjustment"),
            "write_off": _("Written off"),
            "reservation": _("Reserved"),
            "release": _("Reservation released"),
            "unrecorded_stock": _("Unrecorded stock"),
        },
        "payment": {"cash": _("Cash"), "bank_transfer": _("Bank transfer"), "card": _("Card")},
        "shift": {"open": _("Open"), "closed": _("Closed")},
        "ownership": {"owned": _("Owned"), "consigned": _("Consigned")},
        "receipt": {"purchase": _("Purchase"), "consignment": _("Consignment")},
        "transfer": {
            "draft": _("Draft"),
            "sent": _("In transit"),
            "received": _("Received"),
            "cancelled": _("Cancelled"),
        },
        "count": {"open": _("Open"), "posted": _("Posted"), "cancelled": _("Cancelled")},
        "count_scope": {"full": _("Full count"), "partial": _("Partial count")},
        "reason": {"damaged": _("Damaged"), "expired": _("Expired"), "lost": _("Lost"), "other": _("Other")},
        "location": {"sales_point": _("Sales point"), "fair": _("Trade fair"), "producer": _("Warehouse")},
    }


def render(
    request: Request[Any, Any, Any],
    template: str,
    location: Location | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A /pos/ page: the location's menu, the success message of ``?done=``, the labels."""
    user = actor(request)
    message = DONE.get(request.query_params.get("done", ""))
    context |= {
        "location": location,
        "can_change": location is not None and access.can_change(user, location),
        "is_fair": location is not None and location.kind is LocationKind.fair,
        "is_manager": user.role in (Role.admin, Role.manager),
        "done": _(message) if message else None,
        "labels": labels(),
        "product_label": product_label,
    }
    return Template(
        template_name=template, context=context, status_code=status_code, media_type=MediaType.HTML
    )
