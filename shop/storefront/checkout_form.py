"""The checkout page's form: its fields as the API's checkout request, every problem of it at
once next to its field, and the pickup points with what each holds of the cart.

The page checks what a person can get wrong by typing (all fields together), then the same
``place_order`` as the API checks the rest; both speak of fields by the API's paths, which
``FIELDS`` maps to the form's names.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog import cache
from shop.db import database_key
from shop.errors import DomainError, field_error
from shop.geo.models import Area, Place
from shop.i18n import N_, current_language
from shop.inventory import services as locations
from shop.inventory.models import Location
from shop.orders.cart_schemas import CartOut, CheckoutIn
from shop.orders.checkout_fields import buyer_errors, contact_errors, payment_errors
from shop.settings import Settings

# The API's field paths → the form's field names.
FIELDS = {
    "contact.name": "name",
    "contact.email": "email",
    "contact.phone": "phone",
    "delivery.address": "street",
    "delivery.address.street": "street",
    "delivery.address.province_code": "province_code",
    "delivery.address.commune_code": "commune_code",
    "delivery.sales_point_code": "sales_point_code",
    "delivery.method": "delivery",
    "payment.method": "payment",
    "buyer.name": "invoice_name",
    "buyer.tax_code": "invoice_tax_code",
    "buyer.address": "invoice_address",
    "buyer.email": "invoice_email",
}
# The longest text each field takes (the API's limits; the form's maxlength says the same).
LIMITS = {
    "contact.name": 200,
    "contact.email": 254,
    "contact.phone": 40,
    "delivery.address.street": 300,
    "buyer.name": 200,
    "buyer.tax_code": 14,
    "buyer.address": 300,
    "buyer.email": 254,
}
# The "I need a VAT invoice" section: asked for when any of its fields is filled in.
INVOICE_FIELDS = ("invoice_name", "invoice_tax_code", "invoice_address", "invoice_email")


def wants_invoice(form: dict[str, str]) -> bool:
    return any(form.get(name) for name in INVOICE_FIELDS)


@dataclass(frozen=True)
class Problems:
    """What to show: messages by form field, and those that belong to no field."""

    fields: dict[str, list[str]]
    general: list[str]

    def __bool__(self) -> bool:
        return bool(self.fields or self.general)


def problems_of(errors: list[dict[str, Any]], fallback: str | None = None) -> Problems:
    """Errors (``field``, ``message``) placed next to the form's fields where they have one."""
    fields: dict[str, list[str]] = {}
    general: list[str] = []
    for error in errors:
        name = FIELDS.get(str(error.get("field", "")))
        message = str(error.get("message") or "")
        if name and message:
            fields.setdefault(name, []).append(message)
        elif message:
            general.append(message)
    if not fields and not general and fallback:
        general.append(fallback)
    return Problems(fields, general)


def refused(error: DomainError) -> Problems:
    return problems_of(list(error.errors), error.detail)


def typed_errors(form: dict[str, str], settings: Settings) -> list[dict[str, Any]]:
    """Every problem of what was typed or chosen, before anything is looked up."""
    errors = contact_errors(form.get("name", ""), form.get("email", ""), form.get("phone", ""))
    for path, limit in LIMITS.items():
        if len(form.get(FIELDS[path], "")) > limit:
            errors.append(field_error(path, N_("At most {limit} characters."), limit=limit))
    delivery = form.get("delivery") or "ship"
    if delivery == "ship":
        if not form.get("province_code"):
            errors.append(field_error("delivery.address.province_code", N_("Choose a province.")))
        elif not form.get("commune_code"):
            errors.append(
                field_error("delivery.address.commune_code", N_("Choose a commune of this province."))
            )
        if not form.get("street"):
            errors.append(field_error("delivery.address", N_("Enter the delivery address.")))
    elif delivery == "pickup":
        if not form.get("sales_point_code"):
            errors.append(
                field_error("delivery.sales_point_code", N_("Choose a sales point to pick up from."))
            )
    else:
        errors.append(field_error("delivery.method", N_("Choose how to receive your order.")))
    errors += payment_errors(form.get("payment") or "cod", settings)
    if wants_invoice(form):
        errors += buyer_errors(
            form.get("invoice_name", ""), form.get("invoice_tax_code", ""), form.get("invoice_email", "")
        )
    return errors


