"""Checkout: a cart becomes an order, its stock reserved where each line will be fulfilled.

One transaction does it all or nothing (rules 1, 3, 4, 5, 6). The idempotency key makes
a double click, or a retry after a lost answer, return the order already placed; the cart
is claimed by a conditional update, so one cart is ordered once however many tabs submit it.
Talking to the payment provider happens after the commit (``payments.start``), never while
the database is locked.

The form's fields are checked in ``checkout_fields`` (the storefront's page checks them
there too) and where the order goes in ``delivery``; ``lookup`` finds an order once placed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Producer, Product
from shop.catalog.sellability import product_is_sellable
from shop.db import dialect_of, insert_rows, table_of
from shop.errors import Conflict, InvalidInput, field_error
from shop.i18n import N_, normalize_language
from shop.orders import carts, holds, lifecycle, notices, routing, shipping
from shop.orders.cart_models import Cart, CartLine
from shop.orders.cart_schemas import CheckoutIn
from shop.orders.checkout_fields import buyer_errors, contact_errors, payment_errors
from shop.orders.delivery import delivery_of
from shop.orders.errors import SoldOut
from shop.orders.models import (
    Fulfilment,
    FulfilmentStatus,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    PaymentMethod,
)
from shop.payments import banks, providers
from shop.settings import Settings


@dataclass(frozen=True)
class Placed:
    order: Order
    created: bool  # False: the same checkout was submitted before, this is its order


def request_hash(data: CheckoutIn) -> str:
    """What makes two submissions "the same checkout" (the key itself aside)."""
    same = msgspec.to_builtins(msgspec.structs.replace(data, idempotency_key=""))
    if same.get("buyer") is None:  # without a buyer it hashes as it did before buyers existed
        same.pop("buyer", None)
    return hashlib.sha256(msgspec.json.encode(same)).hexdigest()


# The statements of every checkout, built once and run with their values bound: building them
# anew cost each a third of its CPU.
_BY_KEY = sa.select(Order).where(Order.idempotency_key == sa.bindparam("key"))
# On the cart's table, not the mapped class: an ORM UPDATE also looks for the rows among the
# session's objects (none here: the claim is a checkout's first statement), 0.3 ms of CPU more.
_CARTS = table_of(Cart)
_CLAIM = (
    sa.update(_CARTS)
    .where(_CARTS.c.id == sa.bindparam("cart_id"), _CARTS.c.ordered_at.is_(None))
    .values(ordered_at=sa.bindparam("now", type_=_CARTS.c.ordered_at.type))
    .returning(_CARTS.c.id)
)
# The cart's lines with their products and producers, in the lines' order: one statement.
_LINES = (
    sa.select(CartLine, Product, Producer)
    .join(Product, Product.id == CartLine.product_id)
    .join(Producer, Producer.id == Product.producer_id)
    .where(CartLine.cart_id == sa.bindparam("cart_id"))
    .order_by(CartLine.id)
)


async def by_key(session: AsyncSession, key: str) -> Order | None:
    return await session.scalar(_BY_KEY, {"key": key})


async def _replayed(session: AsyncSession, data: CheckoutIn, digest: str) -> Placed | None:
    order = await by_key(session, data.idempotency_key)
    if order is None:
        return None
    if order.request_hash != digest:
        raise Conflict(
            N_("This idempotency key was already used for another checkout."),
            error_code="idempotency_key_reused",
        )
    return Placed(order, created=False)


async def _claim_cart(session: AsyncSession, cart_id: uuid.UUID, now: dt.datetime) -> bool:
    """Close the cart to other checkouts (a row lock until this transaction ends); False if
    it was closed already."""
    claimed = await session.execute(_CLAIM, {"cart_id": cart_id, "now": now})
    return claimed.first() is not None


def _buyer_columns(data: CheckoutIn) -> dict[str, str | None]:
    """The order's invoice_* columns: the buyer as typed, trimmed; the contact's email by default."""
    buyer = data.buyer
    if buyer is None:
        return {}
    return {
        "invoice_name": buyer.name.strip(),
        "invoice_tax_code": (buyer.tax_code or "").strip() or None,
        "invoice_address": (buyer.address or "").strip() or None,
        "invoice_email": (buyer.email or "").strip() or data.contact.email.strip(),
    }


@functools.cache
def _lines_and_sources(dialect: str, pickup: bool) -> sa.Select[Any]:
    """``_LINES``, each line with where its product can come from (built once per database)."""
    where = "producer or pickup point" if pickup else "producer"
    return _LINES.add_columns(routing.line_stock_column(dialect, where))


async def _sellable(
    session: AsyncSession, cart_id: uuid.UUID, on: dt.date, pickup_at: int | None
) -> tuple[list[CartLine], dict[int, Product], dict[int, Producer], dict[int, list[routing.Source]]]:
    """The cart's lines, its products, each still sellable as OCOP today (rule 5), their
    producers (who are told of a cash order's fulfilments), and where each product can come
    from (:func:`routing.sources`, read with them)."""
    stmt = _lines_and_sources(dialect_of(session), pickup_at is not None)
    rows = (await session.execute(stmt, {"cart_id": cart_id, "on": on, "pickup_at": pickup_at})).all()
    if not rows:
        raise InvalidInput(errors=[field_error("cart_id", N_("The cart is empty."))])
    for _, product, _, _ in rows:
        if not product_is_sellable(product, on):
            raise Conflict(
                N_("{product} is not on sale: its OCOP certificate is not valid."),
                error_code="not_sellable",
                product=product.name,
            )
    lines = [line for line, *_ in rows]
    found = {line.product_id: routing.sources_in(stock, pickup_at) for line, _, _, stock in rows}
    return lines, {p.id: p for _, p, _, _ in rows}, {m.id: m for _, _, m, _ in rows}, found


def order_number(order_id: int) -> str:
    return f"OC{order_id:06d}"  # short enough to read out and to put in a transfer


# PostgreSQL: the new order's id taken from its sequence first, so that the order is inserted
# with its number, not inserted and then updated (a write to each of its five indexes).
# SQLite has no sequence: there the number is set after the insert.
_NEXT_ID = sa.select(sa.func.nextval(sa.func.pg_get_serial_sequence("customer_order", "id")))


async def _next_order_id(session: AsyncSession) -> int | None:
    if dialect_of(session) != "postgresql":
        return None
    return int(await session.scalar(_NEXT_ID) or 0) or None


async def _routed(
    session: AsyncSession,
    wanted: list[tuple[int, int]],
    found: dict[int, list[routing.Source]],
    products: dict[int, Product],
) -> list[routing.Route]:
    """Each line to the place that sends it; SoldOut naming the product in the visitor's language."""
    try:
        return routing.route(wanted, found, {pid: p.name for pid, p in products.items()})
    except SoldOut as short:
        raise await carts.sold_out(session, short.product_id, short.name, short.available) from None


async def place(
    session: AsyncSession,
    settings: Settings,
    data: CheckoutIn,
    *,
    now: dt.datetime,
    on: dt.date,
    language: str,
) -> Placed:
    digest = request_hash(data)
    # A checkout submitted again finds its cart claimed by its first submission; only then is
    # its order looked up (a statement fewer for every new order). A key reused on another
    # cart fails at the order's insert (unique key), answered by ``placing.place_order``.
    if not await _claim_cart(session, data.cart_id, now):
        # Submitted before, or a twin committed while we waited for the cart's lock.
        if replayed := await _replayed(session, data, digest):
            return replayed
        await carts.find(session, data.cart_id)  # 404 if there is no such cart
        raise Conflict(N_("This cart has already been ordered."), error_code="cart_closed")
    # Every problem of the form at once, so a person corrects them in one go.
    contact = data.contact
    errors = contact_errors(contact.name, contact.email, contact.phone)
    if (buyer := data.buyer) is not None:
        errors += buyer_errors(buyer.name, buyer.tax_code or "", buyer.email or "")
    delivery, delivery_errors = await delivery_of(session, data, on)
    errors += delivery_errors + payment_errors(data.payment.method, settings)
    if errors or delivery is None:
        raise InvalidInput(errors=errors)
    provider = providers.provider_for(PaymentMethod(data.payment.method))
    pickup_at = delivery.pickup.id if delivery.pickup else None
    lines, products, producers, found = await _sellable(session, data.cart_id, on, pickup_at)
    subtotal = sum(products[ln.product_id].price_vnd * ln.quantity for ln in lines)
    fee = 0
    if delivery.province_id is not None:
        fee = await shipping.fee(session, delivery.province_id, subtotal)
    total = subtotal + fee
    if total < provider.minimum_vnd(settings):
        raise InvalidInput(
            errors=[
                field_error(
                    "payment.method",
                    N_("Card payments start at {minimum} VND: add products or choose another way to pay."),
                    minimum=f"{provider.minimum_vnd(settings):,}",
                )
            ]
        )
    wanted = [(ln.product_id, ln.quantity) for ln in lines]
    routes = await _routed(session, wanted, found, products)
    hold = provider.hold_minutes(settings)
    order_id = await _next_order_id(session)
    order = Order(
        id=order_id,
        number=order_number(order_id) if order_id else f"tmp-{secrets.token_hex(6)}",
        token=secrets.token_urlsafe(32),
        idempotency_key=data.idempotency_key,
        request_hash=digest,
        cart_id=data.cart_id,
        language=normalize_language(data.language) or language,
        contact_name=data.contact.name.strip(),
        contact_email=data.contact.email.strip(),
        contact_phone=data.contact.phone.strip(),
        delivery_method=delivery.method,
        ship_province_id=delivery.province_id,
        ship_commune_id=delivery.commune_id,
        ship_street=delivery.street,
        pickup_location_id=delivery.pickup.id if delivery.pickup else None,
        payment_method=provider.method,
        status=OrderStatus.awaiting_payment if hold is not None else OrderStatus.placed,
        subtotal_vnd=subtotal,
        shipping_vnd=fee,
        total_vnd=total,
        paid_vnd=0,
        expires_at=now + dt.timedelta(minutes=hold) if hold is not None else None,
        created_at=now,
        **_buyer_columns(data),
    )
    session.add(order)
    await session.flush()
    if not order_id:
        order.number = order_number(order.id)
    due = now + dt.timedelta(hours=settings.accept_within_hours)
    owners = {s.location_id: s.producer_id for options in found.values() for s in options}
    fulfilments = await _fulfilments(session, order, routes, owners, due)
    order_lines = await _order_lines(session, order, routes, products, fulfilments)
    await holds.reserve(session, order.id, routes, order_lines, on=on)
    lifecycle.record(session, order.id, "placed", actor="customer", status=order.status)
    for route in routes:
        lifecycle.record(
            session,
            order.id,
            "routed",
            actor="system",
            fulfilment_id=fulfilments[route.location_id].id,
            detail=f"{order_lines[route.product_id].name} × {route.quantity}: {route.reason}",
        )
    await provider.open(session, order)
    await notices.order_placed(
        session,
        order,
        settings.base_url,
        lines=list(order_lines.values()),
        transfer=transfer_details(settings, order),
    )
    if order.status == OrderStatus.placed:  # cash: the producers may prepare it now
        await notices.new_fulfilments(
            session, order, settings.base_url, known=(list(fulfilments.values()), producers)
        )
    await session.flush()
    return Placed(order, created=True)


def transfer_details(settings: Settings, order: Order) -> dict[str, object] | None:
    """What paying ``order`` by bank transfer needs, for its confirmation email (its tracking
    page shows the same, with the QR code inline); None for another way to pay."""
    if order.payment_method != PaymentMethod.bank_transfer or not settings.bank_bin:
        return None
    return {
        "bank": banks.bank_name(settings.bank_bin),
        "bank_bin": settings.bank_bin,
        "account_number": settings.bank_account_number,
        "account_name": settings.bank_account_name,
        "amount_vnd": order.total_vnd,
        "reference": order.number,
        "qr_url": f"{settings.base_url}/orders/{order.number}/vietqr.png?token={order.token}",
    }


async def _fulfilments(
    session: AsyncSession,
    order: Order,
    routes: list[routing.Route],
    owners: dict[int, int | None],
    due: dt.datetime,
) -> dict[int, Fulfilment]:
    """One fulfilment per location the lines were routed to (``owners``: each location's
    producer, None for a sales point). Written as plain rows (``insert_rows``): the order's
    pages and emails read them afresh or as given here, nothing changes them in this
    transaction."""
    location_ids = sorted({r.location_id for r in routes})
    rows = [
        {
            "order_id": order.id,
            "location_id": lid,
            "producer_id": owners.get(lid),
            "status": FulfilmentStatus.new,
            "due_at": due,
            "created_at": order.created_at,
            "updated_at": order.created_at,
        }
        for lid in location_ids
    ]
    written = await insert_rows(session, Fulfilment, rows)
    return {f.location_id: f for f in written}


async def _order_lines(
    session: AsyncSession,
    order: Order,
    routes: list[routing.Route],
    products: dict[int, Product],
    fulfilments: dict[int, Fulfilment],
) -> dict[int, OrderLine]:
    """The order's lines, one per routed product (by product id), written as plain rows as
    its fulfilments are."""
    rows = [
        {
            "order_id": order.id,
            "fulfilment_id": fulfilments[route.location_id].id,
            "product_id": route.product_id,
            "producer_id": product.producer_id,
            "name": product.name,
            "unit_price_vnd": product.price_vnd,
            "quantity": route.quantity,
            "line_total_vnd": product.price_vnd * route.quantity,
            "status": LineStatus.open,
            "reason": None,
        }
        for route in routes
        for product in [products[route.product_id]]
    ]
    return {line.product_id: line for line in await insert_rows(session, OrderLine, rows)}
