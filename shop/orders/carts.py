"""The anonymous cart: lines limited by what can be bought now, priced from the catalog."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import product_cards
from shop.catalog.models import Product
from shop.catalog.schemas import ProductSummary
from shop.catalog.sellability import sellable_product_clause
from shop.db import dialect_of, table_of
from shop.db_types import utcnow
from shop.errors import Conflict, NotFound
from shop.i18n import N_, current_language, gettext
from shop.orders import routing
from shop.orders.cart_models import Cart, CartLine
from shop.orders.cart_schemas import CartLineOut, CartOut
from shop.orders.errors import SoldOut

MAX_LINES = 50


async def create(session: AsyncSession) -> Cart:
    cart = Cart()
    session.add(cart)
    await session.flush()
    return cart


async def find(session: AsyncSession, cart_id: uuid.UUID) -> Cart:
    cart = await session.get(Cart, cart_id)
    if cart is None:
        raise NotFound(N_("No cart {id}."), error_code="cart_not_found", id=cart_id)
    return cart


def _open(cart: Cart) -> None:
    if cart.ordered_at is not None:
        raise Conflict(N_("This cart has already been ordered."), error_code="cart_closed")


# The cart's state with its lines, in one statement (one row with no line for an empty cart).
_CART_AND_LINES = (
    sa.select(Cart.ordered_at, CartLine)
    .select_from(Cart)
    .outerjoin(CartLine, CartLine.cart_id == Cart.id)
    .where(Cart.id == sa.bindparam("cart_id"))
    .order_by(CartLine.id)
)


# The same with what can be ordered of each line's product (a cart's page shows both).
_CART_LINES_AND_STOCK = _CART_AND_LINES.add_columns(routing.available_of(CartLine.product_id))


async def _lines_with(
    session: AsyncSession, stmt: sa.Select[Any], cart_id: uuid.UUID, on: dt.date
) -> tuple[dt.datetime | None, list[tuple[CartLine, Any]]]:
    """When the cart was ordered (None: still open), and its lines each with the stock column
    ``stmt`` adds to ``_CART_AND_LINES``; NotFound if there is no such cart."""
    rows = (await session.execute(stmt, {"cart_id": cart_id, "on": on})).all()
    if not rows:
        raise NotFound(N_("No cart {id}."), error_code="cart_not_found", id=cart_id)
    return rows[0][0], [(line, stock) for _, line, stock in rows if line is not None]


# The product's name, whether it is on sale and what can be ordered of it, in one statement.
_WANTED = sa.select(
    Product.name,
    sellable_product_clause(sa.bindparam("on", type_=sa.Date)),
    routing.available_of(sa.bindparam("product_id")),
).where(Product.id == sa.bindparam("product_id"))


async def _check_wanted(session: AsyncSession, product_id: int, wanted: int, on: dt.date) -> None:
    """``wanted`` units of the product can be ordered now: certified, and in stock."""
    found = (await session.execute(_WANTED, {"product_id": product_id, "on": on})).first()
    if found is None:
        raise NotFound(N_("No product {id}."), error_code="product_not_found", id=product_id)
    name, sellable, available = found
    if not sellable:
        raise Conflict(
            N_("{product} is not on sale: its OCOP certificate is not valid."),
            error_code="not_sellable",
            product=name,
        )
    if wanted > available:
        raise await sold_out(session, product_id, name, available)


async def sold_out(session: AsyncSession, product_id: int, name: str, available: int) -> SoldOut:
    """SoldOut naming the product as the visitor reads it on its page: its translation in
    their language, else English, else ``name`` (the Vietnamese)."""
    names = await product_cards.translated_names(session, [product_id], current_language())
    return SoldOut(product_id, names.get(product_id, name), available)


# A new cart and its first line, written as plain inserts: the two flushes of the unit of
# work cost a guest's first "add to cart" about half a millisecond more (issue 20).
_NEW_CART = sa.insert(table_of(Cart))
_NEW_LINE = sa.insert(table_of(CartLine))


async def start(session: AsyncSession, product_id: int, quantity: int, *, on: dt.date) -> uuid.UUID:
    """A new cart with its first line, checked as ``set_quantity`` checks one: the product and
    its stock read, then the cart and the line written (a new cart has no line to look up).
    Its id."""
    await _check_wanted(session, product_id, quantity, on)
    cart_id, now = uuid.uuid4(), utcnow()
    await session.execute(_NEW_CART, {"id": cart_id, "created_at": now, "updated_at": now})
    line = {"cart_id": cart_id, "product_id": product_id, "quantity": quantity, "added_at": now}
    await session.execute(_NEW_LINE, line)
    return cart_id


async def set_quantity(
    session: AsyncSession,
    cart_id: uuid.UUID,
    product_id: int,
    quantity: int,
    *,
    on: dt.date,
    add: bool = False,
) -> None:
    """The line's quantity (or more of it with ``add``); 0 removes it. Never beyond what is available."""
    cart = await find(session, cart_id)
    _open(cart)
    line = await session.scalar(
        sa.select(CartLine).where(CartLine.cart_id == cart_id, CartLine.product_id == product_id)
    )
    wanted = quantity + (line.quantity if add and line else 0)
    cart.updated_at = utcnow()
    if wanted == 0:
        if line is not None:
            await session.delete(line)
        return
    await _check_wanted(session, product_id, wanted, on)
    if line is None:
        count = await session.scalar(sa.select(sa.func.count()).where(CartLine.cart_id == cart_id)) or 0
        if count >= MAX_LINES:
            raise Conflict(N_("A cart holds at most {n} products."), error_code="cart_full", n=MAX_LINES)
        session.add(CartLine(cart_id=cart_id, product_id=product_id, quantity=wanted))
    else:
        line.quantity = wanted
    await session.flush()