def checkout_in(cart_id: uuid.UUID, form: dict[str, str], language: str) -> CheckoutIn:
    """The page's fields as the API's checkout request (validated the same way)."""
    delivery: dict[str, Any] = {"method": form.get("delivery") or "ship"}
    if delivery["method"] == "ship":
        delivery["address"] = {
            "province_code": form.get("province_code", ""),
            "commune_code": form.get("commune_code", ""),
            "street": form.get("street", ""),
        }
    else:
        delivery["sales_point_code"] = form.get("sales_point_code") or None
    body = {
        "cart_id": str(cart_id),
        "idempotency_key": form.get("idempotency_key", ""),
        "language": language,
        "contact": {
            "name": form.get("name", ""),
            "email": form.get("email", ""),
            "phone": form.get("phone", ""),
        },
        "delivery": delivery,
        "payment": {"method": form.get("payment") or "cod"},
    }
    if wants_invoice(form):
        body["buyer"] = {
            "name": form.get("invoice_name", ""),
            "tax_code": form.get("invoice_tax_code") or None,
            "address": form.get("invoice_address") or None,
            "email": form.get("invoice_email") or None,  # None: the contact's email
        }
    return msgspec.convert(body, CheckoutIn)


# A request whose shape is still wrong after the checks above was not sent by the form.
SHAPE_MESSAGE = N_("This form has expired: please submit it again.")


@dataclass(frozen=True)
class Point:
    """What the checkout form shows of a sales point or fair."""

    id: int
    code: str
    name: str
    address: str | None
    opening_hours: str | None
    starts_on: dt.date | None
    province: str | None  # today's province code (of its commune, else of its area)


@dataclass(frozen=True)
class PickupPoint:
    location: Point
    held: int  # how many of the cart's lines it holds whole (the others the producer sends)
    lines: int

    @property
    def holds_all(self) -> bool:
        return self.held == self.lines


async def _open_points(session: AsyncSession, on: dt.date) -> list[Point]:
    """The open sales points and fairs (some 600 nationally), with only what the form shows,
    read once for all the checkout pages drawn within the catalog cache's seconds. The
    order is checked afresh: a point closed meanwhile is refused when the order is placed."""
    columns = (Location.id, Location.code, Location.name, Location.address, Location.opening_hours)
    commune, province = aliased(Place), aliased(Place)

    async def read() -> object:
        stmt = (
            locations.open_locations_select(on=on)
            .with_only_columns(*columns, Location.starts_on, province.code)
            .outerjoin(commune, commune.id == Location.place_id)
            .outerjoin(Area, Area.id == Location.area_id)
            .outerjoin(province, province.id == sa.func.coalesce(commune.province_id, Area.province_id))
        )
        return [Point(*row) for row in await session.execute(stmt)]

    points = await cache.pages.get_or_compute(("pickup-points", database_key(session), on), read)
    assert isinstance(points, list)
    return points


# Up to this many other points are all listed; more (some 600 nationally, 181 KB of form and
# a list no one scrolls on a phone) are listed a province at a time, the buyer's choice.
FEW_POINTS = 30


@dataclass(frozen=True)
class PickupPoints:
    """The form's pickup points, split as it shows them (some 600 nationally: split here, not
    by the template's filters, which took a third of the form's time)."""

    holders: list[PickupPoint]  # holding the whole cart, the first shown
    others: list[PickupPoint]  # listed under the holders: all the others, or (a long list) the
    # points holding part of the cart and those in no province
    other_count: int  # the producers send the products there first
    open_codes: Container[str]  # every open point's code
    # A long list: how many of the rest each province has, the province shown and its points.
    per_province: dict[str, int] | None = None
    province: str | None = None
    in_province: list[PickupPoint] = field(default_factory=list)

    def is_other(self, code: str | None) -> bool:
        """Whether the point chosen is among the others (their list is then shown open)."""
        return code in self.open_codes and all(p.location.code != code for p in self.holders)

    def province_options(self, provinces: Sequence[Any]) -> Markup:
        """The select's options: the provinces having points, each with how many (in Python,
        as the items are: some 34 options a page)."""
        counts = self.per_province or {}
        return Markup(  # noqa: S704 - every value escaped
            "".join(
                f'<option value="{escape(p.code)}"{" selected" if p.code == self.province else ""}>'
                f"{escape(p.name)} ({n})</option>"
                for p in provinces
                if (n := counts.get(p.code))
            )
        )


@dataclass(frozen=True)
class _OpenPoints:
    """The open points as every checkout lists them, each holding none of a cart of so many
    lines (as most do): made once for all the checkout pages of the catalog cache's seconds,
    not some 600 points for each page."""

    by_name: list[PickupPoint]
    by_id: dict[int, PickupPoint]
    by_code: dict[str, PickupPoint]
    by_province: dict[str, list[PickupPoint]]  # by name within each
    nowhere: list[PickupPoint]  # no province known


