"""Order pages: the customer's tracking page (by its link token) and the office's view of
online orders (bank transfers to confirm, flagged orders; admins only). Both call the same
services as ``/api/v1/orders/…``."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin
from shop.catalog.sellability import today
from shop.db import READS_ONLY
from shop.db_types import utcnow
from shop.errors import DomainError, InvalidInput, NotFound, field_error
from shop.geo.models import Place
from shop.i18n import N_, gettext
from shop.inventory.models import Location
from shop.orders import fulfilment_queue, lookup, office, tracking, views
from shop.orders.api.orders import Token
from shop.orders.models import Fulfilment, Order, OrderStatus, PaymentMethod
from shop.orders.placing import send_mail, start_payment
from shop.params import Id
from shop.payments import banks
from shop.payments import services as payments
from shop.payments.models import Payment
from shop.settings import Settings
from shop.till import vietqr


async def _pickup(session: AsyncSession, location_id: int | None) -> tuple[Location, str | None] | None:
    """The pickup point and the name of its commune (for its address and a map link)."""
    if location_id is None:
        return None
    location = await session.get(Location, location_id)
    if location is None:
        return None
    place = await session.get(Place, location.place_id) if location.place_id else None
    return location, place.name if place else None


def _awaits_transfer(order: Order) -> bool:
    return (
        order.payment_method == PaymentMethod.bank_transfer and order.status == OrderStatus.awaiting_payment
    )


class OrderPages(Controller):
    """The tracking page: status, each fulfilment's progress, where to collect, the way to
    pay what is owed."""

    include_in_schema = False

    @get("/orders/{number:str}", opt={READS_ONLY: True})
    async def order(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        number: str,
        token: Token = None,
    ) -> Template:
        settings: Settings = request.app.state.settings
        paid: views.Paid | None
        order, paid = await views.find_shown(session, number, token)
        instructions = None
        if _awaits_transfer(order):
            instructions = await payments.start(session, settings, order)
            paid = None  # read again, after the provider's start
        shown = await views.order_shown(session, settings, order, instructions, paid)
        out = shown.order
        pickup = await _pickup(session, order.pickup_location_id)
        parcels = {f.id: tracking.Parcel.prepared_at(f.status, f.kind) for f in out.fulfilments}
        return Template(
            "orders/order.html",
            context={
                "order": out,
                "pictures": shown.pictures,
                "progress": tracking.overall(out.status, out.delivery_method, list(parcels.values())),
                "parcels": parcels,
                "steps": {fid: tracking.steps(parcel) for fid, parcel in parcels.items()},
                "carrier_links": {
                    f.id: tracking.carrier_link(f.carrier, f.tracking_number) for f in out.fulfilments
                },
                "pickup": pickup[0] if pickup else None,
                "pickup_place": pickup[1] if pickup else None,
                "bank": banks.bank_name(out.transfer.bank_bin) if out.transfer else None,
                "placed": request.query_params.get("placed") == "1",
                "returned_paid": request.query_params.get("paid") == "1",
                "payment_unavailable": request.query_params.get("payment") == "unavailable",
                "can_pay": order.payment_method.value == "card"
                and order.status == OrderStatus.awaiting_payment,
            },
        )

    @get("/orders/{number:str}/vietqr.png")
    async def vietqr_png(
        self, request: Request[Any, Any, Any], session: AsyncSession, number: str, token: Token = None
    ) -> Response[bytes]:
        """The transfer's VietQR code as an image, for the email (mail clients show no inline
        SVG) and to save to a phone's gallery for the banking app."""
        settings: Settings = request.app.state.settings
        order = await lookup.find(session, number, token)
        if not (_awaits_transfer(order) and settings.bank_bin and settings.bank_account_number):
            raise NotFound(N_("No transfer is awaited for order {number}."), number=number)
        data = vietqr.payload(
            bank_bin=settings.bank_bin,
            account=settings.bank_account_number,
            amount=order.total_vnd,
            reference=order.number,
        )
        import segno  # imported here: QR codes are drawn on a few pages only (segno costs about 9 MiB)

        out = io.BytesIO()
        segno.make(data, error="m").save(out, kind="png", scale=8, border=2)
        return Response(
            out.getvalue(), media_type="image/png", headers={"Cache-Control": "private, no-store"}
        )

    @post("/orders/{number:str}/pay")
    async def pay(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        number: str,
        token: Token = None,
    ) -> Redirect:
        settings: Settings = request.app.state.settings
        order = await lookup.find(session, number, token)
        track = f"/orders/{order.number}?token={order.token}"
        try:
            instructions = await start_payment(session, settings, order)
        except DomainError:
            return Redirect(path=track + "&payment=unavailable", status_code=303)
        if instructions and instructions.redirect_url:
            return Redirect(path=instructions.redirect_url, status_code=303)
        return Redirect(path=track, status_code=303)


View = Literal["to_confirm", "flagged", "late", "recent"]


def _query(view: View) -> sa.Select[Any]:
    stmt = sa.select(Order)
    if view == "to_confirm":
        stmt = stmt.where(
            Order.payment_method == PaymentMethod.bank_transfer, Order.status == OrderStatus.awaiting_payment
        )
    elif view == "flagged":
        stmt = stmt.where(Order.flag.is_not(None))
    return stmt.order_by(Order.id.desc()).limit(200)