async def view(session: AsyncSession, cart_id: uuid.UUID, *, on: dt.date, language: str) -> CartOut:
    """The cart as the customer sees it, each line checked against today's stock and certificates."""
    ordered_at, stocked = await _lines_with(session, _CART_LINES_AND_STOCK, cart_id, on)
    lines, products = await _products_of(session, stocked, on, language)
    available = {line.product_id: int(free) for line, free in stocked} if ordered_at is None else {}
    return _cart_out(cart_id, ordered_at, lines, products, available)


async def view_for_checkout(
    session: AsyncSession, cart_id: uuid.UUID, *, on: dt.date, language: str
) -> tuple[CartOut, dict[int, dict[int, int]]]:
    """:func:`view`, and what each sales point and fair holds of the cart's products (the
    checkout form's pickup points), the two read by one statement."""
    stmt = _cart_lines_and_held(dialect_of(session))
    ordered_at, stocked = await _lines_with(session, stmt, cart_id, on)
    lines, products = await _products_of(session, stocked, on, language)
    available: dict[int, int] = {}
    held: dict[int, dict[int, int]] = {}
    if ordered_at is None:
        available, held = routing.online_and_held_in((line.product_id, stock) for line, stock in stocked)
    return _cart_out(cart_id, ordered_at, lines, products, available), held


async def _products_of(
    session: AsyncSession, stocked: list[tuple[CartLine, Any]], on: dt.date, language: str
) -> tuple[list[CartLine], dict[int, ProductSummary]]:
    """The lines, and their products as a list shows them."""
    lines = [line for line, _ in stocked]
    ids = [line.product_id for line in lines]
    return lines, await product_cards.summaries(session, ids, on=on, language=language)


@functools.cache
def _cart_lines_and_held(dialect: str) -> sa.Select[Any]:
    """The cart's state and lines, each with where its product is held (built once per database)."""
    return _CART_AND_LINES.add_columns(routing.line_stock_column(dialect, "producer and pickup points"))


def _cart_out(
    cart_id: uuid.UUID,
    ordered_at: dt.datetime | None,
    lines: list[CartLine],
    products: dict[int, ProductSummary],
    available: dict[int, int],
) -> CartOut:
    out = []
    for line in lines:
        product = products[line.product_id]
        free = available.get(line.product_id, 0)
        problem = None
        if ordered_at is None:
            if not product.sellable:
                problem = gettext("No longer on sale: its OCOP certificate is not valid.")
            elif free == 0:
                problem = gettext("Sold out.")
            elif line.quantity > free:
                problem = gettext("Only {n} left.").format(n=free)
        out.append(
            CartLineOut(
                product=product,
                quantity=line.quantity,
                available=free,
                line_total_vnd=product.price_vnd * line.quantity,
                problem=problem,
            )
        )
    return CartOut(
        id=cart_id,
        lines=out,
        item_count=sum(line.quantity for line in lines),
        subtotal_vnd=sum(line.line_total_vnd for line in out),
        ordered=ordered_at is not None,
    )
