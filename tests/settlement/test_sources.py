"""The arithmetic of statement lines: shares that add up, commissions rounded half up
(and symmetric for a return), Vietnam's month in UTC, and ledger rows walked against the
lines they served."""

from __future__ import annotations

import datetime as dt

from shop.inventory.models import Ownership
from shop.settlement import sources
from shop.settlement.lines import Line, Terms, commission_of, month_bounds, priced, share
from shop.settlement.models import LineKind
from shop.settlement.sources import _slices, _Take

AT = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)


def _take(movement_id: int, units: int, ownership: Ownership = Ownership.consigned) -> _Take:
    return _Take(movement_id, AT, 1, 9, units, ownership, Terms(None, 1500))


def test_shares_of_a_line_add_up_to_its_total():
    slices = [share(140_000, 3, n + 1) - share(140_000, 3, n) for n in range(3)]
    assert slices == [46_666, 46_667, 46_667] and sum(slices) == 140_000


def test_commission_is_rounded_half_up_and_a_return_mirrors_a_sale():
    assert commission_of(46_667, 1500) == 7_000  # 7 000.05
    assert commission_of(10_003, 1500) == 1_500  # 1 500.45
    assert commission_of(10_004, 1250) == 1_251  # 1 250.5 → up
    assert commission_of(-10_004, 1250) == -1_251


def test_an_agreed_price_leaves_the_rest_to_the_sales_point():
    base = Line(LineKind.consignment_sale, "movement:1:1", AT, "SP-A-000001", 0, 0)
    sold = priced(LineKind.consignment_sale, 100_000, 2, Terms(35_000, None), 1000, base)
    assert (sold.amount, sold.due, sold.commission, sold.quantity) == (100_000, 70_000, 30_000, 2)
    back = priced(LineKind.consignment_return, -50_000, -1, Terms(35_000, None), 1000, base)
    assert (back.amount, back.due, back.commission, back.quantity) == (-50_000, -35_000, -15_000, 1)
    fallback = priced(LineKind.consignment_sale, 100_000, 2, Terms(None, None), 1000, base)
    assert (fallback.due, fallback.commission_bp) == (90_000, 1000)


def test_a_month_is_vietnams():
    start, end = month_bounds(dt.date(2026, 12, 1))
    assert start == dt.datetime(2026, 11, 30, 17, 0, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
    assert start <= AT  # 00:30 on 1 December in Hà Nội


def test_ledger_rows_are_walked_against_the_lines_they_served():
    """Two lines of the same product (3 and 2 units, 150 000 and 90 000) taken from an
    owned level (2 units) and a consigned one (3): the consigned units are priced from the
    lines they belong to."""
    takes = [_take(10, 2, Ownership.owned), _take(11, 3)]
    pieces = list(_slices(takes, [(1, 3, 150_000), (2, 2, 90_000)]))
    assert [(p.take.movement_id, p.line_id, n, p.money) for p, n in pieces] == [
        (10, 1, 2, 100_000),
        (11, 1, 1, 50_000),
        (11, 2, 2, 90_000),
    ]
    assert sum(p.money for p, _ in pieces) == 240_000
    assert {p.source for p, _ in pieces} == {"movement:10:1", "movement:11:1", "movement:11:2"}


def test_only_consigned_units_reach_the_statement():
    takes = {(5, 9): [_take(10, 2, Ownership.owned), _take(11, 3)]}
    lines = sources._consigned(
        LineKind.consignment_sale, takes, {(5, 9): [(1, 5, 250_000)]}, {5: "SP-A-000005"}, 1000, 1
    )
    assert [(ln.source, ln.quantity, ln.amount, ln.commission, ln.due) for ln in lines] == [
        ("movement:11:1", 3, 150_000, 22_500, 127_500)
    ]