def _lines_held(wanted: dict[int, int], stock: dict[int, int] | None) -> int:
    """How many of the cart's lines (product → units) a point's ``stock`` holds whole."""
    if not stock:  # most points hold none of the cart
        return 0
    return sum(1 for product_id, n in wanted.items() if stock.get(product_id, 0) >= n)


async def _open_by_name(session: AsyncSession, on: dt.date, lines: int) -> _OpenPoints:
    async def make() -> object:
        points = [
            PickupPoint(location, 0, lines)
            for location in await _open_points(session, on)
            if location.starts_on is None or location.starts_on <= on  # checkout refuses a fair not open yet
        ]
        points.sort(key=lambda p: p.location.name)
        by_province: dict[str, list[PickupPoint]] = {}
        for p in points:
            if p.location.province is not None:
                by_province.setdefault(p.location.province, []).append(p)
        return _OpenPoints(
            points,
            {p.location.id: p for p in points},
            {p.location.code: p for p in points},
            by_province,
            [p for p in points if p.location.province is None],
        )

    key = ("pickup-points-by-name", database_key(session), on, lines)
    opened = await cache.pages.get_or_compute(key, make)
    assert isinstance(opened, _OpenPoints)
    return opened


async def pickup_points(
    session: AsyncSession,
    cart: CartOut,
    held: dict[int, dict[int, int]],
    *,
    on: dt.date,
    province: str | None = None,
    chosen: str | None = None,
) -> PickupPoints:
    """The open sales points and fairs: those holding the whole cart, then the others, each
    by how many of its lines they hold, then by name. ``held``: what each holds of the cart's
    products (``carts.view_for_checkout``). A long list of others is split by province: that
    of ``province``, else that of the point ``chosen``, is listed."""
    wanted = {line.product.id: line.quantity for line in cart.lines}
    opened = await _open_by_name(session, on, len(wanted))
    holding = [
        PickupPoint(p.location, n, len(wanted))
        for point_id, stock in held.items()
        if (p := opened.by_id.get(point_id)) and (n := _lines_held(wanted, stock))
    ]
    holding.sort(key=lambda p: (not p.holds_all, -p.held, p.location.name))
    holders = [p for p in holding if p.holds_all]
    moved = {p.location.id for p in holding}
    count = len(opened.by_name) - len(holders)
    if count <= FEW_POINTS:
        others = holding[len(holders) :] + [p for p in opened.by_name if p.location.id not in moved]
        return PickupPoints(holders, others, count, opened.by_code)
    # A long list: the points holding part of the cart, then a province's points.
    others = holding[len(holders) :] + opened.nowhere
    per_province = {code: len(points) for code, points in opened.by_province.items()}
    for p in holding:
        if p.location.province is not None:
            per_province[p.location.province] -= 1
    if not per_province.get(province or ""):  # none asked for (or none there): the chosen point's
        point = opened.by_code.get(chosen or "")
        province = point.location.province if point else None
    listed = [p for p in opened.by_province.get(province or "", []) if p.location.id not in moved]
    shown = province if listed else None
    return PickupPoints(holders, others, count, opened.by_code, per_province, shown, listed)


@dataclass(frozen=True)
class PointItems:
    """Draws the form's list items of pickup points with ``macro``
    (storefront/_pickup_point.html). A point holding none of the cart, neither chosen nor
    marked wrong, looks the same in every checkout: its item is drawn once per language for
    all the checkout pages within the catalog cache's seconds (``drawn``, shared), as most of
    a national list's 600 points are such points."""

    macro: Callable[..., str]
    drawn: dict[str, Markup]  # sales point code → its plain item

    def draw(self, points: Sequence[PickupPoint], marked: str, chosen: str | None) -> Markup:
        items = []
        for p in points:
            if marked or p.held or p.location.code == chosen:
                items.append(Markup(self.macro(p, marked, chosen)))  # noqa: S704 - the macro's escaped output
                continue
            item = self.drawn.get(p.location.code)
            if item is None:
                item = self.drawn[p.location.code] = Markup(self.macro(p, "", None))  # noqa: S704 - as above
            items.append(item)
        # Every item is the macro's escaped output: joined as text, not escaped again one by one.
        return Markup("".join(items))  # noqa: S704


async def point_items(session: AsyncSession, macro: Callable[..., str], *, on: dt.date) -> PointItems:
    async def empty() -> object:
        return {}

    key = ("pickup-items", database_key(session), current_language(), on)
    drawn = await cache.pages.get_or_compute(key, empty)
    assert isinstance(drawn, dict)
    return PointItems(macro, drawn)
