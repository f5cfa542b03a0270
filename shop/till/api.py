"""The till under /api/v1: sales, returns, shifts, the till's product list, clearances.

A sale answers 201 when it is recorded and 200 when the same sale (same id, same payload)
was recorded before, so a till syncing its queue can tell the two apart; another payload
under a known id is a 409. Each write is one transaction, committed where the handler ends.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.catalog.sellability import today
from shop.errors import Conflict, NotFound
from shop.i18n import N_
from shop.inventory import access
from shop.inventory.models import Location
from shop.paging import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    Page,
    PageNumber,
    PageSize,
    page_of,
    paginate,
    paginate_scalars,
)
from shop.params import Id
from shop.till import clearances, returns, sales, shifts, vietqr, views
from shop.till.models import Sale
from shop.till.schemas import (
    ClearanceIn,
    ClearanceOut,
    ReturnIn,
    ReturnOut,
    SaleIn,
    SaleOut,
    ShiftCloseIn,
    ShiftIn,
    ShiftOut,
    TillProductOut,
    VietQrOut,
)


class TillController(Controller):
    path = "/api/v1/sales-points/{code:str}"
    tags = ["till"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @post(
        "/sales",
        operation_id="recordSale",
        summary="A till sale (idempotent by its id)",
        responses={200: ResponseSpec(SaleOut, description="The sale this id already recorded")},
    )
    async def record_sale(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: SaleIn
    ) -> Response[SaleOut]:
        user = actor(request)
        location, done = await sales.record_at(session, user, code, data)  # its location checked
        if isinstance(done, sales.Recorded):
            out = views.recorded_out(done, location, user.username)
            await session.commit()
            return Response(out, status_code=201)
        return Response(await views.sale_out(session, done, location), status_code=200)

    @get("/sales", operation_id="listSales", summary="Recent sales, newest first; q finds a receipt number")
    async def list_sales(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        q: Annotated[str | None, Parameter(max_length=60)] = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[SaleOut]:
        location = await access.location(session, actor(request), code, change=True)
        stmt = views.sales_select(location, q=q)
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        return page_of(await views.sale_outs(session, found, location), total, page=page, page_size=page_size)

    @get("/till/products", operation_id="listTillProducts", summary="What the till sells, for offline use")
    async def till_products(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        page: PageNumber = 1,
        page_size: PageSize = MAX_PAGE_SIZE,
    ) -> Page[TillProductOut]:
        """The till reads every page (the largest by default) and keeps them for offline use."""
        location = await access.location(session, actor(request), code, change=True)
        on = today()
        stmt = views.till_products_select(location, on=on)
        rows, total = await paginate(session, stmt, page=page, page_size=page_size)
        items = await views.till_product_outs(session, location, rows, on=on)
        return page_of(items, total, page=page, page_size=page_size)

    @get(
        "/vietqr",
        operation_id="getVietQr",
        summary="A VietQR code to pay this location by bank transfer",
        opt={"problems": (409,)},  # the location has no bank account yet
    )
    async def vietqr(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        amount: Annotated[int | None, Parameter(ge=1, le=10_000_000_000)] = None,
        reference: Annotated[str, Parameter(max_length=60)] = "",
    ) -> VietQrOut:
        location = await access.location(session, actor(request), code, change=True)
        return payment_qr(location, amount, reference)

    @post("/shifts", operation_id="openShift", summary="Open the cashier's shift with a float")
    async def open_shift(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: ShiftIn
    ) -> ShiftOut:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        shift = await shifts.open_shift(session, user, location, data)
        out = await views.shift_out(session, shift, location)
        await session.commit()
        return out

    @get("/shifts", operation_id="listShifts", summary="Recent shifts with their reports")
    async def list_shifts(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[ShiftOut]:
        location = await access.location(session, actor(request), code, change=True)
        stmt = shifts.shifts_select(location)
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        items = [await views.shift_out(session, shift, location) for shift in found]
        return page_of(items, total, page=page, page_size=page_size)

    @get("/shifts/{shift_id:int}", operation_id="getShift", summary="A shift and its X- or Z-report")
    async def get_shift(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, shift_id: Id
    ) -> ShiftOut:
        location = await access.location(session, actor(request), code, change=True)
        return await views.shift_out(session, await shifts.find(session, location, shift_id), location)

    @post(
        "/shifts/{shift_id:int}/close", operation_id="closeShift", status_code=200, summary="Close: Z-report"
    )
    async def close_shift(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        shift_id: Id,
        data: ShiftCloseIn,
    ) -> ShiftOut:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        shift = await shifts.close(session, user, location, shift_id, data)
        out = await views.shift_out(session, shift, location)
        await session.commit()
        return out


def payment_qr(location: Location, amount: int | None, reference: str) -> VietQrOut:
    """The location's VietQR for this amount; 409 when it has no bank account on file."""
    if not (location.bank_bin and location.bank_account_number):
        raise Conflict(
            N_("{location} has no bank account for transfers: the office sets it."),
            location=location.name,
            error_code="no_bank_account",
        )
    data = vietqr.payload(
        bank_bin=location.bank_bin, account=location.bank_account_number, amount=amount, reference=reference
    )
    return VietQrOut(
        payload=data,
        svg=vietqr.svg(data),
        account=location.bank_account_number,
        holder=location.bank_account_name,
        amount=amount,
        reference=vietqr.purpose(reference),
    )


