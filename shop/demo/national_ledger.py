"""The national stock ledger, simulated: a year of movements over the planned stock levels.

Time is cut into windows; each stock level has a budget of movements (its *slots*) spread
over the windows it is active in. Window by window, every slot gets a time, the window's
slots are sorted by time, and each is played against the level's running balance, so ids
follow time, ``on_hand_after`` is the balance after each movement and nothing goes below
zero (or below what is reserved). The first slot of a level stocks it (a receipt, or a
transfer from its producer's warehouse); later slots are sales, restocks, counts,
write-offs, returns, and at warehouses reservations for online orders, their shipping and
releases. A transfer takes two or three of the receiving level's slots (the warehouse's
transfer out, and a production receipt first if the warehouse is short), so the total is
exactly the budget. Documents (receipts, transfers, counts, write-offs) are made once per
location and window and carry the lines their movements need.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from shop.db import table_of
from shop.demo.bulk import Bulk
from shop.inventory.documents.models import (
    Receipt,
    ReceiptLine,
    StockCount,
    StockCountLine,
    Transfer,
    TransferItem,
    TransferLine,
    WriteOff,
)
from shop.inventory.models import Movement

Record = tuple[Any, ...]
SALE_SIZES = (1, 1, 1, 1, 2, 2, 3, 5)
MOVEMENT_COLUMNS = (
    "id",
    "stock_level_id",
    "location_id",
    "product_id",
    "kind",
    "quantity",
    "reserved_change",
    "on_hand_after",
    "unit_value_vnd",
    "ownership",
    "document_kind",
    "document_id",
    "reason",
    "user_id",
    "at",
)


def columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


DOCUMENTS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    "receipt": (
        Receipt,
        columns("id location_id producer_id kind commission_bp delivery_note note user_id received_at"),
    ),
    "receipt_line": (ReceiptLine, columns("id receipt_id product_id batch_id quantity unit_cost_vnd")),
    "transfer": (
        Transfer,
        columns(
            "id from_location_id to_location_id status note created_by created_at sent_by sent_at "
            "received_by received_at"
        ),
    ),
    "transfer_line": (TransferLine, columns("id transfer_id product_id batch_id quantity")),
    "transfer_item": (
        TransferItem,
        columns(
            "id transfer_id line_id product_id batch_id ownership unit_cost_vnd commission_bp "
            "quantity_sent quantity_received"
        ),
    ),
    "count": (
        StockCount,
        columns("id location_id scope blind status note created_by created_at posted_by posted_at"),
    ),
    "count_line": (
        StockCountLine,
        columns("id count_id product_id batch_id ownership counted expected reason"),
    ),
    "write_off": (WriteOff, columns("id location_id reason note user_id at")),
}
NOTE = "Dữ liệu mẫu quốc gia"  # national demo data


@dataclass(slots=True, eq=False)
class Level:
    """A planned stock level and, while the ledger plays, its running state."""

    id: int
    location_id: int
    product_id: int
    producer_id: int
    batch_id: int
    ownership: str
    warehouse: bool  # a producer's own warehouse (online orders are served from it)
    unit_cost: int | None
    commission_bp: int | None
    price: int
    expires_on: dt.date | None
    source: Level | None  # the warehouse level it is supplied from, by transfer
    receipt_kind: str  # how it is stocked when not by transfer: purchase or consignment
    open_at: float  # seconds after the start of the history
    close_at: float
    opening: int  # units of the first delivery
    slots: int = 0
    first: int = 0  # windows
    last: int = 0
    on_hand: int = 0
    reserved: int = 0
    remaining: int = 0
    skip: int = 0
    counted_in: int = -1


@dataclass
class Ledger:
    """Plays the slots window by window and writes movements and documents as it goes."""

    bulk: Bulk
    rng: random.Random
    start: dt.datetime
    window_seconds: float
    windows: int
    user_id: int | None
    movement_id: int
    doc_ids: dict[str, int]
    rows: list[Record] = field(default_factory=list)
    docs: dict[str, list[Record]] = field(default_factory=dict)
    open_docs: dict[tuple[Any, ...], int] = field(default_factory=dict)
    written: int = 0

    def window_of(self, seconds: float) -> int:
        return min(self.windows - 1, max(0, int(seconds // self.window_seconds)))

    def _at(self, seconds: float) -> dt.datetime:
        return self.start + dt.timedelta(seconds=seconds)

    def _doc(self, kind: str, row: Record) -> int:
        new_id = self.doc_ids[kind]
        self.doc_ids[kind] = new_id + 1
        self.docs.setdefault(kind, []).append((new_id, *row))
        return new_id

    def _move(
        self,
        level: Level,
        kind: str,
        quantity: int,
        at: float,
        *,
        reserved: int = 0,
        value: int | None = None,
        doc: tuple[str, int] | None = None,
        reason: str | None = None,
    ) -> None:
        level.on_hand += quantity
        level.reserved += reserved
        if level.on_hand < level.reserved or level.reserved < 0:
            raise AssertionError(f"stock level {level.id} would go negative")  # a bug in this module
        self.rows.append(
            (
                self.movement_id,
                level.id,
                level.location_id,
                level.product_id,
                kind,
                quantity,
                reserved,
                level.on_hand,
                value,
                level.ownership,
                doc[0] if doc else None,
                doc[1] if doc else None,
                reason,
                self.user_id,
                self._at(at),
            )
        )
        self.movement_id += 1

    # Documents, one per location (and producer, or reason) and window.

    def _receipt(self, level: Level, w: int, at: float, quantity: int) -> None:
        kind = "purchase" if level.warehouse else level.receipt_kind
        commission = level.commission_bp if kind == "consignment" else None
        key = ("receipt", level.location_id, level.producer_id, kind, commission, w)
        receipt_id = self.open_docs.get(key)
        if receipt_id is None:
            row = (
                level.location_id,
                level.producer_id,
                kind,
                commission,
                None,
                NOTE,
                self.user_id,
                self._at(at),
            )
            receipt_id = self.open_docs[key] = self._doc("receipt", row)
        self._doc("receipt_line", (receipt_id, level.product_id, level.batch_id, quantity, level.unit_cost))
        self._move(level, "receipt", quantity, at, value=level.unit_cost, doc=("receipt", receipt_id))

    def _transfer(self, level: Level, w: int, at: float, quantity: int) -> int:
        """Move ``quantity`` from the level's warehouse; the number of movements written."""
        source = level.source
        assert source is not None
        written = 2
        short = quantity - (source.on_hand - source.reserved)
        if short > 0:
            self._receipt(source, w, at, short + self.rng.randint(20, 80))
            written = 3
        key = ("transfer", source.location_id, level.location_id, w)
        transfer_id = self.open_docs.get(key)
        if transfer_id is None:
            stamp, user = self._at(at), self.user_id
            row = (
                source.location_id,
                level.location_id,
                "received",
                NOTE,
                user,
                stamp,
                user,
                stamp,
                user,
                stamp,
            )
            transfer_id = self.open_docs[key] = self._doc("transfer", row)
        line_id = self._doc("transfer_line", (transfer_id, level.product_id, level.batch_id, quantity))
        item = (transfer_id, line_id, level.product_id, level.batch_id, source.ownership, source.unit_cost)
        self._doc("transfer_item", (*item, source.commission_bp, quantity, quantity))
        doc = ("transfer", transfer_id)
        self._move(source, "transfer_out", -quantity, at, value=source.unit_cost, doc=doc)
        self._move(level, "transfer_in", quantity, at, value=source.unit_cost, doc=doc)
        return written

    def _count(self, level: Level, w: int, at: float, change: int) -> None:
        key = ("count", level.location_id, w)
        count_id = self.open_docs.get(key)
        if count_id is None:
            stamp, user = self._at(at), self.user_id
            count_id = self.open_docs[key] = self._doc(
                "count", (level.location_id, "partial", False, "posted", NOTE, user, stamp, user, stamp)
            )
        counted, expected = level.on_hand + change, level.on_hand
        self._doc(
            "count_line",
            (count_id, level.product_id, level.batch_id, level.ownership, counted, expected, None),
        )
        level.counted_in = w
        self._move(level, "count_adjustment", change, at, value=level.unit_cost, doc=("count", count_id))

    def _write_off(self, level: Level, w: int, at: float, quantity: int) -> None:
        expired = level.expires_on is not None and self._at(at).date() > level.expires_on
        reason = "expired" if expired else self.rng.choice(("damaged", "damaged", "lost"))
        key = ("write_off", level.location_id, reason, w)
        doc_id = self.open_docs.get(key)
        if doc_id is None:
            doc_id = self.open_docs[key] = self._doc(
                "write_off", (level.location_id, reason, NOTE, self.user_id, self._at(at))
            )
        value = level.unit_cost
        self._move(level, "write_off", -quantity, at, value=value, doc=("write_off", doc_id), reason=reason)

    # What happens in one slot.

    def _open(self, level: Level, w: int, at: float) -> None:
        if level.source is None:
            self._receipt(level, w, at, level.opening)
        else:
            level.skip += self._transfer(level, w, at, level.opening) - 1

    def _restock(self, level: Level, w: int, at: float, free: int) -> bool:
        if level.source is None:
            self._receipt(level, w, at, self.rng.randint(10, 40))
            return True
        quantity = self.rng.randint(10, 30)
        source = level.source
        needed = 2 if source.on_hand - source.reserved >= quantity else 3
        if needed - 1 > free:
            return False
        level.skip += self._transfer(level, w, at, quantity) - 1
        return True

    def _shop_slot(self, level: Level, w: int, at: float, free: int) -> None:
        rng = self.rng
        available = level.on_hand - level.reserved
        r = rng.random()
        if (r < 0.12 or (available <= 2 and r < 0.6)) and self._restock(level, w, at, free):
            return
        if available == 0:
            if not self._restock(level, w, at, free):
                self._move(level, "customer_return", 1, at, value=level.price, reason="khách trả lại")
            return
        if r < 0.83:
            quantity = min(available, rng.choice(SALE_SIZES))
            self._move(level, "sale", -quantity, at, value=level.price)
        elif r < 0.88 and level.counted_in != w:
            self._count(level, w, at, rng.choice((-1, -1, 1, 2)))
        elif r < 0.91:
            self._write_off(level, w, at, min(available, rng.choice((1, 1, 2))))
        elif r < 0.93:
            self._move(level, "customer_return", 1, at, value=level.price, reason="khách trả lại")
        else:
            self._move(level, "sale", -1, at, value=level.price)

    def _warehouse_slot(self, level: Level, w: int, at: float) -> None:
        rng = self.rng
        available = level.on_hand - level.reserved
        r = rng.random()
        if level.reserved and r < 0.45:
            quantity = min(level.reserved, rng.randint(1, 2))
            if r < 0.35:
                self._move(level, "online_sale", -quantity, at, reserved=-quantity, value=level.price)
            else:
                self._move(level, "release", 0, at, reserved=-quantity, reason="đơn hàng đã huỷ")
        elif available and r < 0.85:
            self._move(level, "reservation", 0, at, reserved=min(available, rng.randint(1, 3)))
        elif available and r < 0.92 and level.counted_in != w:
            self._count(level, w, at, rng.choice((-1, 1)))
        else:
            self._receipt(level, w, at, rng.randint(20, 80))

    def _play(self, level: Level, w: int, at: float, opening: bool) -> None:
        level.remaining -= 1
        if opening:
            self._open(level, w, at)
        elif level.skip:
            level.skip -= 1
        elif level.warehouse:
            self._warehouse_slot(level, w, at)
        else:
            self._shop_slot(level, w, at, level.remaining - level.skip)

    def _slots_of(self, levels: list[Level], w: int) -> list[tuple[float, int, Level, bool]]:
        """Every slot of window ``w``, in time order (a level's opening first of its own)."""
        rng, size = self.rng, self.window_seconds
        lo_w, hi_w = w * size, (w + 1) * size
        out: list[tuple[float, int, Level, bool]] = []
        for level in levels:
            if not level.first <= w <= level.last:
                continue
            n, extra = level.last - level.first + 1, level.slots - 1
            k = extra * (w - level.first + 1) // n - extra * (w - level.first) // n
            lo = max(lo_w, level.open_at)
            hi = max(lo + 1.0, min(hi_w, level.close_at))
            if w == level.first:
                out.append((level.open_at, len(out), level, True))
            for _ in range(k):
                out.append((lo + 1.0 + (hi - lo - 1.0) * rng.random(), len(out), level, False))
        out.sort(key=lambda slot: (slot[0], slot[1]))
        return out

    async def play(self, levels: list[Level], progress: Callable[[int], Awaitable[None]]) -> None:
        for level in levels:
            level.remaining = level.slots
        for w in range(self.windows):
            for at, _, level, opening in self._slots_of(levels, w):
                self._play(level, w, at, opening)
            self.open_docs.clear()
            await self.flush()
            await progress(w)

    async def flush(self) -> None:
        for kind, (model, names) in DOCUMENTS.items():
            await self.bulk.copy(table_of(model), names, self.docs.pop(kind, []))
        self.written += await self.bulk.copy(table_of(Movement), MOVEMENT_COLUMNS, self.rows)
        self.rows = []
