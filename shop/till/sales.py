"""Recording a till sale: once, whatever the network does (DESIGN.md rules 3, 4, 5, 7).

- **Idempotent.** The till names each sale with a UUID. The same id with the same payload
  answers the sale already recorded; with another payload it is a 409 (a till bug, never
  a second sale). Twins sent at the same instant meet at a lock on their id (PostgreSQL;
  :func:`shop.inventory.documents.models.claim_client_id`): the second waits for the first to
  commit and answers its sale. A new sale does not look for itself first: its row's
  insert finds the id taken (``ON CONFLICT DO NOTHING``), and the sale rolls back and
  answers the one recorded, read afresh; so does a copy that would no longer pass (its
  shift closed since, say), found when it fails.
- **Money** is computed here from the lines: prices (the catalog's unless given),
  discounts (managers only), totals; the payments must add up to the total exactly.
- **Certificates.** A product that is not sellable as OCOP is refused with the reason,
  unless the office granted a clearance, which the line records.
- **Late sales.** A sale queued offline (or sold long before it arrives) is never refused
  for lack of stock: the shortfall is booked in first as ``unrecorded_stock`` and the
  location is flagged for a count, so stock still never goes below zero. Its time is
  bounded all the same: not before its location was set up, not in the future beyond a
  till's clock drift. (Not by its shift's opening: a shift opened offline is stamped by
  the server when it syncs, after the sales the till made in it.)
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

from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.catalog.models import Product
from shop.catalog.sellability import VIETNAM
from shop.db import insert_for
from shop.db_types import utcnow
from shop.errors import Conflict, DomainError, Forbidden, InvalidInput, field_error
from shop.i18n import N_
from shop.inventory import batches, ledger, picking
from shop.inventory.documents.models import claim_client_id
from shop.inventory.models import DocumentKind, Location, MovementKind, Ownership
from shop.invoices import queue as invoices
from shop.invoices.drafts import Buyer
from shop.invoices.models import SourceKind
from shop.payments.bank import services as bank_credits
from shop.till import eligibility, numbering, shifts
from shop.till.models import Clearance, PaymentMethod, Sale, SaleLine, SalePayment
from shop.till.schemas import PaymentIn, SaleIn, SaleLineIn

SALE: sa.Table = Sale.__table__  # type: ignore[assignment]
LINE: sa.Table = SaleLine.__table__  # type: ignore[assignment]
PAYMENT: sa.Table = SalePayment.__table__  # type: ignore[assignment]

# A sale that reaches the server this long after it was made was sold offline.
LATE_AFTER = dt.timedelta(minutes=5)
# Till clocks drift; a sale from further in the future than this is a mistake.
CLOCK_SKEW = dt.timedelta(minutes=10)


class SaleNotSellable(Conflict):
    code = "not_sellable"
    title = N_("This product cannot be sold as OCOP.")


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
    return await session.scalar(sa.select(Sale).where(Sale.client_id == client_id))


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
class Priced:
    """One line as it will be recorded."""

    line: SaleLineIn
    product: Product
    unit_price: int
    total: int
    clearance: Clearance | None


@dataclass(frozen=True)
class Recorded:
    """A sale just recorded, with what its receipt needs (no reading it back)."""

    sale: Sale
    lines: list[tuple[int, Priced]]  # (line id, line)
    payments: Sequence[PaymentIn]


async def record(
    session: AsyncSession, user: CurrentUser, location: Location, data: SaleIn
) -> Sale | Recorded:
    """Record the sale (a :class:`Recorded`), or find it recorded before (the :class:`Sale`)."""
    shifts.require_cashier(user)
    digest = payload_hash(data)
    await claim_client_id(session, data.id)
    now = utcnow()
    # A sale sent again is found by its id only where it would not pass again (its shift
    # closed since, a price changed...) or, below, where its row is already there: a new
    # sale, the usual case, does not look for itself first.
    try:
        late = _check_time(data, location, now)
        shift = await shifts.for_sale(session, user, location, data.shift_id, late=late)
        products = await _products(session, data.lines)
        priced = await _price(session, user, location, data, products, late=late)
        _check_payments(data.payments, sum(p.total for p in priced))
    except DomainError:
        if (done := await find(session, data.id)) is not None:
            return same_or_conflict(done, location, digest)
        raise
    number = await numbering.take(session, location.id)
    sale = Sale(
        client_id=data.id,
        payload_hash=digest,
        location_id=location.id,
        shift_id=shift.id,
        user_id=user.id,
        number=number,
        sold_at=data.sold_at,
        recorded_at=now,
        subtotal_vnd=sum(p.unit_price * p.line.quantity for p in priced),
        discount_vnd=sum(p.line.discount for p in priced),
        total_vnd=sum(p.total for p in priced),
        late=late,
        unrecorded_units=0,
    )
    if (sale_id := await _insert(session, sale)) is None:
        # Recorded before (sent again), or by a twin while we waited: undo ours, answer it. The
        # rollback expires the location, which the answer reads: load it again now, since a
        # lazy load later would do IO outside the async driver's reach (MissingGreenlet).
        await session.rollback()
        await session.refresh(location)
        twin = await find(session, data.id)
        assert twin is not None
        return same_or_conflict(twin, location, digest)
    sale.id = sale_id
    if unrecorded := await _take_stock(session, user, location, sale, priced, late=late):
        sale.unrecorded_units = unrecorded
        await session.execute(sa.update(SALE).where(SALE.c.id == sale_id).values(unrecorded_units=unrecorded))
    line_ids = await _write_lines(session, sale, priced, data.payments)
    # Its e-invoice is queued with it and issued after the commit: a provider never blocks a sale.
    await invoices.enqueue(
        session,
        SourceKind.till_sale,
        sale_id,
        key=str(data.id),
        total_vnd=sale.total_vnd,
        location_id=location.id,
        buyer=_buyer(data),
        now=now,
    )
    # A transfer that arrived before its sale (shown the code, or sold offline) is matched now.
    await bank_credits.on_sale_recorded(session, location, sale, [p.method for p in data.payments])
    return Recorded(sale, list(zip(line_ids, priced, strict=True)), data.payments)


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


async def _insert(session: AsyncSession, sale: Sale) -> int | None:
    """Insert the sale's row unless its client id is taken (then None). One statement, and
    no unit of work: the hot path keeps ``sale`` as a plain object, never added."""
    columns = {c.key: getattr(sale, c.key) for c in SALE.columns if c.key != "id"}
    stmt = insert_for(session)(SALE).values(**columns).on_conflict_do_nothing(index_elements=["client_id"])
    sale_id = await session.scalar(stmt.returning(SALE.c.id))
    return None if sale_id is None else int(sale_id)


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


async def _products(session: AsyncSession, lines: Sequence[SaleLineIn]) -> dict[int, Product]:
    ids = {line.product_id for line in lines}
    found = {p.id: p for p in await session.scalars(sa.select(Product).where(Product.id.in_(ids)))}
    errors = [
        field_error(f"lines[{i}].product_id", N_("No product {id}."), id=line.product_id)
        for i, line in enumerate(lines)
        if line.product_id not in found
    ]
    if errors:
        raise InvalidInput(errors=errors)
    return found


async def _price(
    session: AsyncSession,
    user: CurrentUser,
    location: Location,
    data: SaleIn,
    products: dict[int, Product],
    *,
    late: bool,
) -> list[Priced]:
    """Each line's price, discount and total, and its clearance if it needs one."""
    on = data.sold_at.astimezone(VIETNAM).date()
    cleared = await _clearances(session, location, products, on, late=late)
    is_manager = user.role in (Role.admin, Role.manager)
    errors = []
    priced = []
    for i, line in enumerate(data.lines):
        product = products[line.product_id]
        price = product.price_vnd if line.unit_price is None else line.unit_price
        # A till offline kept the price it had; live, only a manager sells at another price.
        if price != product.price_vnd and not (late or is_manager):
            errors.append(
                field_error(
                    f"lines[{i}].unit_price",
                    N_("The price of {product} is {price} đồng; only a manager can change it."),
                    product=product.name,
                    price=product.price_vnd,
                )
            )
        if line.discount and not is_manager:
            raise Forbidden(N_("Only a manager can give a discount."), error_code="discount_not_allowed")
        if line.discount > price * line.quantity:
            errors.append(field_error(f"lines[{i}].discount", N_("The discount is more than the line.")))
        priced.append(
            Priced(line, product, price, price * line.quantity - line.discount, cleared.get(product.id))
        )
    if errors:
        raise InvalidInput(errors=errors)
    return priced


