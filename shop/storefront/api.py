"""The cart under /api/v1/carts: public, keyed by the cart's random id."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.sellability import today
from shop.errors import InvalidInput, field_error
from shop.geo import services as geo
from shop.i18n import N_, current_language
from shop.orders import carts, shipping
from shop.orders.cart_schemas import CartLineIn, CartLineOut, CartLinePatch, CartOut
from shop.paging import MAX_PAGE_SIZE, Page, PageNumber, PageSize, page_of_list
from shop.params import Id


async def _view(session: AsyncSession, cart_id: uuid.UUID) -> CartOut:
    return await carts.view(session, cart_id, on=today(), language=current_language())


class CartController(Controller):
    path = "/api/v1/carts"
    tags = ["storefront"]

    @post("/", operation_id="createCart", summary="A new, empty cart", status_code=201)
    async def create(self, session: AsyncSession) -> CartOut:
        cart = await carts.create(session)
        await session.commit()
        return await _view(session, cart.id)

    @get("/{cart_id:uuid}", operation_id="getCart", summary="The cart with its lines checked against stock")
    async def show(self, session: AsyncSession, cart_id: uuid.UUID) -> CartOut:
        return await _view(session, cart_id)

    @get("/{cart_id:uuid}/lines", operation_id="listCartLines", summary="The cart's lines")
    async def lines(
        self,
        session: AsyncSession,
        cart_id: uuid.UUID,
        page: PageNumber = 1,
        page_size: PageSize = MAX_PAGE_SIZE,
    ) -> Page[CartLineOut]:
        """A cart holds few lines, each checked against stock: the whole cart is read, then paged."""
        return page_of_list((await _view(session, cart_id)).lines, page=page, page_size=page_size)

    @post(
        "/{cart_id:uuid}/lines", operation_id="addCartLine", summary="Add units of a product", status_code=200
    )
    async def add(self, session: AsyncSession, cart_id: uuid.UUID, data: CartLineIn) -> CartOut:
        await carts.set_quantity(session, cart_id, data.product_id, data.quantity, on=today(), add=True)
        await session.commit()
        return await _view(session, cart_id)

    @patch("/{cart_id:uuid}/lines/{product_id:int}", operation_id="setCartLine", summary="Set a quantity")
    async def set_line(
        self, session: AsyncSession, cart_id: uuid.UUID, product_id: Id, data: CartLinePatch
    ) -> CartOut:
        await carts.set_quantity(session, cart_id, product_id, data.quantity, on=today())
        await session.commit()
        return await _view(session, cart_id)

    @delete(
        "/{cart_id:uuid}/lines/{product_id:int}",
        operation_id="removeCartLine",
        summary="Remove a product",
        status_code=200,
    )
    async def remove(self, session: AsyncSession, cart_id: uuid.UUID, product_id: Id) -> CartOut:
        await carts.set_quantity(session, cart_id, product_id, 0, on=today())
        await session.commit()
        return await _view(session, cart_id)


class ShippingFeeOut(msgspec.Struct):
    province_code: str
    subtotal_vnd: int
    fee_vnd: int


class ShippingController(Controller):
    path = "/api/v1/shipping-fees"
    tags = ["storefront"]

    @get("/", operation_id="shippingFee", summary="The delivery fee to a province for an order of this size")
    async def fee(
        self,
        session: AsyncSession,
        province_code: Annotated[str, Parameter(max_length=20)],
        subtotal_vnd: Annotated[int, Parameter(ge=0, le=10**12)] = 0,
    ) -> ShippingFeeOut:
        province = next((p for p in await geo.provinces(session) if p.code == province_code), None)
        if province is None:
            raise InvalidInput(errors=[field_error("province_code", N_("Choose a province."))])
        return ShippingFeeOut(
            province_code, subtotal_vnd, await shipping.fee(session, province.id, subtotal_vnd)
        )