async def sale_in_scope(
    request: Request[Any, Any, Any], session: AsyncSession, sale_id: uuid.UUID
) -> tuple[Sale, Location]:
    """The sale if the user works where it was made; else 404, as if it did not exist."""
    sale = await sales.find(session, sale_id)
    location = await session.get(Location, sale.location_id) if sale else None
    if sale is None or location is None or not access.can_change(actor(request), location):
        raise NotFound(N_("No sale {id}."), id=str(sale_id))
    return sale, location


class SaleController(Controller):
    path = "/api/v1/sales"
    tags = ["till"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get("/{sale_id:uuid}", operation_id="getSale", summary="A sale as its receipt shows it")
    async def get_sale(
        self, request: Request[Any, Any, Any], session: AsyncSession, sale_id: uuid.UUID
    ) -> SaleOut:
        sale, location = await sale_in_scope(request, session, sale_id)
        return await views.sale_out(session, sale, location)

    @post(
        "/{sale_id:uuid}/returns",
        operation_id="returnGoods",
        summary="A return against a receipt",
        responses={200: ResponseSpec(ReturnOut, description="The return this id already recorded")},
    )
    async def record_return(
        self, request: Request[Any, Any, Any], session: AsyncSession, sale_id: uuid.UUID, data: ReturnIn
    ) -> Response[ReturnOut]:
        user = actor(request)
        sale, location = await sale_in_scope(request, session, sale_id)
        document, new = await returns.record(session, user, location, sale, data)
        out = await views.return_out(session, document, sale, location)
        await session.commit()
        return Response(out, status_code=201 if new else 200)


class ClearanceController(Controller):
    """The office's overrides for selling off stock of products no longer certified."""

    path = "/api/v1/clearances"
    tags = ["till"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @post("/", operation_id="grantClearance")
    async def grant(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: ClearanceIn
    ) -> ClearanceOut:
        clearance = await clearances.grant(session, actor(request), data)
        (out,) = await views.clearance_outs(session, [clearance])
        await session.commit()
        return out

    @get("/", operation_id="listClearances")
    async def listing(
        self,
        session: AsyncSession,
        active: bool = True,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[ClearanceOut]:
        stmt = clearances.listing_select(active_only=active)
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        return page_of(await views.clearance_outs(session, found), total, page=page, page_size=page_size)

    @post("/{clearance_id:int}/revoke", operation_id="revokeClearance", status_code=200)
    async def revoke(self, session: AsyncSession, clearance_id: Id) -> ClearanceOut:
        clearance = await clearances.revoke(session, clearance_id)
        (out,) = await views.clearance_outs(session, [clearance])
        await session.commit()
        return out
