"""Sales points and their stock under /api/v1.

Public: the list and detail of sales points. Logged in: a location's stock, ledger and
documents, within the user's scope (``shop.inventory.access``): a location outside it
answers 404. Each write is one transaction, committed where the handler ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, patch, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_admin, requires_login
from shop.catalog.sellability import today
from shop.inventory import access, locations, schemas, services
from shop.inventory.documents import counts, receipts, transfers, views, write_offs
from shop.inventory.documents.models import TransferStatus
from shop.inventory.models import DocumentKind, MovementKind, Ownership
from shop.inventory.planning import fairs, low_stock
from shop.inventory.queries import shelf, stock
from shop.paging import (
    DEFAULT_PAGE_SIZE,
    Page,
    PageNumber,
    PageSize,
    page_of,
    page_of_list,
    paginate,
    paginate_scalars,
)
from shop.params import Id, OptionalId

Days = Annotated[int, Parameter(ge=1, le=3650, description="30, 60 or 90 on the screens")]


class SalesPointController(Controller):
    path = "/api/v1/sales-points"
    tags = ["sales points"]

    @get("/", operation_id="listSalesPoints", summary="Sales points and open trade fairs")
    async def list_sales_points(
        self, session: AsyncSession, page: PageNumber = 1, page_size: PageSize = DEFAULT_PAGE_SIZE
    ) -> Page[schemas.SalesPointOut]:
        stmt = services.open_locations_select(on=today())
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        return page_of(await services.outs(session, found), total, page=page, page_size=page_size)

    @get("/{code:str}", operation_id="getSalesPoint")
    async def get_sales_point(self, session: AsyncSession, code: str) -> schemas.SalesPointOut:
        return await services.sales_point_detail(session, code)

    @post("/", operation_id="createLocation", guards=[requires_admin], security=[{"bearer": []}])
    async def create_location(self, session: AsyncSession, data: schemas.LocationIn) -> schemas.SalesPointOut:
        """A sales point, trade fair or producer warehouse (the office)."""
        location = await locations.create_location(session, data)
        (out,) = await services.outs(session, [location])
        await session.commit()
        return out

    @patch("/{code:str}", operation_id="updateLocation", guards=[requires_admin], security=[{"bearer": []}])
    async def update_location(
        self, session: AsyncSession, code: str, data: schemas.LocationPatch
    ) -> schemas.SalesPointOut:
        location = await locations.update_location(session, code, data)
        (out,) = await services.outs(session, [location])
        await session.commit()
        return out


class StockController(Controller):
    """A location's stock (any kind: sales point, fair or producer warehouse)."""

    path = "/api/v1/sales-points/{code:str}"
    tags = ["stock"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get("/stock", operation_id="listStock", summary="Stock levels: on hand, reserved, available, batches")
    async def stock(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        q: Annotated[str | None, Parameter(max_length=200, description="name, or a scanned barcode")] = None,
        ownership: Literal["owned", "consigned"] | None = None,
        low: bool = False,
        expiring_within: Days | None = None,
        product_id: OptionalId = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.StockOut]:
        user = actor(request)
        location = await access.location(session, user, code)
        filters = stock.StockFilter(
            q=q,
            producer_id=access.only_producer(user, location),
            ownership=Ownership(ownership) if ownership else None,
            low=low,
            expiring_within=expiring_within,
            product_id=product_id,
        )
        return await stock.stock_list(
            session, location, filters, page=page, page_size=page_size, today=today()
        )

    @get("/movements", operation_id="listMovements", summary="The stock ledger, newest first")
    async def movements(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        product_id: OptionalId = None,
        kind: MovementKind | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.MovementOut]:
        user = actor(request)
        location = await access.location(session, user, code)
        filters = stock.MovementFilter(
            product_id=product_id,
            producer_id=access.only_producer(user, location),
            kind=kind,
            since=since,
            until=until,
        )
        return await stock.movements(session, location, filters, page=page, page_size=page_size)

    @get("/expiring", operation_id="listExpiring", summary="Batches on hand expiring within N days")
    async def expiring(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        days: Days = 30,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.ExpiringOut]:
        user = actor(request)
        location = await access.location(session, user, code)
        on = today()
        stmt = shelf.expiring_select(
            location, days=days, today=on, producer_id=access.only_producer(user, location)
        )
        rows, total = await paginate(session, stmt, page=page, page_size=page_size)
        items = await shelf.expiring_outs(session, rows, today=on)
        return page_of(items, total, page=page, page_size=page_size)

    @get("/compliance", operation_id="getCompliance", summary="Share of OCOP-certified and local products")
    async def compliance(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> schemas.ComplianceOut:
        location = await access.location(session, actor(request), code, change=True)
        return await shelf.compliance(session, location, today=today())

    @get("/reorder", operation_id="listReorder", summary="Low stock and reorder suggestions")
    async def reorder(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.ReorderOut]:
        """Computed per product from sales, stock and minimums, then paged (its total is the
        number of products to reorder at this location)."""
        location = await access.location(session, actor(request), code, change=True)
        found = await low_stock.reorder(session, location, today=today())
        return page_of_list(found, page=page, page_size=page_size)

    @put("/thresholds", operation_id="setThresholds", summary="Low-stock minimums (managers)")
    async def thresholds(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: schemas.ThresholdsIn
    ) -> dict[str, int]:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        access.require_manager(user)
        updated = await low_stock.set_thresholds(session, location, data.lines)
        await session.commit()
        return {"updated": updated}

    @post("/receipts", operation_id="receiveGoods", summary="Goods received from a producer")
    async def receive(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: schemas.ReceiptIn
    ) -> schemas.ReceiptOut:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        receipt = await receipts.receive(session, user, location, data, today=today())
        out = await receipts.receipt_out(session, receipt)
        await session.commit()
        return out

    @post("/write-offs", operation_id="writeOff", summary="Damaged, expired or lost goods")
    async def write_off(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: schemas.WriteOffIn
    ) -> schemas.WriteOffOut:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        document = await write_offs.write_off(session, user, location, data)
        out = schemas.WriteOffOut(
            id=document.id,
            location=location.code,
            reason=document.reason.value,
            note=document.note,
            at=document.at,
            user=user.username,
            lines=await write_offs.movement_lines(session, DocumentKind.write_off, document.id),
        )
        await session.commit()
        return out

    @post("/producer-returns", operation_id="returnToProducer", summary="Unsold goods back to the producer")
    async def producer_return(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        data: schemas.ProducerReturnIn,
    ) -> schemas.ProducerReturnOut:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        document = await write_offs.return_to_producer(session, user, location, data)
        out = schemas.ProducerReturnOut(
            id=document.id,
            location=location.code,
            producer_code=data.producer_code,
            note=document.note,
            at=document.at,
            user=user.username,
            lines=await write_offs.movement_lines(session, DocumentKind.producer_return, document.id),
        )
        await session.commit()
        return out

    @post("/counts", operation_id="startCount", summary="A stock count (post it at once with post=true)")
    async def start_count(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, data: schemas.CountIn
    ) -> schemas.CountOut:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        count = await counts.create(session, user, location, data)
        out = await views.count_out(session, user, count)
        await session.commit()
        return out

    @get("/counts", operation_id="listCounts")
    async def list_counts(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.CountOut]:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        found, total = await paginate_scalars(
            session, views.counts_select(location), page=page, page_size=page_size
        )
        items = [await views.count_out(session, user, c) for c in found]
        return page_of(items, total, page=page, page_size=page_size)

    @get("/transfers", operation_id="listLocationTransfers", summary="Transfers in and out")
    async def list_transfers(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        direction: Literal["in", "out"] | None = None,
        status: TransferStatus | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.TransferOut]:
        location = await access.location(session, actor(request), code, change=True)
        stmt = views.transfers_select(location, direction=direction, status=status)
        found, total = await paginate_scalars(session, stmt, page=page, page_size=page_size)
        items = [await views.transfer_out(session, t) for t in found]
        return page_of(items, total, page=page, page_size=page_size)

    @get(
        "/reconciliation", operation_id="getReconciliation", summary="What is left at a fair, and from where"
    )
    async def reconciliation(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> schemas.ReconciliationOut:
        location = await access.location(session, actor(request), code, change=True)
        return await fairs.reconciliation(session, location, today=today())


class ReceiptController(Controller):
    path = "/api/v1/receipts"
    tags = ["stock"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get("/{receipt_id:int}", operation_id="getReceipt")
    async def get_receipt(
        self, request: Request[Any, Any, Any], session: AsyncSession, receipt_id: Id
    ) -> schemas.ReceiptOut:
        receipt = await receipts.find(session, actor(request), receipt_id)
        return await receipts.receipt_out(session, receipt)


class TransferController(Controller):
    path = "/api/v1/transfers"
    tags = ["stock"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @post("/", operation_id="createTransfer", summary="A draft transfer (or sent at once with send=true)")
    async def create(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: schemas.TransferIn
    ) -> schemas.TransferOut:
        transfer = await transfers.create(session, actor(request), data, today=today())
        out = await views.transfer_out(session, transfer)
        await session.commit()
        return out

    @get("/{transfer_id:int}", operation_id="getTransfer")
    async def get_transfer(
        self, request: Request[Any, Any, Any], session: AsyncSession, transfer_id: Id
    ) -> schemas.TransferOut:
        return await views.transfer_out(session, await transfers.find(session, actor(request), transfer_id))

    @post("/{transfer_id:int}/send", operation_id="sendTransfer", status_code=200)
    async def send(
        self, request: Request[Any, Any, Any], session: AsyncSession, transfer_id: Id
    ) -> schemas.TransferOut:
        transfer = await transfers.send(session, actor(request), transfer_id, today=today())
        out = await views.transfer_out(session, transfer)
        await session.commit()
        return out

    @post("/{transfer_id:int}/receive", operation_id="receiveTransfer", status_code=200)
    async def receive(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        transfer_id: Id,
        data: schemas.TransferReceiveIn | None = None,
    ) -> schemas.TransferOut:
        received = data or schemas.TransferReceiveIn()
        transfer = await transfers.receive(session, actor(request), transfer_id, received, today=today())
        out = await views.transfer_out(session, transfer)
        await session.commit()
        return out

    @post("/{transfer_id:int}/cancel", operation_id="cancelTransfer", status_code=200)
    async def cancel(
        self, request: Request[Any, Any, Any], session: AsyncSession, transfer_id: Id
    ) -> schemas.TransferOut:
        transfer = await transfers.cancel(session, actor(request), transfer_id)
        out = await views.transfer_out(session, transfer)
        await session.commit()
        return out


class CountController(Controller):
    path = "/api/v1/counts"
    tags = ["stock"]
    guards = [requires_login]
    security = [{"bearer": []}]

    @get("/{count_id:int}", operation_id="getCount")
    async def get_count(
        self, request: Request[Any, Any, Any], session: AsyncSession, count_id: Id
    ) -> schemas.CountOut:
        user = actor(request)
        return await views.count_out(session, user, await counts.find(session, user, count_id))

    @get(
        "/{count_id:int}/review",
        operation_id="reviewCount",
        summary="What posting will change: lines counted, units and value lost and found, the largest "
        "differences, the lines that need a reason (figures hidden on an open blind count)",
    )
    async def review_count(
        self, request: Request[Any, Any, Any], session: AsyncSession, count_id: Id
    ) -> schemas.CountReviewOut:
        return await views.review_out(session, await counts.find(session, actor(request), count_id))

    @put("/{count_id:int}/lines", operation_id="recordCountLines", summary="Counted quantities")
    async def record(
        self, request: Request[Any, Any, Any], session: AsyncSession, count_id: Id, data: schemas.CountLinesIn
    ) -> schemas.CountOut:
        user = actor(request)
        count = await counts.record(session, user, count_id, data.lines)
        out = await views.count_out(session, user, count)
        await session.commit()
        return out

    @post("/{count_id:int}/post", operation_id="postCount", status_code=200, summary="Post the adjustments")
    async def post_count(
        self, request: Request[Any, Any, Any], session: AsyncSession, count_id: Id
    ) -> schemas.CountOut:
        user = actor(request)
        count = await counts.post(session, user, count_id)
        out = await views.count_out(session, user, count)
        await session.commit()
        return out

    @post("/{count_id:int}/cancel", operation_id="cancelCount", status_code=200)
    async def cancel(
        self, request: Request[Any, Any, Any], session: AsyncSession, count_id: Id
    ) -> schemas.CountOut:
        user = actor(request)
        count = await counts.cancel(session, user, count_id)
        out = await views.count_out(session, user, count)
        await session.commit()
        return out
