"""A location's stock under /api/v1/sales-points/{code}: levels, ledger, expiry, compliance,
reordering, and the documents made there (receipts, write-offs, producer returns, counts,
transfers). One controller, as the paths share its location and guard; the documents read
by id afterwards are in ``documents.py``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog.sellability import today
from shop.inventory import access, schemas
from shop.inventory.documents import counts, receipts, views, write_offs
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
from shop.params import OptionalId

Days = Annotated[int, Parameter(ge=1, le=3650, description="30, 60 or 90 on the screens")]


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
