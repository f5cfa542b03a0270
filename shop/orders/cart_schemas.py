"""Request and response shapes of the cart and the checkout."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

import msgspec

from shop.catalog.schemas import ProductSummary

Quantity = Annotated[int, msgspec.Meta(ge=1, le=99)]
ProductId = Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]  # the database's integer range


class CartLineIn(msgspec.Struct, forbid_unknown_fields=True):
    product_id: ProductId
    quantity: Quantity = 1


class CartLinePatch(msgspec.Struct, forbid_unknown_fields=True):
    quantity: Annotated[int, msgspec.Meta(ge=0, le=99)]  # 0 removes the line


class CartLineOut(msgspec.Struct):
    product: ProductSummary
    quantity: int
    available: int  # what this line may grow to now
    line_total_vnd: int
    problem: str | None  # why the line cannot be bought as it is (sold out, no longer certified)


class CartOut(msgspec.Struct):
    id: uuid.UUID
    lines: list[CartLineOut]
    item_count: int
    subtotal_vnd: int
    ordered: bool  # the cart became an order and is closed


class ContactIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    email: Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
    phone: Annotated[str, msgspec.Meta(min_length=6, max_length=40)]


class AddressIn(msgspec.Struct, forbid_unknown_fields=True):
    province_code: Annotated[str, msgspec.Meta(max_length=20)]
    commune_code: Annotated[str, msgspec.Meta(max_length=20)]
    street: Annotated[str, msgspec.Meta(min_length=1, max_length=300)]


class DeliveryIn(msgspec.Struct, forbid_unknown_fields=True):
    method: Literal["ship", "pickup"]
    address: AddressIn | None = None
    sales_point_code: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class PaymentIn(msgspec.Struct, forbid_unknown_fields=True):
    method: Literal["card", "cod", "bank_transfer"]


class InvoiceBuyerIn(msgspec.Struct, forbid_unknown_fields=True):
    """A buyer who needs a VAT invoice in their name; without it the order is invoiced to an
    anonymous retail buyer. Once issued, the invoice's PDF and lookup code go to ``email``."""

    name: Annotated[
        str, msgspec.Meta(min_length=1, max_length=200, description="A company's or a person's name")
    ]
    tax_code: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=14,
                description="10 digits, 10-3 for a branch, or a person's 12-digit identification number",
                examples=["4700123456"],
            ),
        ]
        | None
    ) = None
    address: Annotated[str, msgspec.Meta(max_length=300)] | None = None
    email: (
        Annotated[str, msgspec.Meta(max_length=254, description="The contact's email when left out")] | None
    ) = None


class CheckoutIn(msgspec.Struct, forbid_unknown_fields=True):
    cart_id: uuid.UUID
    idempotency_key: Annotated[str, msgspec.Meta(min_length=8, max_length=100)]
    contact: ContactIn
    delivery: DeliveryIn
    payment: PaymentIn
    language: Annotated[str, msgspec.Meta(max_length=10)] | None = None
    buyer: InvoiceBuyerIn | None = None  # a VAT invoice in the buyer's name, when they ask
