"""What an invoice says, independent of any provider: the seller, the buyer, the lines.

Prices in the shop include VAT; each line is split here into its amount before tax and
its tax at the seller's rate, so that every provider receives the same figures and the
lines add up to the totals exactly (the tax is the difference, never rounded twice).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum


class PaymentKind(StrEnum):
    cash = "TM"  # tiền mặt
    transfer = "CK"  # chuyển khoản (bank transfer, card)
    mixed = "TM/CK"


@dataclass(frozen=True)
class Seller:
    name: str
    tax_code: str
    address: str
    template_code: str
    series: str
    vat_percent: int | None  # None: not subject to VAT


@dataclass(frozen=True)
class Buyer:
    """A buyer who asked for a named invoice; an empty one is an anonymous retail buyer."""

    name: str | None = None
    tax_code: str | None = None
    address: str | None = None
    email: str | None = None

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.tax_code)


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    unit: str
    quantity: int
    unit_price_vnd: int  # VAT included, as sold
    discount_vnd: int
    total_vnd: int  # VAT included, after the discount


def item_code(gtin: str | None, product_id: int) -> str:
    """An invoice line's item code: the barcode when the product has one, else our own id."""
    return gtin or f"SP{product_id}"


@dataclass(frozen=True)
class Original:
    """The issued invoice an adjustment corrects."""

    invoice_no: str
    template_code: str
    issued_at: dt.datetime


@dataclass(frozen=True)
class Draft:
    transaction_uuid: uuid.UUID
    seller: Seller
    issued_at: dt.datetime
    payment: PaymentKind
    lines: tuple[Line, ...]
    buyer: Buyer = field(default_factory=Buyer)
    original: Original | None = None  # set: an adjustment that lowers the original by these lines
    reason: str = ""

    @property
    def total_vnd(self) -> int:
        return sum(line.total_vnd for line in self.lines)


def split_tax(total_vnd: int, vat_percent: int | None) -> tuple[int, int]:
    """A VAT-inclusive amount as (before tax, tax), in whole đồng, adding up exactly."""
    if not vat_percent:
        return total_vnd, 0
    before = (total_vnd * 100 + (100 + vat_percent) // 2) // (100 + vat_percent)
    return before, total_vnd - before


@dataclass(frozen=True)
class Issued:
    """What the provider answered for an issued invoice."""

    invoice_no: str
    lookup_code: str | None
    issued_at: dt.datetime
    tax_authority_code: str | None = None
