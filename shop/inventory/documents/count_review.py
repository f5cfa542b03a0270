"""What a stock count will change, before it is posted: the review a person reads before a
count wipes out stock, and the rule that a large difference needs its reason.

A line's difference is counted − expected, where expected is the stock on hand when the line
was counted (or now, for a line counted and posted in one go), valued at the level's unit
cost, else the product's retail price. A difference worth more than the location's
``count_reason_over_vnd`` is posted only with a reason. On a blind count the review names
the lines to count again or explain, never their figures, so the count stays blind until
it is posted.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import Product
from shop.errors import field_error
from shop.i18n import N_, format_vnd
from shop.inventory.documents.models import CountStatus, StockCount, StockCountLine
from shop.inventory.models import Batch, Location, StockLevel

LARGEST = 5  # the differences a review lists first


@dataclass(frozen=True)
class Variance:
    """One counted line of the sheet against the books."""

    index: int  # its place on the sheet (``lines[index]`` in the API)
    product_id: int
    product_name: str
    batch_code: str | None
    ownership: str
    counted: int
    expected: int
    unit_value_vnd: int
    reason: str | None

    @property
    def difference(self) -> int:
        return self.counted - self.expected

    @property
    def value_vnd(self) -> int:
        return self.difference * self.unit_value_vnd


@dataclass(frozen=True)
class Review:
    lines_on_sheet: int
    lines_counted: int
    units_counted: int
    threshold_vnd: int
    variances: list[Variance]  # counted lines that differ from the books

    @property
    def units_lost(self) -> int:
        return -sum(v.difference for v in self.variances if v.difference < 0)

    @property
    def units_found(self) -> int:
        return sum(v.difference for v in self.variances if v.difference > 0)

    @property
    def value_lost_vnd(self) -> int:
        return -sum(v.value_vnd for v in self.variances if v.value_vnd < 0)

    @property
    def value_found_vnd(self) -> int:
        return sum(v.value_vnd for v in self.variances if v.value_vnd > 0)

    @property
    def largest(self) -> list[Variance]:
        return sorted(self.variances, key=lambda v: (-abs(v.value_vnd), -abs(v.difference)))[:LARGEST]

    @property
    def need_reason(self) -> list[Variance]:
        return [v for v in self.variances if needs_reason(v, self.threshold_vnd)]


def needs_reason(variance: Variance, threshold_vnd: int) -> bool:
    return abs(variance.value_vnd) > threshold_vnd and not (variance.reason or "").strip()


async def review(session: AsyncSession, count: StockCount) -> Review:
    """The count's lines against the books as they stand now."""
    location = await session.get_one(Location, count.location_id)
    rows = (
        await session.execute(
            sa.select(StockCountLine, Batch.code, Product.name, Product.price_vnd, StockLevel)
            .join(Batch, Batch.id == StockCountLine.batch_id)
            .join(Product, Product.id == StockCountLine.product_id)
            .outerjoin(
                StockLevel,
                (StockLevel.location_id == count.location_id)
                & (StockLevel.batch_id == StockCountLine.batch_id)
                & (StockLevel.ownership == StockCountLine.ownership),
            )
            .where(StockCountLine.count_id == count.id)
            .order_by(StockCountLine.id)
        )
    ).all()
    variances, counted = [], 0
    for index, (line, batch_code, name, price, level) in enumerate(rows):
        if line.counted is None:
            continue
        counted += 1
        on_hand = level.on_hand if level is not None else 0
        expected = line.expected if line.expected is not None else on_hand
        cost = level.unit_cost_vnd if level is not None else None
        variance = Variance(
            index=index,
            product_id=line.product_id,
            product_name=name,
            batch_code=batch_code,
            ownership=line.ownership.value,
            counted=line.counted,
            expected=expected,
            unit_value_vnd=cost if cost is not None else price,
            reason=line.reason,
        )
        if variance.difference:
            variances.append(variance)
    return Review(
        lines_on_sheet=len(rows),
        lines_counted=counted,
        units_counted=sum(line.counted or 0 for line, *_ in rows),
        threshold_vnd=location.count_reason_over_vnd,
        variances=variances,
    )


def reasons_missing(count: StockCount, found: Review) -> list[dict[str, object]]:
    """One error per line whose difference is too large to post without a reason. A blind
    count's message names no figure: the person counts again or explains."""
    if count.blind and count.status is CountStatus.open:
        message = N_("This line differs a lot from the books: count it again, or give the reason.")
    else:
        message = N_("A difference worth more than {threshold} needs a reason.")
    return [
        {
            **field_error(f"lines[{v.index}].reason", message, threshold=format_vnd(found.threshold_vnd)),
            "product_id": v.product_id,
            "batch_code": v.batch_code,
            "ownership": v.ownership,
        }
        for v in found.need_reason
    ]
