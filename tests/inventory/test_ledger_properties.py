"""Rules 1 and 2 under random use: whatever sequence of receipts, transfers (with shortfalls
and surpluses), counts, write-offs and reservations happens, after every step on hand equals
the sum of the movements, nothing is negative, the stock is what a by-hand tally says, and a
refused step (not enough stock, a count below what is reserved) changes nothing.

Hypothesis drives a state machine; each example gets fresh locations and products in the
test's database (SQLite or PostgreSQL) and runs its steps on one event loop of its own.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, TypeVar

import sqlalchemy as sa
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.accounts.services import CurrentUser, create_user
from shop.catalog.models import Product
from shop.catalog.sellability import today
from shop.db import Database
from shop.errors import Conflict
from shop.inventory import check, reservations
from shop.inventory.documents import counts, receipts, transfers, write_offs
from shop.inventory.documents.models import TransferItem
from shop.inventory.models import Batch, Location, LocationKind, Movement, StockLevel
from shop.inventory.schemas import CountIn, ReceiptIn, TransferIn, TransferReceiveIn, WriteOffIn
from shop.inventory.stock_changes import InsufficientStock
from tests import factories
from tests.inventory.support import acting, convert

T = TypeVar("T")
LOTS = {None: None, "A": 40, "B": 120}  # batch code → days to expiry (None: the unlabelled lot)
N_LOCATIONS, N_PRODUCTS = 3, 2  # two sales points and the producer's warehouse; two products
orders = itertools.count(1)


class LedgerMachine(RuleBasedStateMachine):
    runner: ClassVar[asyncio.Runner]
    db: ClassVar[Database]
    user: ClassVar[CurrentUser]  # the office: may change every location

    def __init__(self) -> None:
        super().__init__()
        self.locations: list[Location] = []
        self.products: list[Product] = []
        self.run(self._build())
        self.expected: dict[tuple[int, int], list[int]] = {
            (loc, prod): [0, 0] for loc in range(N_LOCATIONS) for prod in range(N_PRODUCTS)
        }
        self.held: list[tuple[int, int, list[reservations.Held], int]] = []

    # ── plumbing ──────────────────────────────────────────────────────────────────────────

    def run(self, work: Awaitable[T]) -> T:
        return self.runner.run(work)  # type: ignore[arg-type]

    async def _build(self) -> None:
        async with self.db.write_sessions() as s:
            maker = await factories.producer(s)
            self.products = [await factories.product(s, maker) for _ in range(N_PRODUCTS)]
            self.locations = [await factories.location(s) for _ in range(N_LOCATIONS - 1)]
            self.locations.append(await factories.location(s, LocationKind.producer, producer_id=maker.id))
            self.maker_code = maker.code
            await s.commit()

    def transaction(self, work: Callable[[AsyncSession, CurrentUser], Awaitable[T]]) -> T | Exception:
        """Run ``work`` in one committed transaction; a refusal rolls it back and is returned."""

        async def go() -> T | Exception:
            async with self.db.write_sessions() as s:
                try:
                    result = await work(s, self.user)
                except (InsufficientStock, Conflict) as refusal:
                    await s.rollback()
                    return refusal
                await s.commit()
                return result

        return self.run(go())

    async def _state(self) -> tuple[list[tuple[Any, ...]], int]:
        ids = [loc.id for loc in self.locations]
        async with self.db.read_sessions() as s:
            levels = list(
                await s.execute(
                    sa.select(
                        StockLevel.id, StockLevel.on_hand, StockLevel.reserved, StockLevel.unit_cost_vnd
                    )
                    .where(StockLevel.location_id.in_(ids))
                    .order_by(StockLevel.id)
                )
            )
            movements = await s.scalar(sa.select(sa.func.count()).select_from(Movement)) or 0
        return [tuple(r) for r in levels], movements

    def refused_without_change(self, outcome: object, expect_refusal: bool, kind: type[Exception]) -> bool:
        """Was the step refused? Checks it was refused exactly when the tally says it must be."""
        refused = isinstance(outcome, Exception)
        assert refused == expect_refusal, f"expected refusal={expect_refusal}, got {outcome!r}"
        if refused:
            assert isinstance(outcome, kind), outcome
            event(f"refused: {type(outcome).__name__}")
        return refused

    def available(self, loc: int, prod: int) -> int:
        on_hand, reserved = self.expected[(loc, prod)]
        return on_hand - reserved

    # ── steps ─────────────────────────────────────────────────────────────────────────────

    @initialize(
        quantities=st.lists(
            st.integers(0, 15), min_size=N_LOCATIONS * N_PRODUCTS, max_size=N_LOCATIONS * N_PRODUCTS
        ),
        kinds=st.lists(
            st.sampled_from(["purchase", "consignment"]), min_size=N_LOCATIONS, max_size=N_LOCATIONS
        ),
        lots=st.lists(st.sampled_from(list(LOTS)), min_size=N_PRODUCTS, max_size=N_PRODUCTS),
    )
    def stock_up(self, quantities: list[int], kinds: list[str], lots: list[str | None]) -> None:
        """Each location starts with some of each product (so later steps have stock to move)."""
        for i, quantity in enumerate(quantities):
            loc, prod = divmod(i, N_PRODUCTS)
            if quantity:
                self.receive(loc, prod, quantity, kinds[loc], lots[prod], 20_000 + 1_000 * i)

    @rule(
        loc=st.integers(0, N_LOCATIONS - 1),
        prod=st.integers(0, N_PRODUCTS - 1),
        quantity=st.integers(1, 12),
        kind=st.sampled_from(["purchase", "consignment"]),
        lot=st.sampled_from(list(LOTS)),
        unit_cost=st.integers(0, 90_000),
    )
    def receive(self, loc: int, prod: int, quantity: int, kind: str, lot: str | None, unit_cost: int) -> None:
        line: dict[str, Any] = {
            "product_id": self.products[prod].id,
            "quantity": quantity,
            "unit_cost": unit_cost,
        }
        if lot is not None:
            expires = today() + dt.timedelta(days=LOTS[lot] or 0)
            line["batch"] = {"code": lot, "expires_on": expires.isoformat()}
        data = convert({"kind": kind, "producer_code": self.maker_code, "lines": [line]}, ReceiptIn)
        location = self.locations[loc]
        outcome = self.transaction(lambda s, u: receipts.receive(s, u, location, data, today=today()))
        assert not isinstance(outcome, Exception), outcome
        self.expected[(loc, prod)][0] += quantity

    @rule(
        source=st.integers(0, N_LOCATIONS - 1),
        step=st.integers(1, N_LOCATIONS - 1),
        prod=st.integers(0, N_PRODUCTS - 1),
        quantity=st.integers(1, 8),
        discrepancy=st.integers(-3, 2),
    )
    def transfer(self, source: int, step: int, prod: int, quantity: int, discrepancy: int) -> None:
        destination = (source + step) % N_LOCATIONS
        product_id = self.products[prod].id
        data = convert(
            {
                "from_location": self.locations[source].code,
                "to_location": self.locations[destination].code,
                "lines": [{"product_id": product_id, "quantity": quantity}],
                "send": True,
            },
            TransferIn,
        )
        before = self.run(self._state())
        outcome = self.transaction(lambda s, u: transfers.create(s, u, data, today=today()))
        if self.refused_without_change(outcome, quantity > self.available(source, prod), InsufficientStock):
            assert self.run(self._state()) == before
            return
        self.expected[(source, prod)][0] -= quantity
        self.check_ledger()  # in transit: gone from the source, not yet at the destination
        transfer_id = outcome.id  # type: ignore[union-attr]
        received = self.run(self._receipt_lines(transfer_id, product_id, discrepancy))
        arrived = quantity + (received[0]["quantity"] - received[1] if received else 0)
        event("transfer received with a discrepancy" if received else "transfer received as sent")
        body = convert({"lines": [received[0]] if received else []}, TransferReceiveIn)
        outcome = self.transaction(lambda s, u: transfers.receive(s, u, transfer_id, body, today=today()))
        assert not isinstance(outcome, Exception), outcome
        self.expected[(destination, prod)][0] += arrived

    async def _receipt_lines(
        self, transfer_id: int, product_id: int, discrepancy: int
    ) -> tuple[dict[str, Any], int] | None:
        """A received line that differs by ``discrepancy`` on one item the receiver can name, and
        that item's quantity sent; None to receive everything as sent."""
        async with self.db.read_sessions() as s:
            items = list(
                await s.execute(
                    sa.select(TransferItem.quantity_sent, Batch.code)
                    .join(Batch, Batch.id == TransferItem.batch_id)
                    .where(TransferItem.transfer_id == transfer_id)
                )
            )
        nameable = [(sent, code) for sent, code in items if sum(1 for _, c in items if c == code) == 1]
        if discrepancy == 0 or not nameable:
            return None
        sent, code = nameable[0]
        quantity = max(sent + discrepancy, 0)
        if quantity == sent:
            return None
        line = {"product_id": product_id, "quantity": quantity, "batch_code": code, "reason": "lệch khi nhận"}
        return line, sent

    @rule(
        loc=st.integers(0, N_LOCATIONS - 1),
        prod=st.integers(0, N_PRODUCTS - 1),
        pick=st.integers(0, 5),
        counted=st.integers(0, 10),
    )
    def count(self, loc: int, prod: int, pick: int, counted: int) -> None:
        location, product_id = self.locations[loc], self.products[prod].id
        levels = self.run(self._levels(location.id, product_id))
        line: dict[str, Any] = {"product_id": product_id, "counted": counted, "reason": "kiểm kê"}
        if levels:
            code, ownership, on_hand, reserved = levels[pick % len(levels)]
            line |= {"batch_code": code, "ownership": ownership}
            event(f"count of {'an unlabelled' if code is None else 'a labelled'} {ownership} lot")
        else:
            on_hand = reserved = 0  # goods found where none were recorded
            event("count finds goods where none were recorded")
        data = convert(
            {"scope": "partial", "product_ids": [product_id], "lines": [line], "post": True}, CountIn
        )
        before = self.run(self._state())
        outcome = self.transaction(lambda s, u: counts.create(s, u, location, data))
        if self.refused_without_change(outcome, counted < reserved, Conflict):
            assert self.run(self._state()) == before
            return
        self.expected[(loc, prod)][0] += counted - on_hand

    async def _levels(self, location_id: int, product_id: int) -> list[tuple[str | None, str, int, int]]:
        async with self.db.read_sessions() as s:
            rows = await s.execute(
                sa.select(Batch.code, StockLevel.ownership, StockLevel.on_hand, StockLevel.reserved)
                .join(Batch, Batch.id == StockLevel.batch_id)
                .where(StockLevel.location_id == location_id, StockLevel.product_id == product_id)
                .order_by(StockLevel.id)
            )
            return [(code, ownership.value, on_hand, reserved) for code, ownership, on_hand, reserved in rows]

    @rule(
        loc=st.integers(0, N_LOCATIONS - 1), prod=st.integers(0, N_PRODUCTS - 1), quantity=st.integers(1, 6)
    )
    def write_off(self, loc: int, prod: int, quantity: int) -> None:
        location = self.locations[loc]
        data = convert(
            {"reason": "damaged", "lines": [{"product_id": self.products[prod].id, "quantity": quantity}]},
            WriteOffIn,
        )
        before = self.run(self._state())
        outcome = self.transaction(lambda s, u: write_offs.write_off(s, u, location, data))
        if self.refused_without_change(outcome, quantity > self.available(loc, prod), InsufficientStock):
            assert self.run(self._state()) == before
            return
        self.expected[(loc, prod)][0] -= quantity

    @rule(
        loc=st.integers(0, N_LOCATIONS - 1), prod=st.integers(0, N_PRODUCTS - 1), quantity=st.integers(1, 5)
    )
    def reserve(self, loc: int, prod: int, quantity: int) -> None:
        location_id, product_id, order_id = self.locations[loc].id, self.products[prod].id, next(orders)
        name = self.products[prod].name
        before = self.run(self._state())
        outcome = self.transaction(
            lambda s, u: reservations.reserve(
                s, location_id, [(product_id, quantity)], order_id=order_id, names={product_id: name}
            )
        )
        if self.refused_without_change(outcome, quantity > self.available(loc, prod), InsufficientStock):
            assert self.run(self._state()) == before
            return
        assert sum(h.quantity for h in outcome) == quantity  # type: ignore[union-attr]
        self.held.append((loc, prod, outcome, order_id))  # type: ignore[arg-type]
        self.expected[(loc, prod)][1] += quantity

    @precondition(lambda self: self.held)
    @rule(which=st.integers(0, 50), fulfil=st.booleans())
    def settle(self, which: int, fulfil: bool) -> None:
        """The order is paid and leaves (fulfil), or its reservation expires (release)."""
        loc, prod, held, order_id = self.held.pop(which % len(self.held))
        quantity = sum(h.quantity for h in held)
        if fulfil:
            outcome = self.transaction(
                lambda s, u: reservations.fulfil(s, held, order_id=order_id, user_id=u.id)
            )
            self.expected[(loc, prod)][0] -= quantity
        else:
            outcome = self.transaction(
                lambda s, u: reservations.release(s, held, order_id=order_id, reason="hết hạn")
            )
        assert not isinstance(outcome, Exception), outcome
        self.expected[(loc, prod)][1] -= quantity

    # ── what must hold after every step ───────────────────────────────────────────────────

    @invariant()
    def check_ledger(self) -> None:
        self.run(self._check())

    async def _check(self) -> None:
        async with self.db.read_sessions() as s:
            report = await check.check_ledger(s)
            assert report.ok, report.mismatches
            ids = {loc.id: i for i, loc in enumerate(self.locations)}
            products = {p.id: i for i, p in enumerate(self.products)}
            rows = await s.execute(
                sa.select(
                    StockLevel.location_id, StockLevel.product_id, StockLevel.on_hand, StockLevel.reserved
                ).where(StockLevel.location_id.in_(ids))
            )
            actual = {key: [0, 0] for key in self.expected}
            for location_id, product_id, on_hand, reserved in rows:
                assert 0 <= reserved <= on_hand
                tally = actual[(ids[location_id], products[product_id])]
                tally[0] += on_hand
                tally[1] += reserved
        assert actual == self.expected


def test_random_stock_operations_keep_the_ledger_consistent(database_url: str) -> None:
    with asyncio.Runner() as runner:
        LedgerMachine.runner = runner
        LedgerMachine.db = db = Database.connect(database_url)

        async def office() -> CurrentUser:
            async with db.write_sessions() as s:
                await create_user(s, username="ledger_office", password="password123", role=Role.admin)
                await s.commit()
                return await acting(s, "ledger_office")

        LedgerMachine.user = runner.run(office())
        try:
            run_state_machine_as_test(
                LedgerMachine,
                settings=settings(
                    max_examples=25,
                    stateful_step_count=15,
                    deadline=None,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                ),
            )
            report = runner.run(_final_report(db))
            assert report.ok and report.movements > 0
        finally:
            runner.run(db.dispose())


async def _final_report(db: Database) -> check.LedgerReport:
    async with db.read_sessions() as s:
        return await check.check_ledger(s)
