"""Stock documents by id under /api/v1: a receipt, a transfer (created, sent, received or
cancelled from either end) and a count (recorded, reviewed, posted or cancelled). Those made
at one location are listed and started from its stock (``stock.py``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post, put
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.catalog.sellability import today
from shop.inventory import schemas
from shop.inventory.documents import counts, receipts, transfers, views
from shop.params import Id


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
