"""The cart and checkout pages: the same services as the API, so they cannot disagree.

The cart's id lives in a long-lived cookie: the cart survives closing the browser.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import Cookie
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import product_cards
from shop.catalog.schemas import ProductSummary
from shop.catalog.sellability import today
from shop.db import READS_ONLY
from shop.errors import DomainError, NotFound
from shop.geo import services as geo
from shop.geo.models import Place
from shop.i18n import N_, current_language, gettext
from shop.orders import carts, shipping
from shop.orders.cart_models import Cart
from shop.orders.cart_schemas import CartOut
from shop.orders.models import PaymentMethod
from shop.orders.placing import place_order, send_mail, start_payment
from shop.params import MAX_ID, Id
from shop.payments import providers
from shop.settings import Settings
from shop.storefront import checkout_form
from shop.storefront.catalog_pages import page_template
from shop.storefront.checkout_form import Problems
from shop.storefront.currency import approximator, shared_rates

CART_COOKIE = "cart"
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


async def _open_cart(request: Request[Any, Any, Any], session: AsyncSession) -> Cart | None:
    """The visitor's cart, if they have one still open (else the first line starts one)."""
    cart_id = cart_id_of(request)
    if cart_id is not None:
        cart = await session.get(Cart, cart_id)
        if cart is not None and cart.ordered_at is None:
            return cart
    return None


def _pickup_point_macro(request: Request[Any, Any, Any]) -> Callable[..., str]:
    """storefront/_pickup_point.html's macro, for the lines the view draws ahead."""
    module = page_template(request, "storefront/_pickup_point.html").module
    macro: Callable[..., str] = getattr(module, "pickup_point")  # noqa: B009 - a macro, unknown to mypy
    return macro


ProvinceCode = Annotated[str | None, Parameter(max_length=10)]


