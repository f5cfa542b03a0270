"""The till's screens under /pos/: the till itself, receipts (80 mm and A5), returns, shifts.

The till page is a shell: ``/static/till.js`` sells from a product list it keeps in the
browser and sends each sale, return and shift change to the same API as any device,
queueing them in IndexedDB while the network is down. A service worker (``/pos/sw.js``, see
offline.py) keeps the shell itself, so the till opens with no network at all. Receipts,
returns and shifts are also plain forms over the same services as the API.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from litestar import Controller, Request, Response, get, post
from litestar.params import Parameter
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.errors import DomainError, NotFound
from shop.i18n import N_, _
from shop.inventory import access
from shop.inventory.models import Location, LocationKind
from shop.inventory.pages.base import done, new_client_id, render
from shop.inventory.pages.forms import Form, Row, integer
from shop.invoices import status as invoice_status
from shop.invoices.models import InvoiceStatus, SourceKind
from shop.params import Id
from shop.settings import Settings
from shop.till import offline, returns, sales, shifts, vietqr, views
from shop.till.models import Sale, ShiftStatus
from shop.till.schemas import (
    BUYER_ADDRESS_MAX,
    BUYER_EMAIL,
    BUYER_EMAIL_MAX,
    BUYER_NAME_MAX,
    BUYER_TAX_CODE,
    CountedIn,
    ReturnIn,
    ReturnLineIn,
    ShiftCloseIn,
    ShiftIn,
)

# The buyer's form on the till checks what the API checks (BuyerIn): the same patterns and lengths.
BUYER_RULES = {
    "tax_code": BUYER_TAX_CODE,
    "email": BUYER_EMAIL,
    "name_max": BUYER_NAME_MAX,
    "address_max": BUYER_ADDRESS_MAX,
    "email_max": BUYER_EMAIL_MAX,
}


async def _till_location(request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Location:
    location = await access.location(session, actor(request), code, change=True)
    if location.kind is LocationKind.producer:  # a warehouse sells nothing over a counter
        raise NotFound(N_("No location {code}."), code=code)
    return location


async def _sale(session: AsyncSession, location: Location, sale_id: uuid.UUID) -> Sale:
    sale = await sales.find(session, sale_id)
    if sale is None or sale.location_id != location.id:
        raise NotFound(N_("No sale {id}."), id=str(sale_id))
    return sale


def _money(form: Form, name: str) -> int:
    """A typed amount in đồng ("150.000", "150 000" and "150000" alike); errors on the form."""
    text = form.get(name).replace(".", "").replace(",", "").replace(" ", "")
    if not text:
        return 0
    if not text.isdigit() or len(text) > 11:
        form.error(name, _("Type an amount in đồng."))
        return 0
    return int(text)


def _report(form: Form, error: DomainError) -> None:
    """A refusal on the page: its message and what it says of each field."""
    form.error("", error.detail)
    for item in error.errors:
        if message := item.get("message"):
            form.error("", str(message))


async def _form(request: Request[Any, Any, Any]) -> Form:
    data = await request.form()
    return Form(values={k: str(v).strip() for k, v in data.items() if isinstance(v, str)})


class TillPages(Controller):
    path = "/pos"
    include_in_schema = False
    guards = (requires_login,)

    @get("/till")
    async def my_till(self, request: Request[Any, Any, Any], session: AsyncSession) -> Redirect:
        """``/pos/till``: straight to the till of the user's sales point."""
        mine = [
            loc
            for loc in await access.locations_of(session, actor(request))
            if loc.kind is not LocationKind.producer
        ]
        return Redirect(path=f"/pos/{mine[0].code}/till" if len(mine) == 1 else "/pos/")

    @get("/sw.js")
    async def service_worker(
        self, v: Annotated[str | None, Parameter(max_length=64)] = None
    ) -> Response[str]:
        """The till's service worker (``v``: the version its page was built for); never cached
        over HTTP, so an update is seen at once."""
        return Response(
            offline.worker_script(v),
            media_type=offline.WORKER_TYPE,
            headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/pos/"},
        )

    @get("/{code:str}/manifest.webmanifest")
    async def manifest(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Response[dict[str, Any]]:
        """What makes the till installable on a tablet's home screen."""
        location = await _till_location(request, session, code)
        body = offline.manifest(
            code=location.code, name=f"{_('Till')} · {location.name}", short_name=_("Till")
        )
        return Response(body, media_type=offline.MANIFEST_TYPE)

    @get("/{code:str}/till")
    async def till(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Template:
        user = actor(request)
        location = await _till_location(request, session, code)
        shift = await shifts.open_shift_of(session, user, location)
        settings: Settings = request.app.state.settings
        static_qr = None
        if location.bank_bin and location.bank_account_number:
            static_qr = vietqr.svg(
                vietqr.payload(
                    bank_bin=location.bank_bin,
                    account=location.bank_account_number,
                    amount=None,
                    reference="",
                )
            )
        return render(
            request,
            "till/till.html",
            location,
            shift=shift,
            form=Form(values={"opening_float": ""}),
            static_qr=static_qr,
            base_url=settings.base_url,
            cashier=user.username,
            version=offline.version(),
            buyer=BUYER_RULES,
        )

    @post("/{code:str}/shifts/open")
    async def open_shift(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await _till_location(request, session, code)
        form = await _form(request)
        amount = _money(form, "opening_float")
        if not form.ok:
            return render(
                request,
                "till/till.html",
                location,
                status_code=422,
                shift=None,
                form=form,
                static_qr=None,
                cashier=user.username,
                version=offline.version(),
                buyer=BUYER_RULES,
            )
        await shifts.open_shift(session, user, location, ShiftIn(opening_float=amount))
        await session.commit()
        return done("shift_opened", f"/pos/{location.code}/till")

    @get("/{code:str}/shifts/")
    async def shift_list(self, request: Request[Any, Any, Any], session: AsyncSession, code: str) -> Template:
        location = await _till_location(request, session, code)
        found = await shifts.list_shifts(session, location, limit=30)
        outs = [await views.shift_out(session, s, location) for s in found]
        return render(request, "till/shifts.html", location, shifts=outs)

    @get("/{code:str}/shifts/{shift_id:int}")
    async def shift(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, shift_id: Id
    ) -> Template:
        location = await _till_location(request, session, code)
        return await self._shift_page(request, session, location, shift_id, Form(values={}))

    async def _shift_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        location: Location,
        shift_id: int,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        user = actor(request)
        shift = await shifts.find(session, location, shift_id)
        out = await views.shift_out(session, shift, location)
        may_close = shift.status is ShiftStatus.open and (
            shift.user_id == user.id or user.role.value in ("admin", "manager")
        )
        return render(
            request,
            "till/shift.html",
            location,
            status_code=status_code,
            shift=out,
            may_close=may_close,
            form=form,
        )

    @post("/{code:str}/shifts/{shift_id:int}/close")
    async def close_shift(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, shift_id: Id
    ) -> Template | Redirect:
        user = actor(request)
        location = await _till_location(request, session, code)
        form = await _form(request)
        counted = CountedIn(
            cash=_money(form, "cash"), bank_transfer=_money(form, "bank_transfer"), card=_money(form, "card")
        )
        if form.ok:
            try:
                await shifts.close(
                    session, user, location, shift_id, ShiftCloseIn(counted, form.get("note")[:500] or None)
                )
            except DomainError as error:
                await session.rollback()
                _report(form, error)
                location = await _till_location(request, session, code)  # reloaded after the rollback
        if not form.ok:
            return await self._shift_page(request, session, location, shift_id, form, status_code=422)
        await session.commit()
        return done("shift_closed", f"/pos/{location.code}/shifts/{shift_id}")

    @get("/{code:str}/sales/")
    async def sale_list(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, q: str | None = None
    ) -> Template:
        location = await _till_location(request, session, code)
        found = await views.recent_sales(session, location, q=(q or "")[:60] or None, limit=50)
        outs = await views.sale_outs(session, found, location)
        by_sale = await invoice_status.for_sources(session, SourceKind.till_sale, [s.id for s in found])
        invoices = {s.client_id: by_sale.get(s.id) for s in found}  # each sale's e-invoice, if queued
        return render(request, "till/sales.html", location, sales=outs, q=q or "", invoices=invoices)

    @get("/{code:str}/sales/{sale_id:uuid}")
    async def receipt(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        sale_id: uuid.UUID,
        layout: Literal["80mm", "58mm", "a5"] = "80mm",
        print_now: Annotated[bool, Parameter(query="print")] = False,
    ) -> Template:
        location = await _till_location(request, session, code)
        sale = await _sale(session, location, sale_id)
        out = await views.sale_out(session, sale, location)
        settings: Settings = request.app.state.settings
        qrs = {
            line.trace_code: vietqr.svg(f"{settings.base_url}/t/{line.trace_code}", scale=2)
            for line in out.lines
        }
        # Its e-invoice: the lookup code and a QR to the provider's lookup page once issued.
        invoice = await invoice_status.for_source(session, SourceKind.till_sale, sale.id)
        lookup = invoice_status.lookup_url()
        issued = invoice is not None and invoice.status == InvoiceStatus.issued
        return render(
            request,
            "till/receipt.html",
            location,
            sale=out,
            layout=layout,
            qrs=qrs,
            print_now=print_now,
            invoice=invoice,
            invoice_lookup=lookup,
            invoice_qr=vietqr.svg(lookup, scale=2) if issued else None,
        )

    @get("/{code:str}/sales/{sale_id:uuid}/return")
    async def return_form(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, sale_id: uuid.UUID
    ) -> Template:
        location = await _till_location(request, session, code)
        sale = await _sale(session, location, sale_id)
        return await self._return_page(
            request, session, location, sale, Form(values={"client_id": new_client_id()})
        )

    async def _return_page(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        location: Location,
        sale: Sale,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        out = await views.sale_out(session, sale, location)
        shift = await shifts.open_shift_of(session, actor(request), location)
        return render(
            request, "till/return.html", location, status_code=status_code, sale=out, form=form, shift=shift
        )

    @post("/{code:str}/sales/{sale_id:uuid}/return")
    async def record_return(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, sale_id: uuid.UUID
    ) -> Template | Redirect:
        user = actor(request)
        location = await _till_location(request, session, code)
        sale = await _sale(session, location, sale_id)
        form = await _form(request)
        lines = self._return_lines(form, await returns.returnables(session, sale))
        if not form.get("reason"):
            form.error("reason", _("Say why the goods come back."))
        if not lines and form.ok:
            form.error("", _("Choose how many of which products come back."))
        if form.ok:
            try:
                client_id = uuid.UUID(form.get("client_id"))
                data = ReturnIn(id=client_id, lines=lines, reason=form.get("reason")[:300])
                await returns.record(session, user, location, sale, data)
            except (ValueError, DomainError) as error:
                await session.rollback()
                if isinstance(error, DomainError):
                    _report(form, error)
                else:
                    form.error("", _("Reload the page and try again."))
        if not form.ok:
            location = await _till_location(request, session, code)  # reloaded after a rollback
            sale = await _sale(session, location, sale_id)
            return await self._return_page(request, session, location, sale, form, status_code=422)
        await session.commit()
        return done("customer_return", f"/pos/{location.code}/sales/{sale_id}")

    @staticmethod
    def _return_lines(form: Form, lines: list[returns.Returnable]) -> list[ReturnLineIn]:
        """One input per sale line (``qty-<line id>``, ``damaged-<line id>``), by product."""
        wanted: dict[tuple[int, bool], int] = {}
        for r in lines:
            name = f"qty-{r.line.id}"
            row = Row({name: form.get(name)})
            quantity = integer(row, name) or 0
            for message in row.errors.get(name, []):
                form.error(name, message)
            if quantity:
                key = (r.line.product_id, form.get(f"damaged-{r.line.id}") != "on")
                wanted[key] = wanted.get(key, 0) + quantity
        return [ReturnLineIn(product_id=p, quantity=q, restock=restock) for (p, restock), q in wanted.items()]
