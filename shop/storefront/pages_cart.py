"""The cart and checkout pages: the same services as the API, so they cannot disagree.

The cart's id lives in a long-lived cookie: the cart survives closing the browser.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.errors import DomainError, NotFound
from shop.geo import services as geo
from shop.geo.models import Place
from shop.i18n import N_, current_language, gettext
from shop.inventory import services as locations
from shop.inventory.api import Id
from shop.orders.api import place_order, send_mail, start_payment
from shop.payments import providers
from shop.settings import Settings
from shop.storefront import carts
from shop.storefront.currency import approximator, rates
from shop.storefront.models import Cart
from shop.storefront.schemas import CheckoutIn

CART_COOKIE = "cart"
MAX_ID = 2_147_483_647
CART_DAYS = 30


def cart_id_of(request: Request[Any, Any, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.cookies.get(CART_COOKIE, ""))
    except ValueError:
        return None


def _cart_cookie(cart_id: uuid.UUID, settings: Settings) -> Cookie:
    return Cookie(
        key=CART_COOKIE,
        value=str(cart_id),
        max_age=CART_DAYS * 24 * 3600,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )


async def _open_cart(request: Request[Any, Any, Any], session: AsyncSession) -> uuid.UUID:
    """The visitor's cart, a new one if they have none (or theirs was ordered)."""
    cart_id = cart_id_of(request)
    if cart_id is not None:
        cart = await session.get(Cart, cart_id)
        if cart is not None and cart.ordered_at is None:
            return cart_id
    return (await carts.create(session)).id


