"""An order as its customer sees it: lines grouped by who fulfils them, and its history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, product_cards
from shop.catalog.models import Product
from shop.geo.models import Place
from shop.i18n import current_language
from shop.inventory.models import Location, LocationKind
from shop.invoices import status as invoice_status
from shop.invoices.models import Invoice, InvoiceStatus, SourceKind
from shop.media.models import StoredImage
from shop.media.naming import Picture
from shop.orders import lookup, schemas
from shop.orders.models import Fulfilment, Order, OrderEvent, OrderLine
from shop.orders.notices import tracking_url
from shop.payments import services as payments
from shop.payments.models import PaymentStatus
from shop.payments.providers import Instructions
from shop.settings import Settings

# The history a customer is shown; routing decisions and office flags stay internal.
PUBLIC_EVENTS = ("placed", "paid", "payment_failed", "expired", "cancelled", "refunded", "reserved_again")


def _transfer(instructions: Instructions | None) -> schemas.TransferOut | None:
    if instructions is None or instructions.qr_svg is None:
        return None
    return schemas.TransferOut(
        bank_bin=instructions.bank_bin or "",
        account_number=instructions.account_number or "",
        account_name=instructions.account_name,
        amount_vnd=instructions.amount_vnd or 0,
        reference=instructions.reference or "",
        qr_svg=instructions.qr_svg,
    )


# An order's statements, built once and run with the order bound (``:order_id``).
# Each fulfilment with its location and its lines, one row a line (one with no line for a
# fulfilment whose lines the office moved elsewhere): one statement, not two. The lines are
# joined by their order too, so PostgreSQL reads them by the order's index: joined by the
# fulfilment alone, it scanned every order's lines whenever its statistics were behind.
# Each line comes with its product's main photo (the page's thumbnail), joined by unique keys:
# no statement of its own.
_FULFILMENTS = (
    sa.select(Fulfilment, Location.name, Location.kind, OrderLine)
    .add_columns(StoredImage.digest, StoredImage.width, StoredImage.height)
    .join(Location, Location.id == Fulfilment.location_id)
    .outerjoin(
        OrderLine,
        sa.and_(OrderLine.fulfilment_id == Fulfilment.id, OrderLine.order_id == Fulfilment.order_id),
    )
    .outerjoin(Product, Product.id == OrderLine.product_id)
    .outerjoin(StoredImage, StoredImage.id == Product.main_image_id)
    .where(Fulfilment.order_id == sa.bindparam("order_id"))
    .order_by(Fulfilment.id, OrderLine.id)
)
_EVENTS = sa.select(OrderEvent).where(OrderEvent.order_id == sa.bindparam("order_id")).order_by(OrderEvent.id)


def _paid(order_id: Any) -> tuple[sa.ScalarSelect[PaymentStatus], sa.Exists]:
    """The order's latest payment's status and whether it has any e-invoice, as two columns:
    most orders have none (an invoice is issued once paid or delivered), so their list is not
    read."""
    return payments.latest_status(order_id), sa.exists().where(Invoice.order_id == order_id)


_PAYMENT_AND_INVOICED = sa.select(*_paid(sa.bindparam("order_id")))


def _place_name(place_id: Any) -> sa.ScalarSelect[str]:
    return sa.select(Place.name).where(Place.id == place_id).scalar_subquery()


# The same as columns of the order's own read, for its tracking page, with the names of the
# delivery's commune and province.
_SHOWN = sa.select(
    Order, *_paid(Order.id), _place_name(Order.ship_commune_id), _place_name(Order.ship_province_id)
).where(Order.number == sa.bindparam("number"))


@dataclass(frozen=True)
class Paid:
    """The order's latest payment's status (None: no payment), whether it has e-invoices, and
    the names of its delivery's commune and province when they were read with it."""

    status: PaymentStatus | None
    invoiced: bool
    ship_to_names: tuple[str | None, str | None] | None = None  # (commune, province), if read


async def find_shown(session: AsyncSession, number: str, token: str | None) -> tuple[Order, Paid]:
    """:func:`lookup.find`, with what :func:`order_shown` reads of its payment, in one statement."""
    found = (await session.execute(_SHOWN, {"number": number})).first()
    order, status, invoiced, commune, province = found if found else (None, None, False, None, None)
    return lookup.linked(order, number, token), Paid(status, bool(invoiced), (commune, province))


@dataclass(frozen=True)
class Shown:
    """An order as its page shows it: what the API answers, and its lines' photos."""

    order: schemas.OrderOut
    pictures: dict[int, Picture]  # by product: its main photo, for the lines' thumbnails


async def order_out(
    session: AsyncSession, settings: Settings, order: Order, instructions: Instructions | None = None
) -> schemas.OrderOut:
    return (await order_shown(session, settings, order, instructions)).order


