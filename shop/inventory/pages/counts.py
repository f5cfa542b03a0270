"""Stock counts (kiểm kê) on the sales-point screens: the list, starting one, the count
sheet, saving counted quantities, posting the adjustments, cancelling.

The sheet is the service's own view (``views.count_out``): on an open blind count it carries
no expected figures, so the page cannot show them. Goods found that were not on the sheet
are added by scanning them; posting twice answers the service's friendly conflict.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import actor, requires_login
from shop.accounts.services import CurrentUser
from shop.catalog.sellability import today
from shop.errors import NotFound
from shop.i18n import N_, _
from shop.inventory import access
from shop.inventory.documents import counts, views
from shop.inventory.documents.models import StockCount
from shop.inventory.models import Location
from shop.inventory.pages.base import done, render
from shop.inventory.pages.forms import Form, Row, attempt, convert, integer, read, resolve, stocked
from shop.inventory.queries import stock
from shop.inventory.schemas import CountIn, CountLineOut, CountLinesIn, CountOut
from shop.params import Id

START_FIELDS = ("scope", "blind", "products", "note")
SHEET_COLUMNS = ("product_id", "product", "batch", "ownership", "counted", "reason")


def line_key(product_id: int | str, batch: str | None, ownership: str) -> str:
    return f"{product_id}|{batch or ''}|{ownership}"


def sheet_rows(out: CountOut) -> list[Row]:
    return [
        Row(
            {
                "product_id": str(line.product_id),
                "product": "",
                "batch": line.batch_code or "",
                "ownership": line.ownership,
                "counted": "" if line.counted is None else str(line.counted),
                "reason": line.reason or "",
            }
        )
        for line in out.lines
    ]


async def count_here(
    session: AsyncSession, user: CurrentUser, location: Location, count_id: int
) -> StockCount:
    count = await counts.find(session, user, count_id)
    if count.location_id != location.id:
        raise NotFound(N_("No stock count {id}."), id=count_id)
    return count


async def counted_lines(session: AsyncSession, form: Form) -> list[dict[str, Any]]:
    """The lines with a counted quantity: sheet lines by their keys, found goods by product."""
    form.used = [i for i, row in enumerate(form.rows) if row.get("counted")]
    rows = [form.rows[i] for i in form.used]
    await resolve(session, [row for row in rows if not row.get("product_id")])
    lines = []
    for row in rows:
        product_id = row.product.id if row.product else integer(row, "product_id", minimum=1)
        lines.append(
            {
                "product_id": product_id or 0,
                "counted": integer(row, "counted", required=True),
                "batch_code": row.get("batch") or None,
                "ownership": row.get("ownership") or None,
                "reason": row.get("reason") or None,
            }
        )
    return lines


class CountPages(Controller):
    path = "/pos/{code:str}/counts"
    include_in_schema = False
    guards = (requires_login,)

    @get("/")
    async def list_counts(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        return await self._list(request, session, location, Form(values={"scope": "full"}))

    async def _list(
        self, request: Request[Any, Any, Any], session: AsyncSession, location: Location, form: Form
    ) -> Template:
        return render(
            request,
            "pos/counts.html",
            location,
            status_code=200 if form.ok else form.status,
            items=await views.list_counts(session, actor(request), location),
            form=form,
            products=await stocked(session, location.id),
        )

    @post("/")
    async def start(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        form = read(await request.form(), START_FIELDS)

        async def call() -> StockCount | None:
            rows = [
                Row({"product": text.strip()}) for text in form.get("products").splitlines() if text.strip()
            ]
            await resolve(session, rows)
            for row in rows:
                for message in row.messages:
                    form.error("products", message)
            if not form.ok:
                return None
            payload = {
                "scope": form.get("scope") or "full",
                "blind": bool(form.get("blind")),
                "product_ids": sorted({row.product.id for row in rows if row.product}),
                "note": form.get("note") or None,
            }
            return await counts.create(session, user, location, convert(payload, CountIn))

        count = await attempt(
            session, form, call, {"product_ids": "products", "scope": "scope", "note": "note"}
        )
        if count is None:
            return await self._list(request, session, location, form)
        await session.commit()
        return done("count_started", f"/pos/{location.code}/counts/{count.id}")

    @get("/{count_id:int}")
    async def sheet(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, count_id: Id
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        out = await views.count_out(session, user, await count_here(session, user, location, count_id))
        return await self._sheet(request, session, location, out, Form(rows=sheet_rows(out)))

    async def _sheet(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        location: Location,
        out: CountOut,
        form: Form,
    ) -> Template:
        refs = await stock.product_refs(session, {line.product_id for line in out.lines}, on=today())
        info: dict[str, CountLineOut] = {
            line_key(line.product_id, line.batch_code, line.ownership): line for line in out.lines
        }
        rows = [
            (row, info.get(line_key(row.get("product_id"), row.get("batch"), row.get("ownership"))))
            for row in form.rows
        ]
        return render(
            request,
            "pos/count.html",
            location,
            status_code=200 if form.ok else form.status,
            count=out,
            form=form,
            rows=rows,
            gtins={pid: ref.gtin or "" for pid, ref in refs.items()},
            show_expected=not (out.blind and out.status == "open"),
            products=await stocked(session, location.id),
        )

    @post("/{count_id:int}/lines")
    async def save(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, count_id: Id
    ) -> Template | Redirect:
        return await self._write(request, session, code, count_id, post_it=False)

    @post("/{count_id:int}/post")
    async def post_count(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, count_id: Id
    ) -> Template | Redirect:
        return await self._write(request, session, code, count_id, post_it=True)

    @post("/{count_id:int}/review")
    async def save_and_review(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, count_id: Id
    ) -> Template | Redirect:
        """Save what was typed, then read what posting would change before doing it."""
        return await self._write(request, session, code, count_id, post_it=False, then_review=True)

    @get("/{count_id:int}/review")
    async def review(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, count_id: Id
    ) -> Template:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        count = await count_here(session, user, location, count_id)
        return await self._review(request, session, location, count, Form())

    async def _review(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        location: Location,
        count: StockCount,
        form: Form,
    ) -> Template:
        return render(
            request,
            "pos/count_review.html",
            location,
            status_code=200 if form.ok else form.status,
            count=await views.count_out(session, actor(request), count),
            review=await views.review_out(session, count),
            form=form,
            typed={
                line_key(row.get("product_id"), row.get("batch"), row.get("ownership")): row.get("reason")
                for row in form.rows
            },
            line_key=line_key,
        )

    async def _write(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        code: str,
        count_id: int,
        *,
        post_it: bool,
        then_review: bool = False,
    ) -> Template | Redirect:
        """Record what was typed (if anything), then post it when asked: one transaction."""
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        count = await count_here(session, user, location, count_id)
        form = read(await request.form(), ("from",), SHEET_COLUMNS)

        async def call() -> bool:
            lines = await counted_lines(session, form)
            if not form.ok:
                return False
            if lines:
                await counts.record(session, user, count_id, convert({"lines": lines}, CountLinesIn).lines)
            elif not (post_it or then_review):
                form.error("", _("Enter at least one counted quantity."))
                return False
            if post_it:
                await counts.post(session, user, count_id)
            return True

        if not await attempt(session, form, call, {"lines": ""}):
            count = await count_here(session, user, location, count.id)
            if form.get("from") == "review":  # the reasons asked for there, kept as typed
                return await self._review(request, session, location, count, form)
            out = await views.count_out(session, user, count)
            if not form.rows:
                form.rows = sheet_rows(out)
            return await self._sheet(request, session, location, out, form)
        await session.commit()
        if then_review:
            return Redirect(path=f"/pos/{location.code}/counts/{count_id}/review", status_code=303)
        return done("count_posted" if post_it else "count_saved", f"/pos/{location.code}/counts/{count_id}")

    @post("/{count_id:int}/cancel")
    async def cancel(
        self, request: Request[Any, Any, Any], session: AsyncSession, code: str, count_id: Id
    ) -> Template | Redirect:
        user = actor(request)
        location = await access.location(session, user, code, change=True)
        await count_here(session, user, location, count_id)
        form = Form()

        async def call() -> bool:
            await counts.cancel(session, user, count_id)
            return True

        if not await attempt(session, form, call):
            out = await views.count_out(session, user, await count_here(session, user, location, count_id))
            form.rows = sheet_rows(out)
            return await self._sheet(request, session, location, out, form)
        await session.commit()
        return done("count_cancelled", f"/pos/{location.code}/counts/{count_id}")
