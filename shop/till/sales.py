"""Recording a till sale: once, whatever the network does (DESIGN.md rules 3, 4, 5, 7).

- **Idempotent.** The till names each sale with a UUID. The same id with the same payload
  answers the sale already recorded; with another payload it is a 409 (a till bug, never
  a second sale). Twins sent at the same instant meet at a lock on their id (PostgreSQL;
  :func:`shop.inventory.documents.models.claim_client_id`): the second waits for the first to
  commit and answers its sale. A new sale does not look for itself first: its row's
  insert finds the id taken (``ON CONFLICT DO NOTHING``), and the sale rolls back and
  answers the one recorded, read afresh; so does a copy that would no longer pass (its
  shift closed since, say), found when it fails.
- **Money** is computed from the lines (:mod:`shop.till.pricing`): prices (the catalog's unless given),
  discounts (managers only), totals; the payments must add up to the total exactly.
- **Certificates.** A product that is not sellable as OCOP is refused with the reason,
  unless the office granted a clearance, which the line records.
- **Late sales.** A sale queued offline (or sold long before it arrives) is never refused
  for lack of stock: the shortfall is booked in first as ``unrecorded_stock`` and the
  location is flagged for a count, so stock still never goes below zero. Its time is
  bounded all the same: not before its location was set up, not in the future beyond a
  till's clock drift. (Not by its shift's opening: a shift opened offline is stamped by
  the server when it syncs, after the sales the till made in it.)

This module checks and orders; :mod:`shop.till.pricing` computes the money and finds the
clearances, :mod:`shop.till.sale_rows` writes the sale's rows (on PostgreSQL its number, the
sale, lines, payments and e-invoice in one statement), :mod:`shop.till.stock_taking` takes
its units off the shelf.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.db import dialect_of
from shop.db_types import utcnow
from shop.errors import Conflict, DomainError, InvalidInput, field_error
from shop.i18n import N_
from shop.inventory import access
from shop.inventory.documents.models import claim_client_id
from shop.inventory.models import Location
from shop.invoices.drafts import Buyer
from shop.payments.bank import services as bank_credits
from shop.till import pricing, sale_rows, shifts, stock_taking
from shop.till.models import Sale, Shift
from shop.till.pricing import Priced
from shop.till.schemas import PaymentIn, SaleIn, SaleLineIn

SALE = sale_rows.SALE

# A sale that reaches the server this long after it was made was sold offline.
LATE_AFTER = dt.timedelta(minutes=5)
# Till clocks drift; a sale from further in the future than this is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=10)

# The hot path's reads, built once and run with parameters (no statement built or keyed
# per sale).
_FIND = sa.select(Sale).where(Sale.client_id == sa.bindparam("client_id"))
_PRODUCTS = sa.select(Product).where(Product.id.in_(sa.bindparam("ids", expanding=True)))
# PostgreSQL's: the id claimed, the sales point, the shift (named, or the cashier's open one)
# and the products in one statement, a row per product found (the rest repeated), or one row.
_CLAIM_AND_READ = {
    named: shifts.claim_and_read_shift(named=named)
    .add_columns(Product)
    .outerjoin(Product, Product.id.in_(sa.bindparam("ids", expanding=True)))
    for named in (True, False)
}
_UNRECORDED = (
    sa.update(SALE).where(SALE.c.id == sa.bindparam("sale_id")).values(unrecorded_units=sa.bindparam("units"))
)


def payload_hash(data: SaleIn) -> str:
    """The sale as decoded (defaults filled, times in UTC): equal sales, equal hashes.

    ``offline`` is left out: it says how the sale travelled, not what was sold, and a till
    that lost the answer to its first attempt resends the same sale flagged offline."""
    same = msgspec.to_builtins(
        msgspec.structs.replace(data, sold_at=data.sold_at.astimezone(dt.UTC), offline=False)
    )
    if same.get("buyer") is None:  # a sale without a buyer hashes as it did before buyers existed
        same.pop("buyer", None)
    return hashlib.sha256(msgspec.json.encode(same)).hexdigest()


async def find(session: AsyncSession, client_id: uuid.UUID) -> Sale | None:
    return await session.scalar(_FIND, {"client_id": client_id})


def same_or_conflict(sale: Sale, location: Location, digest: str) -> Sale:
    """The sale already recorded under this id, if this is the same sale sent again."""
    if sale.location_id != location.id or sale.payload_hash != digest:
        raise Conflict(
            N_("Sale {id} was already recorded with other contents."),
            id=str(sale.client_id),
            error_code="client_id_reused",
        )
    return sale


@dataclass(frozen=True)
class Recorded:
    """A sale just recorded, with what its receipt needs (no reading it back)."""

    sale: Sale
    lines: list[tuple[int, Priced]]  # (line id, line)
    payments: Sequence[PaymentIn]


async def record_at(
    session: AsyncSession, user: CurrentUser, code: str, data: SaleIn
) -> tuple[Location, Sale | Recorded]:
    """The sales point with this code (404 unless the user may change it, as
    :func:`shop.inventory.access.location` answers), and the sale recorded there, as
    :func:`record` does. On PostgreSQL the sales point is read with the shift and products,
    in the statement that claims the sale's id: one round trip for the three."""
    if dialect_of(session) != "postgresql":
        location = await access.location(session, user, code, change=True)
        return location, await record(session, user, location, data)
    ids = sorted({line.product_id for line in data.lines})
    params = shifts.shift_params(user, code, data.shift_id, data.id) | {"ids": ids}
    rows = (await session.execute(_CLAIM_AND_READ[data.shift_id is not None], params)).all()
    location = access.checked(user, rows[0][0], code, change=True)
    read = (rows[0][1], {p.id: p for _, _, p in rows if p is not None})
    return location, await _record(session, user, location, data, read)


