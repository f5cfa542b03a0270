"""What a till sale costs: each line's price, discount and total, the clearance a line needs,
and payments that add up to the total exactly (DESIGN.md rule 5; the money is computed by
the server, never taken from the till)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.catalog.sellability import VIETNAM
from shop.errors import Conflict, Forbidden, InvalidInput, field_error
from shop.i18n import N_
from shop.inventory.models import Location
from shop.till import eligibility
from shop.till.models import Clearance, PaymentMethod
from shop.till.schemas import PaymentIn, SaleIn, SaleLineIn


class SaleNotSellable(Conflict):
    code = "not_sellable"
    title = N_("This product cannot be sold as OCOP.")


@dataclass(frozen=True)
class Priced:
    """One line as it will be recorded."""

    line: SaleLineIn
    product: Product
    unit_price: int
    total: int
    clearance: Clearance | None


async def price(
    session: AsyncSession,
    user: CurrentUser,
    location: Location,
    data: SaleIn,
    products: dict[int, Product],
    *,
    late: bool,
) -> list[Priced]:
    """Each line's price, discount and total, and its clearance if it needs one."""
    on = data.sold_at.astimezone(VIETNAM).date()
    cleared = await _clearances(session, location, products, on, late=late)
    is_manager = user.role in (Role.admin, Role.manager)
    errors = []
    priced = []
    for i, line in enumerate(data.lines):
        product = products[line.product_id]
        unit_price = product.price_vnd if line.unit_price is None else line.unit_price
        # A till offline kept the price it had; live, only a manager sells at another price.
        if unit_price != product.price_vnd and not (late or is_manager):
            errors.append(
                field_error(
                    f"lines[{i}].unit_price",
                    N_("The price of {product} is {price} đồng; only a manager can change it."),
                    product=product.name,
                    price=product.price_vnd,
                )
            )
        if line.discount and not is_manager:
            raise Forbidden(N_("Only a manager can give a discount."), error_code="discount_not_allowed")
        if line.discount > unit_price * line.quantity:
            errors.append(field_error(f"lines[{i}].discount", N_("The discount is more than the line.")))
        total = unit_price * line.quantity - line.discount
        priced.append(Priced(line, product, unit_price, total, cleared.get(product.id)))
    if errors:
        raise InvalidInput(errors=errors)
    return priced


async def _clearances(
    session: AsyncSession, location: Location, products: dict[int, Product], on: dt.date, *, late: bool
) -> dict[int, Clearance]:
    """Clearances for the products that need one; refuses those that have none.

    A late sale is recorded whatever its products' certificates say: it happened, and the
    till's list said they were sellable when it went offline."""
    blocked = await eligibility.blocked(session, products.values(), on)
    if not blocked:
        return {}
    cleared = await eligibility.clearances(session, location.id, blocked, on)
    refused = {pid: reason for pid, reason in blocked.items() if pid not in cleared}
    if refused and not late:
        first = next(iter(refused.values()))
        raise SaleNotSellable(
            first.message,
            errors=[{"field": "lines", "product_id": pid, "message": r.detail} for pid, r in refused.items()],
            **first.params,
        )
    return cleared


def check_payments(payments: Sequence[PaymentIn], total: int) -> None:
    """The payments add up to the total, cash alone is tendered (never less than paid), a
    card payment has its reference."""
    errors = []
    paid = sum(p.amount for p in payments)
    if paid != total:
        errors.append(
            field_error(
                "payments",
                N_("The payments add up to {paid} đồng, the total is {total}."),
                paid=paid,
                total=total,
            )
        )
    for i, payment in enumerate(payments):
        if payment.tendered is not None and payment.method != PaymentMethod.cash:
            errors.append(field_error(f"payments[{i}].tendered", N_("Only cash is tendered.")))
        if payment.tendered is not None and payment.tendered < payment.amount:
            errors.append(field_error(f"payments[{i}].tendered", N_("Less cash was handed over than paid.")))
        if payment.method == PaymentMethod.card and not payment.reference:
            errors.append(field_error(f"payments[{i}].reference", N_("A card payment needs its reference.")))
    if errors:
        raise InvalidInput(errors=errors)