class OfficeOrderPages(Controller):
    path = "/office/orders"
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def orders(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: Annotated[View, Parameter()] = "to_confirm",
    ) -> Template:
        return await self._page(request, session, view)

    async def _page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        view: View,
        error: str | None = None,
        status: int = 200,
    ) -> Template:
        orders = [] if view == "late" else list(await session.scalars(_query(view)))
        late = await office.late(session, now=utcnow()) if view == "late" else []
        done = request.query_params.get("done")
        return Template(
            "orders/office_orders.html",
            context={
                "orders": orders,
                "references": await _bank_references(session, [o.id for o in orders]),
                "progress": await _progress(session, orders),
                "late": late,
                "view": view,
                "error": error,
                "done": _done(request.query_params.get("moved"), done),
            },
            status_code=status,
        )

    @post("/{number:str}/transfer-received")
    async def transfer_received(
        self, request: Request[Any, Any, Any], session: AsyncSession, number: str
    ) -> Template | Redirect:
        settings: Settings = request.app.state.settings
        form = await request.form()
        try:
            amount = int(str(form.get("amount_vnd", "")).replace(".", "").replace(",", "").strip())
            if amount <= 0:
                raise ValueError(amount)
        except ValueError:
            return await self._page(
                request, session, "to_confirm", gettext("Enter the amount received."), 422
            )
        reference = " ".join(str(form.get("bank_reference") or "").split())
        if not 3 <= len(reference) <= 100:
            message = gettext("Enter the bank's reference of the transfer, as on the bank statement.")
            return await self._page(request, session, "to_confirm", message, 422)
        try:
            order = await lookup.find_by_number(session, number)
            await payments.confirm_transfer(
                session,
                settings,
                order,
                amount_vnd=amount,
                by=actor(request).username,
                on=today(),
                reference=reference,
            )
        except DomainError as refused:
            await session.rollback()
            return await self._page(request, session, "to_confirm", refused.detail, refused.status_code)
        await session.commit()
        return Redirect(path=f"/office/orders/?done={number}", status_code=303, background=send_mail(request))

    @post("/fulfilments/{fulfilment_id:int}/reassign")
    async def reassign(
        self, request: Request[Any, Any, Any], session: AsyncSession, fulfilment_id: Id
    ) -> Template | Redirect:
        user = actor(request)
        form = await request.form()
        code, reason = str(form.get("location_code") or "").strip(), str(form.get("reason") or "").strip()
        try:
            f, _ = await fulfilment_queue.find(session, user, fulfilment_id)
            target = await session.scalar(
                sa.select(Location).where(Location.code == code, Location.is_active.is_(True))
            )
            if target is None:
                raise InvalidInput(
                    errors=[field_error("location_code", N_("No location {code}."), code=code)]
                )
            if len(reason) < 3:
                raise InvalidInput(errors=[field_error("reason", N_("Say why it goes elsewhere."))])
            due = utcnow() + dt.timedelta(hours=request.app.state.settings.accept_within_hours)
            await office.reassign(
                session,
                f,
                target,
                actor=user.username,
                reason=reason,
                due=due,
                on=today(),
                base_url=request.app.state.settings.base_url,
            )
        except DomainError as refused:
            await session.rollback()
            messages = [str(e["message"]) for e in refused.errors if e.get("message")] or [refused.detail]
            return await self._page(request, session, "late", "; ".join(messages), refused.status_code)
        await session.commit()
        return Redirect(
            path=f"/office/orders/?view=late&moved={code}", status_code=303, background=send_mail(request)
        )


async def _progress(session: AsyncSession, orders: list[Order]) -> dict[int, str]:
    """Each order's state as its parcels make it (the customer's page says the same): an
    order stays "placed" while its parcels are shipped and delivered."""
    if not orders:
        return {}
    rows = await session.execute(
        sa.select(Fulfilment.order_id, Fulfilment.status, Location.kind)
        .join(Location, Location.id == Fulfilment.location_id)
        .where(Fulfilment.order_id.in_([o.id for o in orders]))
    )
    parcels: dict[int, list[tracking.Parcel]] = {}
    for order_id, status, kind in rows.all():
        parcels.setdefault(order_id, []).append(tracking.Parcel.prepared_at(status, kind))
    return {
        o.id: tracking.overall(o.status.value, o.delivery_method.value, parcels.get(o.id, [])) for o in orders
    }


async def _bank_references(session: AsyncSession, order_ids: list[int]) -> dict[int, str]:
    """The bank's reference of each confirmed transfer, by order."""
    if not order_ids:
        return {}
    rows = await session.execute(
        sa.select(Payment.order_id, Payment.bank_reference).where(
            Payment.order_id.in_(order_ids), Payment.bank_reference.is_not(None)
        )
    )
    return {order_id: str(reference) for order_id, reference in rows.all()}


def _done(moved: str | None, confirmed: str | None) -> str | None:
    if moved:
        return gettext("Moved to %(code)s; its people have been told.") % {"code": moved}
    if confirmed:
        return gettext("Transfer confirmed for order %(number)s.") % {"number": confirmed}
    return None
