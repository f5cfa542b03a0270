"""Stock counts (kiểm kê): a sheet of what should be there, filled with what is there.

A full count lists every stock level of the location and must be counted completely before
it is posted; a partial count lists chosen products and posts only the lines counted. A
blind count hides the expected figures while it is open. Posting compares each counted line
with the stock on hand at that moment and writes the differences as adjustments.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory import access, batches, ledger, stock_changes
from shop.inventory.documents import count_review, lines
from shop.inventory.documents.models import CountScope, CountStatus, StockCount, StockCountLine
from shop.inventory.models import (
    Batch,
    DocumentKind,
    Location,
    LocationKind,
    MovementKind,
    Ownership,
    StockLevel,
)
from shop.inventory.schemas import CountedLineIn, CountIn


async def create(session: AsyncSession, user: CurrentUser, location: Location, data: CountIn) -> StockCount:
    """Open a count with its sheet; with ``lines`` record them, with ``post`` post at once."""
    if data.scope == "partial" and not data.product_ids and not data.lines:
        raise InvalidInput(
            errors=[field_error("product_ids", N_("A partial count needs the products to count."))]
        )
    found = await lines.products(session, data.product_ids)
    lines.raise_if(
        [
            field_error(f"product_ids[{i}]", N_("No product {id}."), id=product_id)
            for i, product_id in enumerate(data.product_ids)
            if product_id not in found
        ]
    )
    count = StockCount(
        location_id=location.id,
        scope=CountScope(data.scope),
        blind=data.blind,
        note=data.note,
        created_by=user.id,
    )
    session.add(count)
    await session.flush()
    levels = sa.select(StockLevel).where(StockLevel.location_id == location.id)
    if data.scope == "full":
        levels = levels.where(StockLevel.on_hand > 0)
    else:
        wanted = set(data.product_ids) | {line.product_id for line in data.lines}
        levels = levels.where(StockLevel.product_id.in_(wanted))
    session.add_all(
        StockCountLine(
            count_id=count.id, product_id=lv.product_id, batch_id=lv.batch_id, ownership=lv.ownership
        )
        for lv in await session.scalars(levels.order_by(StockLevel.product_id, StockLevel.id))
    )
    await session.flush()
    if data.lines:
        await record(session, user, count.id, data.lines)
    if data.post:
        await post(session, user, count.id)
    return count


async def find(session: AsyncSession, user: CurrentUser, count_id: int, *, lock: bool = False) -> StockCount:
    """A count at a location the user works at; ``lock`` it when its status may change."""
    count = await session.get(StockCount, count_id, with_for_update=lock, populate_existing=lock)
    if count is not None:
        location = await session.get_one(Location, count.location_id)
        if access.can_change(user, location):
            return count
    raise NotFound(N_("No stock count {id}."), id=count_id)


def _require_open(count: StockCount) -> None:
    if count.status is not CountStatus.open:
        raise Conflict(N_("Stock count {id} is already {status}."), id=count.id, status=count.status.value)


async def _sheet(session: AsyncSession, count_id: int) -> list[tuple[StockCountLine, str | None]]:
    stmt = (
        sa.select(StockCountLine, Batch.code)
        .join(Batch, Batch.id == StockCountLine.batch_id)
        .where(StockCountLine.count_id == count_id)
        .order_by(StockCountLine.id)
    )
    return list((await session.execute(stmt)).all())


def _pick_line(
    sheet: Sequence[tuple[StockCountLine, str | None]], line: CountedLineIn, field: str
) -> StockCountLine | dict[str, Any] | None:
    """The sheet line a counted line fills; None if it is new; an error if it is ambiguous."""
    mine = [(cl, code) for cl, code in sheet if cl.product_id == line.product_id]
    if line.batch_code is not None:
        mine = [(cl, code) for cl, code in mine if code == line.batch_code]
    if line.ownership is not None:
        mine = [(cl, code) for cl, code in mine if cl.ownership.value == line.ownership]
    if line.batch_code is None and len(mine) > 1:
        mine = [(cl, code) for cl, code in mine if code is None] or mine  # no code: the unlabelled lot
    if len(mine) > 1:
        return field_error(
            f"{field}.batch_code", N_("This product is on the sheet more than once: say which batch.")
        )
    return mine[0][0] if mine else None


async def record(
    session: AsyncSession, user: CurrentUser, count_id: int, counted: Sequence[CountedLineIn]
) -> StockCount:
    """Fill in counted quantities; goods found that were not on the sheet get a line."""
    count = await find(session, user, count_id, lock=True)
    _require_open(count)
    found = await lines.products(session, (line.product_id for line in counted))
    lines.raise_if(lines.missing_products(counted, found))
    sheet = await _sheet(session, count.id)
    errors, new, new_at = [], [], []
    for i, line in enumerate(counted):
        target = _pick_line(sheet, line, f"lines[{i}]")
        if isinstance(target, dict):
            errors.append(target)
        elif target is None:
            new.append(line)
            new_at.append(i)
        else:
            target.counted, target.reason = line.counted, line.reason
    keys = [(line.product_id, line.batch_code, line.ownership) for line in new]
    errors += [
        field_error(f"lines[{new_at[n]}]", N_("This line is given twice: count it once."))
        for n in range(len(new))
        if keys.index(keys[n]) != n
    ]
    lines.raise_if(errors)
    await _own_products_only(session, count, found.values())
    if new:
        wanted = [
            batches.NewBatch(batches.BatchKey(line.product_id, line.batch_code), None, None, "lines")
            for line in new
        ]
        by_key, _ = await batches.find_or_create(session, wanted)
        for line, want in zip(new, wanted, strict=True):
            session.add(
                StockCountLine(
                    count_id=count.id,
                    product_id=line.product_id,
                    batch_id=by_key[want.key].id,
                    ownership=Ownership(line.ownership or "owned"),
                    counted=line.counted,
                    reason=line.reason,
                )
            )
    await session.flush()
    await _stamp_expected(session, count, [line.product_id for line in counted])
    return count


async def _own_products_only(session: AsyncSession, count: StockCount, products: Iterable[Product]) -> None:
    """A producer's warehouse holds only that producer's goods (as its receipts do)."""
    location = await session.get_one(Location, count.location_id)
    if location.kind is not LocationKind.producer:
        return
    if others := [p.name for p in products if p.producer_id != location.producer_id]:
        raise InvalidInput(
            errors=[field_error("lines", N_("Not this producer's goods: {names}."), names=", ".join(others))]
        )


async def _stamp_expected(session: AsyncSession, count: StockCount, product_ids: Sequence[int]) -> None:
    """Fix what each line just counted should have been: the stock on hand now. Posting later
    applies only counted − expected, so sales made after the count stay sold."""
    on_hand = {
        (batch_id, ownership): n
        for batch_id, ownership, n in await session.execute(
            sa.select(StockLevel.batch_id, StockLevel.ownership, StockLevel.on_hand).where(
                StockLevel.location_id == count.location_id, StockLevel.product_id.in_(set(product_ids))
            )
        )
    }
    for cl, _ in await _sheet(session, count.id):
        if cl.product_id in product_ids and cl.counted is not None:
            cl.expected = on_hand.get((cl.batch_id, cl.ownership), 0)
    await session.flush()


async def post(session: AsyncSession, user: CurrentUser, count_id: int) -> StockCount:
    """Write the differences between counted and expected (on hand when each line was counted)
    as adjustments to the stock as it is now; once only."""
    count = await find(session, user, count_id, lock=True)
    _require_open(count)
    sheet = [cl for cl, _ in await _sheet(session, count.id)]
    if count.scope is CountScope.full and (uncounted := [cl for cl in sheet if cl.counted is None]):
        raise InvalidInput(
            N_("A full count must count every line before it is posted: {n} left."),
            n=len(uncounted),
            errors=[field_error("lines", N_("{n} lines are not counted yet."), n=len(uncounted))],
        )
    if missing := count_review.reasons_missing(count, await count_review.review(session, count)):
        raise InvalidInput(N_("Give a reason for the large differences before posting."), errors=missing)
    counted = [cl for cl in sheet if cl.counted is not None]
    level_ids = {
        cl.id: await ledger.ensure_level(
            session,
            location_id=count.location_id,
            product_id=cl.product_id,
            batch_id=cl.batch_id,
            ownership=cl.ownership,
        )
        for cl in counted
    }
    levels = await ledger.lock(session, list(level_ids.values()))
    changes = []
    for cl in counted:
        level = levels[level_ids[cl.id]]
        if cl.expected is None:  # counted and posted in one go
            cl.expected = level.on_hand
        difference = (cl.counted or 0) - cl.expected
        if level.on_hand + difference < level.reserved:
            raise Conflict(
                N_("{n} units counted but {reserved} are reserved for orders: release them first."),
                n=cl.counted,
                reserved=level.reserved,
            )
        if difference:
            changes.append(
                stock_changes.Change(
                    level.id,
                    MovementKind.count_adjustment,
                    difference,
                    unit_value=level.unit_cost_vnd,
                    reason=cl.reason,
                )
            )
    await ledger.apply(session, changes, stock_changes.Entry(DocumentKind.stock_count, count.id, user.id))
    count.status, count.posted_at, count.posted_by = CountStatus.posted, utcnow(), user.id
    if count.scope is CountScope.full:  # the books match the shelves again (rule 7's flag)
        await session.execute(
            sa.update(Location)
            .where(Location.id == count.location_id)
            .values(count_flagged_at=None, count_flag_reason=None)
        )
    await session.flush()
    return count


async def cancel(session: AsyncSession, user: CurrentUser, count_id: int) -> StockCount:
    count = await find(session, user, count_id, lock=True)
    _require_open(count)
    count.status = CountStatus.cancelled
    await session.flush()
    return count