class CartPages(Controller):
    include_in_schema = False

    @get("/cart")
    async def cart(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        return await self._cart_page(request, session)

    async def _cart_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        cart_id = cart_id_of(request)
        view = None
        language = current_language()
        if cart_id is not None:
            try:
                view = await carts.view(session, cart_id, on=today(), language=language)
            except NotFound:
                view = None
        if view is not None and view.ordered:
            view = None
        return Template(
            "storefront/cart.html",
            context={"cart": view, "error": error, "approx": approximator(await rates(session), language)},
            status_code=status,
        )

    @post("/cart/lines")
    async def add_line(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        form = await request.form()
        settings: Settings = request.app.state.settings
        try:
            product_id, quantity = int(form.get("product_id", "")), int(form.get("quantity") or 1)
            if not 1 <= product_id <= MAX_ID:
                raise ValueError(product_id)
        except ValueError:
            return await self._cart_page(request, session, error=_invalid_quantity(), status=422)
        cart_id = await _open_cart(request, session)
        try:
            await carts.set_quantity(
                session, cart_id, product_id, max(1, min(quantity, 99)), on=today(), add=True
            )
        except DomainError as refused:
            await session.rollback()
            return await self._cart_page(request, session, error=refused.detail, status=refused.status_code)
        await session.commit()
        return Redirect(path="/cart", status_code=303, cookies=[_cart_cookie(cart_id, settings)])

    @post("/cart/lines/{product_id:int}")
    async def set_line(
        self, request: Request[Any, Any, Any], session: AsyncSession, product_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        cart_id = cart_id_of(request)
        try:
            quantity = 0 if form.get("remove") else int(form.get("quantity", ""))
        except ValueError:
            return await self._cart_page(request, session, error=_invalid_quantity(), status=422)
        if cart_id is None:
            return Redirect(path="/cart", status_code=303)
        try:
            await carts.set_quantity(session, cart_id, product_id, max(0, min(quantity, 99)), on=today())
        except DomainError as refused:
            await session.rollback()
            return await self._cart_page(request, session, error=refused.detail, status=refused.status_code)
        await session.commit()
        return Redirect(path="/cart", status_code=303)

    @get("/checkout")
    async def checkout_form(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Template | Redirect:
        cart_id = cart_id_of(request)
        if cart_id is None:
            return Redirect(path="/cart")
        try:
            view = await carts.view(session, cart_id, on=today(), language=current_language())
        except NotFound:
            return Redirect(path="/cart")
        if view.ordered or not view.lines:
            return Redirect(path="/cart")
        return await self._checkout_page(request, session, view, {}, [])

    async def _checkout_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: Any,
        values: dict[str, str],
        errors: list[str],
        status: int = 200,
    ) -> Template:
        settings: Settings = request.app.state.settings
        language = current_language()
        points = await locations.open_locations(session, on=today())
        province = values.get("province_code")
        communes: list[Place] = []
        if province:
            found = next((p for p in await geo.provinces(session) if p.code == province), None)
            communes = await geo.communes(session, found.id) if found else []
        return Template(
            "storefront/checkout.html",
            context={
                "cart": view,
                "values": values,
                "errors": errors,
                "key": values.get("idempotency_key") or secrets.token_urlsafe(18),
                "provinces": await geo.provinces(session),
                "communes": communes,
                "points": points,
                "methods": [m.value for m in providers.offered(settings)],
                "card_minimum": settings.stripe_minimum_vnd,
                "approx": approximator(await rates(session), language),
            },
            status_code=status,
        )

    @post("/checkout")
    async def place(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Template | Redirect | Response[Any]:
        settings: Settings = request.app.state.settings
        form = {k: str(v).strip() for k, v in (await request.form()).items() if isinstance(v, str)}
        cart_id = cart_id_of(request)
        if cart_id is None:
            return Redirect(path="/cart", status_code=303)
        try:
            data = _checkout_in(cart_id, form, current_language())
            placed = await place_order(session, settings, data)
        except (DomainError, msgspec.ValidationError) as refused:
            await session.rollback()
            try:
                view = await carts.view(session, cart_id, on=today(), language=current_language())
            except NotFound:
                return Redirect(path="/cart", status_code=303)
            if view.ordered:
                return Redirect(path="/cart", status_code=303)
            messages = _messages(refused)
            return await self._checkout_page(request, session, view, form, messages, status=_status(refused))
        order = placed.order
        track = f"/orders/{order.number}?token={order.token}"
        try:
            instructions = await start_payment(session, settings, order)
        except DomainError:
            return Redirect(
                path=track + "&payment=unavailable", status_code=303, background=send_mail(request)
            )
        target = (
            instructions.redirect_url if instructions and instructions.redirect_url else track + "&placed=1"
        )
        return Redirect(path=target, status_code=303, background=send_mail(request))


def _invalid_quantity() -> str:
    return gettext("Enter a quantity between 1 and 99.")


def _checkout_in(cart_id: uuid.UUID, form: dict[str, str], language: str) -> CheckoutIn:
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
    return msgspec.convert(body, CheckoutIn)


# What to say when the form's shape is wrong (msgspec names the path of the field).
_FIELD_MESSAGES = {
    "$.contact.name": N_("Enter your name."),
    "$.contact.email": N_("Enter a valid email address."),
    "$.contact.phone": N_("Enter a valid phone number."),
    "$.delivery.address.street": N_("Enter the delivery address."),
    "$.delivery.address.province_code": N_("Choose a province."),
    "$.delivery.address.commune_code": N_("Choose a commune of this province."),
    "$.idempotency_key": N_("This form has expired: please submit it again."),
    "$.payment.method": N_("This payment method is not available."),
    "$.delivery.method": N_("Choose how to receive your order."),
}


def _messages(refused: Exception) -> list[str]:
    if isinstance(refused, msgspec.ValidationError):
        path = str(refused).rpartition(" - at `")[2].rstrip("`")
        return [gettext(_FIELD_MESSAGES.get(path, N_("Some fields are not valid.")))]
    assert isinstance(refused, DomainError)
    found = [str(e["message"]) for e in refused.errors if e.get("message")]
    return found or [refused.detail]


def _status(refused: Exception) -> int:
    return refused.status_code if isinstance(refused, DomainError) else 422
