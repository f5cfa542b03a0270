"""Our references in a transfer's text, as VietQR put them there and the bank gave them back.

The codes carry an online order's number (``OC000123``) or a till sale's reference, the sales
point's code and the first 8 hex digits of the sale's id (``SP-BACKAN 1A2B3C4D``), in both
cases as :func:`shop.till.vietqr.purpose` writes it (plain ASCII, upper case, 25 characters at
most). Banks give the text back in their own way: lower case, with their own prefix and
suffix ("MBVCB.3278.SP-BACKAN 1A2B3C4D.CT tu…"), sometimes with spaces or dashes dropped. So
the search ignores case and accents and lets one separator go missing anywhere in a reference.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from shop.text import fold
from shop.till import vietqr

ORDER = re.compile(r"OC[^A-Z0-9]?(\d{6,})(?!\d)")
GAP = "[^A-Z0-9]?"
# Fewer hex digits than this after a long location code would name too many sales.
MIN_SALE_DIGITS = 6
SALE_DIGITS = 8


@dataclass(frozen=True)
class Found:
    """A reference found: ``text`` as our code wrote it (what credits are filed under)."""

    text: str
    order_number: str | None = None
    location_id: int | None = None
    sale_prefix: str | None = None  # the first hex digits of the sale's id, upper case


def _prefix(code: str) -> tuple[str, int]:
    """The location code as a till reference starts, and how many hex digits follow it."""
    start = vietqr.purpose(code)
    return start, max(0, min(SALE_DIGITS, 25 - len(start) - 1))


def sale_reference(location_code: str, client_id: uuid.UUID) -> str:
    """The reference the till puts in a sale's VietQR code (till.js: ``reference()``)."""
    return vietqr.purpose(f"{location_code} {str(client_id)[:SALE_DIGITS].upper()}")


def _sale_pattern(code: str) -> re.Pattern[str] | None:
    start, digits = _prefix(code)
    letters = re.sub(r"[^A-Z0-9]", "", start)
    if digits < MIN_SALE_DIGITS or not letters:
        return None
    return re.compile(GAP.join(re.escape(ch) for ch in letters) + GAP + f"([0-9A-F]{{{digits}}})")


def find(texts: Iterable[str | None], locations: Iterable[tuple[int, str]]) -> Found | None:
    """The first reference in ``texts`` (the payment code a source recognised first, then the
    transfer's text): an order number, else a sale of one of ``locations`` (id, code); of two
    locations whose codes both fit, the longer code wins."""
    sales = [(i, code, p) for i, code in locations if (p := _sale_pattern(code))]
    sales.sort(key=lambda item: -len(item[1]))
    for raw in texts:
        text = fold(raw).upper()
        if not text:
            continue
        if order := ORDER.search(text):
            return Found(f"OC{order.group(1)}", order_number=f"OC{order.group(1)}")
        for location_id, code, pattern in sales:
            if sale := pattern.search(text):
                prefix = sale.group(1)
                reference = vietqr.purpose(f"{code} {prefix}")
                return Found(reference, location_id=location_id, sale_prefix=prefix)
    return None


def id_range(prefix: str) -> tuple[uuid.UUID, uuid.UUID]:
    """The ids whose first hex digits are ``prefix``: a range the unique index answers."""
    low, high = prefix.lower().ljust(32, "0"), prefix.lower().ljust(32, "f")
    return uuid.UUID(low), uuid.UUID(high)