async def _clearances(
    session: AsyncSession, location: Location, products: dict[int, Product], on: dt.date, *, late: bool
) -> dict[int, Clearance]:
    """Clearances for the products that need one; refuses those that have none.

    A late sale is recorded whatever its products' certificates say: it happened, and the
    till's list said they were sellable when it went offline."""
    blocked = await eligibility.blocked(session, products.values(), on)
    if not blocked:
        return {}
    cleared = await eligibility.clearances(session, location.id, blocked, on)
    refused = {pid: reason for pid, reason in blocked.items() if pid not in cleared}
    if refused and not late:
        first = next(iter(refused.values()))
        raise SaleNotSellable(
            first.message,
            errors=[{"field": "lines", "product_id": pid, "message": r.detail} for pid, r in refused.items()],
            **first.params,
        )
    return cleared


def _check_payments(payments: Sequence[PaymentIn], total: int) -> None:
    errors = []
    paid = sum(p.amount for p in payments)
    if paid != total:
        errors.append(
            field_error(
                "payments",
                N_("The payments add up to {paid} đồng, the total is {total}."),
                paid=paid,
                total=total,
            )
        )
    for i, payment in enumerate(payments):
        if payment.tendered is not None and payment.method != PaymentMethod.cash:
            errors.append(field_error(f"payments[{i}].tendered", N_("Only cash is tendered.")))
        if payment.tendered is not None and payment.tendered < payment.amount:
            errors.append(field_error(f"payments[{i}].tendered", N_("Less cash was handed over than paid.")))
        if payment.method == PaymentMethod.card and not payment.reference:
            errors.append(field_error(f"payments[{i}].reference", N_("A card payment needs its reference.")))
    if errors:
        raise InvalidInput(errors=errors)


