"""The refusals a buyer can meet at checkout, with the words they are shown."""

from __future__ import annotations

from shop.errors import Conflict, DomainError
from shop.i18n import N_


class SoldOut(Conflict):
    """Fewer units left than the customer wants; nothing was reserved."""

    code = "sold_out"
    title = N_("Sold out.")

    def __init__(self, product_id: int, name: str, available: int) -> None:
        if available:
            super().__init__(
                N_("Only {available} of {product} left."),
                errors=[{"field": "lines", "product_id": product_id, "available": available}],
                product=name,
                available=available,
            )
        else:
            super().__init__(
                N_("{product} is sold out."),
                errors=[{"field": "lines", "product_id": product_id, "available": 0}],
                product=name,
            )
        self.product_id, self.name, self.available = product_id, name, available


class PaymentUnavailable(DomainError):
    """The order is placed and its stock held, but the payment page could not be opened."""

    status_code = 502
    code = "payment_unavailable"
    title = N_("Your order {number} is reserved, but the card payment could not start. Please try again.")

    def __init__(self, number: str, tracking_url: str) -> None:
        super().__init__(
            self.title,
            errors=[{"field": "payment", "order": number, "tracking_url": tracking_url}],
            number=number,
        )
