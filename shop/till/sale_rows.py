"""Writing a till sale's rows: its number, the sale, its lines, its payments and its e-invoice
queued (the outbox: issued after the commit, so a provider never blocks a sale).

On PostgreSQL one statement writes them all::

    WITH number AS (UPDATE location_counter … RETURNING last_value),
         sale AS (INSERT INTO till_sale … SELECT …, number.last_value FROM number
                  ON CONFLICT (client_id) DO NOTHING RETURNING id),
         lines AS (INSERT INTO till_sale_line … FROM sale, unnest(…) RETURNING line_no, id),
         payments AS (INSERT INTO till_payment … FROM sale, unnest(…)),
         invoice AS (INSERT INTO e_invoice … FROM sale ON CONFLICT DO NOTHING),
         stock AS (SELECT array_agg(…) FROM (SELECT … FROM stock_level … FOR UPDATE))
    SELECT number.last_value, sale.id, lines.line_no, lines.id, stock.*
    FROM number LEFT JOIN sale ON true LEFT JOIN lines ON true JOIN stock ON true

built once and run with parameters, one round trip; it also reads, locked in id order, the
stock levels the sale will take from (:func:`shop.inventory.picking.locked_candidates_as_arrays`).
The number is taken under its counter's
row lock, gapless (:mod:`shop.till.numbering`). A sale whose id is taken inserts nothing,
and nothing hangs on it; the caller rolls back (the number too). A location without its
counter yet returns no row: the counter is made, and the statement run again. On SQLite,
where a statement costs no round trip, the same rows are written one statement each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db import dialect_of, unnest
from shop.inventory import picking
from shop.invoices import queue as invoices
from shop.invoices.drafts import Buyer
from shop.invoices.models import SourceKind
from shop.till import numbering
from shop.till.models import Sale, SaleLine, SalePayment
from shop.till.pricing import Priced
from shop.till.schemas import PaymentIn

SALE: sa.Table = Sale.__table__  # type: ignore[assignment]
LINE: sa.Table = SaleLine.__table__  # type: ignore[assignment]
PAYMENT: sa.Table = SalePayment.__table__  # type: ignore[assignment]
INVOICE = invoices.INVOICE

# The sale's own columns, as parameters (its id is the database's, its number the counter's).
_SALE_COLUMNS = [c for c in SALE.columns if c.key not in ("id", "number")]
_INVOICE_COLUMNS = [
    INVOICE.c[key]
    for key in invoices.queued(SourceKind.till_sale, key="", total_vnd=0)  # the queue's columns
]


def _param(name: str, column: sa.Column[Any]) -> sa.BindParameter[Any]:
    """A parameter typed as its column (a foreign key's type may not be known yet at import:
    an id is an integer)."""
    typed = column.type if not isinstance(column.type, sa.types.NullType) else sa.Integer()
    return sa.bindparam(name, type_=typed)


@dataclass(frozen=True)
class Written:
    """The sale's id and number, and its lines' ids in the lines' order; on PostgreSQL the
    stock its products have at the location too, read locked by the same statement."""

    sale_id: int
    number: int
    line_ids: list[int]
    stock: dict[int, list[picking.Candidate]] | None = None


def _postgres_statement() -> sa.Select[Any]:
    counter = numbering.COUNTER
    number = (
        sa.update(counter)
        .where(
            counter.c.location_id == sa.bindparam("at_location"),
            counter.c.name == sa.bindparam("counter"),
        )
        .values(last_value=counter.c.last_value + 1)
        .returning(counter.c.last_value)
        .cte("number")
    )
    values = [_param(f"sale_{c.key}", c) for c in _SALE_COLUMNS]
    sale = (
        pg_insert(SALE)
        .from_select([*(c.key for c in _SALE_COLUMNS), "number"], sa.select(*values, number.c.last_value))
        .on_conflict_do_nothing(index_elements=["client_id"])
        .returning(SALE.c.id)
        .cte("sale")
    )
    items = unnest(
        "items",
        "line_no",
        product_id=("line_products", sa.Integer),
        quantity=("line_quantities", sa.Integer),
        unit_price=("line_prices", sa.BigInteger),
        discount=("line_discounts", sa.BigInteger),
        total=("line_totals", sa.BigInteger),
        clearance_id=("line_clearances", sa.Integer),
    )
    line_values = {  # LINE's column → where its value comes from
        "sale_id": sale.c.id,
        "line_no": items.c.line_no,
        "product_id": items.c.product_id,
        "quantity": items.c.quantity,
        "unit_price_vnd": items.c.unit_price,
        "discount_vnd": items.c.discount,
        "total_vnd": items.c.total,
        "clearance_id": items.c.clearance_id,
    }
    lines = (
        sa.insert(LINE)
        .from_select(
            list(line_values),
            sa.select(*line_values.values())
            .select_from(sale)
            .join(items, sa.true())
            .order_by(items.c.line_no),  # the lines' ids in their order
        )
        .returning(LINE.c.line_no, LINE.c.id)
        .cte("lines")
    )
    paid = unnest(
        "paid",
        "n",
        method=("payment_methods", sa.String),
        amount=("payment_amounts", sa.BigInteger),
        tendered=("payment_tendered", sa.BigInteger),
        reference=("payment_references", sa.String),
    )
    payments = (
        sa.insert(PAYMENT)
        .from_select(
            ["sale_id", "method", "amount_vnd", "tendered_vnd", "reference"],
            sa.select(sale.c.id, paid.c.method, paid.c.amount, paid.c.tendered, paid.c.reference)
            .select_from(sale)
            .join(paid, sa.true())
            .order_by(paid.c.n),
        )
        .cte("payments")
    )
    invoice = (
        pg_insert(INVOICE)
        .from_select(
            ["source_id", *(c.key for c in _INVOICE_COLUMNS)],
            sa.select(sale.c.id, *(_param(f"invoice_{c.key}", c) for c in _INVOICE_COLUMNS)),
        )
        .on_conflict_do_nothing(index_elements=["source_kind", "source_id"])
        .cte("invoice")
    )
    # One row, whatever is found; the counter's row lock first, the stock's after, always.
    stock = picking.locked_candidates_as_arrays(after=number).cte("stock")
    return (
        sa.select(number.c.last_value, sale.c.id, lines.c.line_no, lines.c.id, *stock.c)
        .select_from(number)
        .outerjoin(sale, sa.true())
        .outerjoin(lines, sa.true())
        .join(stock, sa.true())
        .add_cte(payments, invoice)  # written though nothing reads them
    )


_POSTGRES = _postgres_statement()


async def write(
    session: AsyncSession,
    sale: Sale,
    priced: Sequence[Priced],
    payments: Sequence[PaymentIn],
    *,
    buyer: Buyer | None,
    now: dt.datetime,
) -> Written | None:
    """Write the sale (``sale``, a plain object, is never added to the session) with its number
    taken, its lines, payments and queued e-invoice; None if its client id is taken."""
    invoice = invoices.queued(
        SourceKind.till_sale,
        key=str(sale.client_id),
        total_vnd=sale.total_vnd,
        location_id=sale.location_id,
        buyer=buyer,
        now=now,
    )
    if dialect_of(session) == "postgresql":
        return await _write_postgres(session, sale, priced, payments, invoice)
    return await _write_one_by_one(session, sale, priced, payments, invoice)


async def _write_postgres(
    session: AsyncSession,
    sale: Sale,
    priced: Sequence[Priced],
    payments: Sequence[PaymentIn],
    invoice: dict[str, Any],
) -> Written | None:
    params: dict[str, Any] = {
        "at_location": sale.location_id,
        "product_ids": sorted({p.product.id for p in priced}),
        "counter": numbering.SALES,
        **{f"sale_{c.key}": getattr(sale, c.key) for c in _SALE_COLUMNS},
        "line_products": [p.product.id for p in priced],
        "line_quantities": [p.line.quantity for p in priced],
        "line_prices": [p.unit_price for p in priced],
        "line_discounts": [p.line.discount for p in priced],
        "line_totals": [p.total for p in priced],
        "line_clearances": [p.clearance.id if p.clearance else None for p in priced],
        "payment_methods": [str(p.method) for p in payments],
        "payment_amounts": [p.amount for p in payments],
        "payment_tendered": [p.tendered for p in payments],
        "payment_references": [p.reference for p in payments],
        **{f"invoice_{key}": value for key, value in invoice.items()},
    }
    rows = (await session.execute(_POSTGRES, params)).all()
    if not rows:  # the location's first sale: make its counter, then take the number
        await numbering.create(session, sale.location_id)
        rows = (await session.execute(_POSTGRES, params)).all()
    number, sale_id = rows[0][0], rows[0][1]
    if sale_id is None:
        return None
    ids = {int(row[2]): int(row[3]) for row in rows}
    stock = picking.candidates_from_arrays(rows[0][4:])
    return Written(int(sale_id), int(number), [ids[i + 1] for i in range(len(priced))], stock)


async def _write_one_by_one(
    session: AsyncSession,
    sale: Sale,
    priced: Sequence[Priced],
    payments: Sequence[PaymentIn],
    invoice: dict[str, Any],
) -> Written | None:
    number = await numbering.take(session, sale.location_id)
    row = {c.key: getattr(sale, c.key) for c in _SALE_COLUMNS} | {"number": number}
    sale_id = await session.scalar(_SQLITE_SALE, row)
    if sale_id is None:
        return None
    numbered = await session.execute(
        _LINES,
        [
            {
                "sale_id": sale_id,
                "line_no": i + 1,
                "product_id": p.product.id,
                "quantity": p.line.quantity,
                "unit_price_vnd": p.unit_price,
                "discount_vnd": p.line.discount,
                "total_vnd": p.total,
                "clearance_id": p.clearance.id if p.clearance else None,
            }
            for i, p in enumerate(priced)
        ],
    )
    ids: dict[int, int] = {line_no: line_id for line_no, line_id in numbered}
    await session.execute(
        sa.insert(PAYMENT),
        [
            {
                "sale_id": sale_id,
                "method": p.method,
                "amount_vnd": p.amount,
                "tendered_vnd": p.tendered,
                "reference": p.reference,
            }
            for p in payments
        ],
    )
    await session.execute(_SQLITE_INVOICE, invoice | {"source_id": sale_id})
    return Written(int(sale_id), number, [ids[i + 1] for i in range(len(priced))])


# SQLite's statements, built once too.
_SQLITE_SALE = sqlite_insert(SALE).on_conflict_do_nothing(index_elements=["client_id"]).returning(SALE.c.id)
_LINES = sa.insert(LINE).returning(LINE.c.line_no, LINE.c.id)
_SQLITE_INVOICE = sqlite_insert(INVOICE).on_conflict_do_nothing(index_elements=["source_kind", "source_id"])
