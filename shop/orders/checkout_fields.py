"""The checkout form's own fields: contact, invoice buyer and way to pay, each checked alike.

The API's checkout (``shop.orders.checkout``) and the storefront's checkout page both call
these, so a person meets the same messages on the same fields, every problem at once.
"""

from __future__ import annotations

import re

from shop.errors import field_error
from shop.i18n import N_
from shop.payments import providers
from shop.settings import Settings

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 .()-]{6,40}$")
# A Vietnamese tax code: an enterprise's 10 digits, a branch's 10-3, or (since July 2025) a
# person's 12-digit identification number, which serves as their tax code.
TAX_CODE = re.compile(r"^(?:[0-9]{10}(?:-[0-9]{3})?|[0-9]{12})$")


def contact_errors(name: str, email: str, phone: str) -> list[dict[str, str]]:
    """Every problem of the contact fields (the checkout page checks them the same way)."""
    errors = []
    if not name.strip():
        errors.append(field_error("contact.name", N_("Enter your name.")))
    if not EMAIL.match(email.strip()):
        errors.append(field_error("contact.email", N_("Enter a valid email address.")))
    if not PHONE.match(phone.strip()):
        errors.append(field_error("contact.phone", N_("Enter a valid phone number.")))
    return errors


def buyer_errors(name: str, tax_code: str, email: str) -> list[dict[str, str]]:
    """Every problem of a VAT-invoice buyer (the checkout page checks them the same way)."""
    errors = []
    if not name.strip():
        errors.append(field_error("buyer.name", N_("Enter the name to put on the invoice.")))
    if tax_code.strip() and not TAX_CODE.match(tax_code.strip()):
        errors.append(
            field_error(
                "buyer.tax_code",
                N_("A tax code has 10 digits (10-3 for a branch), or a person's 12-digit ID number."),
            )
        )
    if email.strip() and not EMAIL.match(email.strip()):
        errors.append(field_error("buyer.email", N_("Enter a valid email address.")))
    return errors


def payment_errors(method: str, settings: Settings) -> list[dict[str, str]]:
    if method not in providers.offered(settings):
        return [field_error("payment.method", N_("This payment method is not available."))]
    return []