async def record(
    session: AsyncSession, user: CurrentUser, location: Location, data: SaleIn
) -> Sale | Recorded:
    """Record the sale (a :class:`Recorded`), or find it recorded before (the :class:`Sale`)."""
    return await _record(session, user, location, data, None)


async def _record(
    session: AsyncSession,
    user: CurrentUser,
    location: Location,
    data: SaleIn,
    read: tuple[Shift | None, dict[int, Product]] | None,
) -> Sale | Recorded:
    """``read``: the shift and products found already, with the id claimed."""
    shifts.require_cashier(user)
    digest = payload_hash(data)
    now = utcnow()
    # A sale sent again is found by its id only where it would not pass again (its shift
    # closed since, a price changed...) or, below, where its row is already there: a new
    # sale, the usual case, does not look for itself first.
    try:
        late = _check_time(data, location, now)
        if read is None:
            shift, products = await _shift_and_products(session, user, location, data, late=late)
        else:
            shift = shifts.checked_for_sale(read[0], data.shift_id, late=late)
            products = _all_found(read[1], data.lines)
        priced = await pricing.price(session, user, location, data, products, late=late)
        pricing.check_payments(data.payments, sum(p.total for p in priced))
    except DomainError:
        if (done := await find(session, data.id)) is not None:
            return same_or_conflict(done, location, digest)
        raise
    sale = Sale(
        client_id=data.id,
        payload_hash=digest,
        location_id=location.id,
        shift_id=shift.id,
        user_id=user.id,
        sold_at=data.sold_at,
        recorded_at=now,
        subtotal_vnd=sum(p.unit_price * p.line.quantity for p in priced),
        discount_vnd=sum(p.line.discount for p in priced),
        total_vnd=sum(p.total for p in priced),
        late=late,
        unrecorded_units=0,
    )
    # Its number, its row, its lines and payments, and its e-invoice queued (issued after
    # the commit: a provider never blocks a sale); on PostgreSQL in one statement.
    written = await sale_rows.write(session, sale, priced, data.payments, buyer=_buyer(data), now=now)
    if written is None:
        # Recorded before (sent again), or by a twin while we waited: undo ours, answer it. The
        # rollback expires the location, which the answer reads: load it again now, since a
        # lazy load later would do IO outside the async driver's reach (MissingGreenlet).
        await session.rollback()
        await session.refresh(location)
        twin = await find(session, data.id)
        assert twin is not None
        return same_or_conflict(twin, location, digest)
    sale.id, sale.number = written.sale_id, written.number
    stock = written.stock
    if unrecorded := await stock_taking.take(session, user, location, sale, priced, late=late, stock=stock):
        sale.unrecorded_units = unrecorded
        await session.execute(_UNRECORDED, {"sale_id": sale.id, "units": unrecorded})
    # A transfer that arrived before its sale (shown the code, or sold offline) is matched now.
    await bank_credits.on_sale_recorded(session, location, sale, [p.method for p in data.payments])
    return Recorded(sale, list(zip(written.line_ids, priced, strict=True)), data.payments)


def _buyer(data: SaleIn) -> Buyer | None:
    """The buyer as the invoice keeps it: spaces around trimmed, a field left blank is none."""
    if data.buyer is None:
        return None
    b = data.buyer

    def clean(text: str | None) -> str | None:
        return (text or "").strip() or None

    return Buyer(
        name=clean(b.name), tax_code=clean(b.tax_code), address=clean(b.address), email=clean(b.email)
    )


def _check_time(data: SaleIn, location: Location, now: dt.datetime) -> bool:
    """Whether the sale is late (sold offline); refuses times the till cannot have meant."""
    if data.sold_at.tzinfo is None:
        raise InvalidInput(errors=[field_error("sold_at", N_("Give the time with its UTC offset."))])
    if data.sold_at > now + CLOCK_SKEW:
        raise InvalidInput(errors=[field_error("sold_at", N_("This time is in the future."))])
    # No till sold here before the office set the location up (its clock drifts, though).
    if data.sold_at < location.created_at - CLOCK_SKEW:
        message = N_("This time is before this sales point was set up: check the till's date.")
        raise InvalidInput(errors=[field_error("sold_at", message)])
    return data.offline or data.sold_at < now - LATE_AFTER


async def _shift_and_products(
    session: AsyncSession, user: CurrentUser, location: Location, data: SaleIn, *, late: bool
) -> tuple[Shift, dict[int, Product]]:
    """The sale's shift and products, its id claimed first: twins meet there (PostgreSQL;
    SQLite has no claim to take)."""
    await claim_client_id(session, data.id)
    shift = await shifts.for_sale(session, user, location, data.shift_id, late=late)
    found = {
        p.id: p
        for p in await session.scalars(_PRODUCTS, {"ids": sorted({ln.product_id for ln in data.lines})})
    }
    return shift, _all_found(found, data.lines)


def _all_found(found: dict[int, Product], lines: Sequence[SaleLineIn]) -> dict[int, Product]:
    errors = [
        field_error(f"lines[{i}].product_id", N_("No product {id}."), id=line.product_id)
        for i, line in enumerate(lines)
        if line.product_id not in found
    ]
    if errors:
        raise InvalidInput(errors=errors)
    return found