async def _take_stock(
    session: AsyncSession,
    user: CurrentUser,
    location: Location,
    sale: Sale,
    priced: Sequence[Priced],
    *,
    late: bool,
) -> int:
    """Decrement the sold units (FEFO); for a late sale, book any shortfall in first.
    Returns the units booked in as unrecorded stock."""
    stock = await picking.candidates(session, location.id, {p.product.id for p in priced})
    taken: dict[int, int] = {}
    found: list[ledger.Change] = []
    sold: list[ledger.Change] = []
    for p in priced:
        levels = stock.get(p.product.id, [])
        attempt = dict(taken)  # allocate marks what it takes even when it then gives up
        try:
            picked = picking.allocate(levels, p.line.quantity, product_id=p.product.id, taken=attempt)
            taken = attempt
        except ledger.InsufficientStock as short:
            if not late:
                raise ledger.InsufficientStock(
                    product_id=short.product_id,
                    requested=short.requested,
                    available=short.available,
                    name=p.product.name,
                ) from None
            picked = _all_there_is(levels, taken)
            missing = p.line.quantity - sum(q for _, q in picked)
            level_id, unit_value = await _level_for_unrecorded(session, location, p.product.id, levels)
            found.append(
                ledger.Change(level_id, MovementKind.unrecorded_stock, missing, unit_value=unit_value)
            )
            sold.append(ledger.Change(level_id, MovementKind.sale, -missing, unit_value=unit_value))
        sold += [
            ledger.Change(lv.level_id, MovementKind.sale, -q, unit_value=lv.unit_cost) for lv, q in picked
        ]
    entry = ledger.Entry(DocumentKind.sale, sale.id, user.id)
    # The candidates were read locked, in id order: no second lock (a level found for
    # unrecorded units may be new, so then the ledger locks as usual).
    await ledger.apply(session, [*found, *sold], entry, locked=not found)
    unrecorded = sum(c.quantity for c in found)
    if unrecorded:
        await _flag_for_count(session, location, sale)
    return unrecorded


def _all_there_is(
    levels: Sequence[picking.Candidate], taken: dict[int, int]
) -> list[tuple[picking.Candidate, int]]:
    """Everything still free of these levels (FEFO), marked as taken."""
    picked = []
    for level in levels:
        free = level.available - taken.get(level.level_id, 0)
        if free > 0:
            picked.append((level, free))
            taken[level.level_id] = taken.get(level.level_id, 0) + free
    return picked


async def _level_for_unrecorded(
    session: AsyncSession, location: Location, product_id: int, levels: Sequence[picking.Candidate]
) -> tuple[int, int | None]:
    """Where the unrecorded units are booked: the first-expiring level the location has of the
    product, else its unlabelled lot (owned: whose goods they were, a count will tell)."""
    if levels:
        return levels[0].level_id, levels[0].unit_cost
    found, _ = await batches.find_or_create(
        session, [batches.NewBatch(batches.BatchKey(product_id, None), None, None, "lines")]
    )
    batch = found[batches.BatchKey(product_id, None)]
    level_id = await ledger.ensure_level(
        session, location_id=location.id, product_id=product_id, batch_id=batch.id, ownership=Ownership.owned
    )
    return level_id, None


async def _flag_for_count(session: AsyncSession, location: Location, sale: Sale) -> None:
    """Rule 7: the books were short, so the shelves need counting (the first reason stays)."""
    reason = numbering.receipt_number(location.code, sale.number)  # the page says what it means
    await session.execute(
        sa.update(Location)
        .where(Location.id == location.id, Location.count_flagged_at.is_(None))
        .values(count_flagged_at=utcnow(), count_flag_reason=reason)
    )


async def _write_lines(
    session: AsyncSession, sale: Sale, priced: Sequence[Priced], payments: Sequence[PaymentIn]
) -> list[int]:
    """The lines and payments, one statement each (on SQLite too: the lines' ids come back
    with their numbers, in whatever order); returns the lines' ids."""
    numbered = await session.execute(
        sa.insert(LINE).returning(LINE.c.line_no, LINE.c.id),
        [
            {
                "sale_id": sale.id,
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
    await session.execute(
        sa.insert(PAYMENT),
        [
            {
                "sale_id": sale.id,
                "method": p.method,
                "amount_vnd": p.amount,
                "tendered_vnd": p.tendered,
                "reference": p.reference,
            }
            for p in payments
        ],
    )
    ids: dict[int, int] = {line_no: line_id for line_no, line_id in numbered}
    return [ids[i + 1] for i in range(len(priced))]