class CartPages(Controller):
    include_in_schema = False

    @get("/cart", opt={READS_ONLY: True})
    async def cart(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        removed: Annotated[str | None, Parameter(query="removed")] = None,
    ) -> Template:
        """The cart; ``removed``: the product a quantity of 0 or "Remove" just took out of it,
        named at the top so the line does not vanish unexplained."""
        return await self._cart_page(request, session, removed=_product_id(removed))

    async def _cart_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        error: str | None = None,
        status: int = 200,
        removed: int | None = None,
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
            context={
                "cart": view,
                "error": error,
                "removed": await _taken_out(session, removed, view, language),
                "approx": approximator(await shared_rates(session), language),
            },
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
        cart, quantity = await _open_cart(request, session), max(1, min(quantity, 99))
        try:
            if cart is None:
                cart_id = await carts.start(session, product_id, quantity, on=today())
            else:  # held here, the cart is not read again (the session holds it weakly)
                cart_id = cart.id
                await carts.set_quantity(session, cart_id, product_id, quantity, on=today(), add=True)
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
        return Redirect(
            path="/cart",
            status_code=303,
            query_params={"removed": [str(product_id)]} if quantity <= 0 else None,
        )

    @get("/checkout", opt={READS_ONLY: True})
    async def checkout_form(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Template | Redirect:
        cart_id = cart_id_of(request)
        if cart_id is None:
            return Redirect(path="/cart")
        try:
            view, held = await carts.view_for_checkout(
                session, cart_id, on=today(), language=current_language()
            )
        except NotFound:
            return Redirect(path="/cart")
        if view.ordered or not view.lines:
            return Redirect(path="/cart")
        return await self._checkout_page(request, session, view, held, {}, Problems({}, []))

    async def _checkout_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: CartOut,
        held: dict[int, dict[int, int]],
        values: dict[str, str],
        problems: Problems,
        status: int = 200,
    ) -> Template:
        settings: Settings = request.app.state.settings
        language = current_language()
        provinces = await geo.provinces(session)
        province = next((p for p in provinces if p.code == values.get("province_code")), None)
        communes: list[Place] = await geo.communes(session, province.id) if province else []
        pickup = (values.get("delivery") or "ship") == "pickup"
        fee = None if province is None and not pickup else 0
        if province is not None and not pickup:
            fee = await shipping.fee(session, province.id, view.subtotal_vnd)
        return Template(
            "storefront/checkout.html",
            context={
                "cart": view,
                "values": values,
                "problems": problems,
                "key": values.get("idempotency_key") or secrets.token_urlsafe(18),
                "provinces": provinces,
                "communes": communes,
                "points": await checkout_form.pickup_points(
                    session,
                    view,
                    held,
                    on=today(),
                    province=values.get("pickup_province"),
                    chosen=values.get("sales_point_code"),
                ),
                "point_items": await checkout_form.point_items(
                    session, _pickup_point_macro(request), on=today()
                ),
                "fee": fee,
                "methods": [m.value for m in providers.offered(settings)],
                "card_minimum": settings.stripe_minimum_vnd,
                "approx": approximator(await shared_rates(session), language),
            },
            status_code=status,
        )

    @get("/checkout/pickup-points", opt={READS_ONLY: True})
    async def province_points(
        self, request: Request[Any, Any, Any], session: AsyncSession, province: ProvinceCode = None
    ) -> Response[str]:
        """The checkout form's list of a province's pickup points, as the page draws it: what
        its script puts in place when the buyer picks a province (without script the form is
        posted with ``show_points`` and drawn again)."""
        cart_id = cart_id_of(request)
        if cart_id is None:
            raise NotFound(N_("Your cart is empty."))
        view, held = await carts.view_for_checkout(session, cart_id, on=today(), language=current_language())
        points = await checkout_form.pickup_points(session, view, held, on=today(), province=province)
        items = await checkout_form.point_items(session, _pickup_point_macro(request), on=today())
        return Response(
            str(items.draw(points.in_province, "", None)),
            media_type=MediaType.HTML,
            headers={"Cache-Control": "no-store"},
        )

    async def _form_again(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        cart_id: uuid.UUID,
        *,
        form: dict[str, str],
        problems: Problems,
        status: int,
    ) -> Template | Redirect:
        """The form again, as typed, with every problem next to its field (none: only a province's
        pickup points shown, for a browser without script)."""
        await session.rollback()
        try:
            view, held = await carts.view_for_checkout(
                session, cart_id, on=today(), language=current_language()
            )
        except NotFound:
            return Redirect(path="/cart", status_code=303)
        if view.ordered:
            return Redirect(path="/cart", status_code=303)
        return await self._checkout_page(request, session, view, held, form, problems, status=status)

    @post("/checkout")
    async def place(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Template | Redirect | Response[Any]:
        settings: Settings = request.app.state.settings
        form = {k: str(v).strip() for k, v in (await request.form()).items() if isinstance(v, str)}
        cart_id = cart_id_of(request)
        if cart_id is None:
            return Redirect(path="/cart", status_code=303)
        if form.get("show_points"):  # without script: the form again, a province's points listed
            nothing = Problems({}, [])
            return await self._form_again(request, session, cart_id, form=form, problems=nothing, status=200)
        problems = checkout_form.problems_of(checkout_form.typed_errors(form, settings))
        if problems:
            return await self._form_again(request, session, cart_id, form=form, problems=problems, status=422)
        try:
            data = checkout_form.checkout_in(cart_id, form, current_language())
            placed = await place_order(session, settings, data)
        except DomainError as error:
            problems = checkout_form.refused(error)
            return await self._form_again(
                request, session, cart_id, form=form, problems=problems, status=error.status_code
            )
        except msgspec.ValidationError:
            problems = Problems({}, [gettext(checkout_form.SHAPE_MESSAGE)])
            return await self._form_again(request, session, cart_id, form=form, problems=problems, status=422)
        order = placed.order
        track = f"/orders/{order.number}?token={order.token}"
        if order.payment_method == PaymentMethod.cod:
            # Cash: nothing to open with a provider, so no second transaction to read the
            # payment back (on SQLite a second write lock per order).
            return Redirect(path=track + "&placed=1", status_code=303, background=send_mail(request))
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


async def _taken_out(
    session: AsyncSession, product_id: int | None, view: CartOut | None, language: str
) -> ProductSummary | None:
    """The product just taken out of the cart, as the cart names it; None if it is back in."""
    if product_id is None or (view is not None and any(line.product.id == product_id for line in view.lines)):
        return None
    return (await product_cards.summaries(session, [product_id], on=today(), language=language)).get(
        product_id
    )


def _product_id(value: str | None) -> int | None:
    """A product id from the address, None for anything else (an edited address is no error)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 1 <= number <= MAX_ID else None


def _invalid_quantity() -> str:
    return gettext("Enter a quantity between 1 and 99.")