async def order_shown(
    session: AsyncSession,
    settings: Settings,
    order: Order,
    instructions: Instructions | None = None,
    paid: Paid | None = None,
) -> Shown:
    """The order as its page shows it; ``paid`` when :func:`find_shown` read it already."""
    bound = {"order_id": order.id}
    fulfilments: dict[int, tuple[Fulfilment, str, LocationKind, list[OrderLine]]] = {}
    pictures: dict[int, Picture] = {}
    for fulfilment, name, kind, line, digest, width, height in await session.execute(_FULFILMENTS, bound):
        _, _, _, lines_of = fulfilments.setdefault(fulfilment.id, (fulfilment, name, kind, []))
        if line is not None:
            lines_of.append(line)
            if digest is not None:
                pictures[line.product_id] = Picture(digest, width, height)
    lines = [line for *_, lines_of in fulfilments.values() for line in lines_of]
    # An order has a handful of events: all read by the order's index, the public ones kept
    # here (with the kinds in SQL, PostgreSQL also scanned the index of every order's kinds).
    events = [event for event in await session.scalars(_EVENTS, bound) if event.kind in PUBLIC_EVENTS]
    names = await product_cards.translated_names(session, [ln.product_id for ln in lines], current_language())
    if paid is None:
        paid = Paid(*(await session.execute(_PAYMENT_AND_INVOICED, bound)).one())
    payment_status, invoiced = paid.status, paid.invoiced
    invoices = await invoice_status.for_order(session, order.id) if invoiced else []
    pickup = await session.get(Location, order.pickup_location_id) if order.pickup_location_id else None
    out = schemas.OrderOut(
        number=order.number,
        token=order.token,
        status=order.status.value,
        language=order.language,
        total_vnd=order.total_vnd,
        subtotal_vnd=order.subtotal_vnd,
        shipping_vnd=order.shipping_vnd,
        paid_vnd=order.paid_vnd,
        payment_method=order.payment_method.value,
        payment_status=payment_status.value if payment_status else None,
        delivery_method=order.delivery_method.value,
        pickup_sales_point=pickup.code if pickup else None,
        expires_at=order.expires_at,
        created_at=order.created_at,
        fulfilments=[
            schemas.FulfilmentOut(
                id=f.id,
                status=f.status.value,
                location=name,
                kind=kind.value,
                lines=[_line(ln, names) for ln in lines_of],
                carrier=f.carrier,
                tracking_number=f.tracking_number,
            )
            for f, name, kind, lines_of in fulfilments.values()
        ],
        history=[schemas.EventOut(kind=e.kind, status=e.status, at=e.at) for e in events],
        tracking_url=tracking_url(order, settings.base_url),
        payment_url=instructions.redirect_url if instructions else None,
        transfer=_transfer(instructions),
        invoice_buyer=_buyer(order),
        invoices=[_invoice(i) for i in invoices],
        contact=schemas.ContactOut(
            name=order.contact_name, email=order.contact_email, phone=order.contact_phone
        ),
        ship_to=await _ship_to(session, order, paid.ship_to_names),
    )
    return Shown(out, pictures)


async def _ship_to(
    session: AsyncSession, order: Order, names: tuple[str | None, str | None] | None
) -> schemas.AddressOut | None:
    """A delivery's address, for the buyer to check; ``names``: its places' read already."""
    if order.ship_commune_id is None:
        return None
    if names is None:
        places = await cache.place_names(session, {order.ship_commune_id, order.ship_province_id or 0} - {0})
        names = (_name(places, order.ship_commune_id), _name(places, order.ship_province_id))
    commune, province = names
    return schemas.AddressOut(street=order.ship_street, commune=commune, province=province)


def _name(places: dict[int, tuple[str, bool]], place_id: int | None) -> str | None:
    return places[place_id][0] if place_id is not None and place_id in places else None


def _buyer(order: Order) -> schemas.InvoiceBuyerOut | None:
    if not order.invoice_name:
        return None
    return schemas.InvoiceBuyerOut(
        name=order.invoice_name,
        tax_code=order.invoice_tax_code,
        address=order.invoice_address,
        email=order.invoice_email,
    )


def _invoice(invoice: Invoice) -> schemas.InvoiceOut:
    issued = invoice.status in (InvoiceStatus.issued, InvoiceStatus.cancelled)
    return schemas.InvoiceOut(
        # A refusal is the office's to correct and retry: to the customer it is still coming.
        status=InvoiceStatus.pending.value
        if invoice.status == InvoiceStatus.failed
        else invoice.status.value,
        adjustment=invoice.source_kind == SourceKind.order_line,
        total_vnd=invoice.total_vnd,
        number=invoice.invoice_no if issued else None,
        lookup_code=invoice.lookup_code if issued else None,
        lookup_url=invoice_status.lookup_url() if issued else None,
        issued_at=invoice.issued_at if issued else None,
    )


def _line(line: OrderLine, names: dict[int, str]) -> schemas.OrderLineOut:
    return schemas.OrderLineOut(
        product_id=line.product_id,
        name=names.get(line.product_id, line.name),
        quantity=line.quantity,
        unit_price_vnd=line.unit_price_vnd,
        line_total_vnd=line.line_total_vnd,
        status=line.status.value,
        reason=line.reason,
    )
