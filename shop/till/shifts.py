"""Cashier shifts: opened with a float, closed with what was counted, summed up in a Z-report.

Each cashier has at most one open shift per location; sales and returns belong to the shift
they were made in. The Z-report is computed from the recorded sales, returns and refunds,
and sets beside them what the stock ledger says was sold and returned, so a report that
"matches the ledger" is something the cashier and the office can see, not assume.
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.catalog.models import Product, ProductGroup
from shop.db import dialect_of, mapping
from shop.db_types import utcnow
from shop.errors import Conflict, Forbidden, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory.documents.models import CLAIM, claim_key
from shop.inventory.models import DocumentKind, Location, Movement, MovementKind
from shop.till.models import (
    PaymentMethod,
    Refund,
    ReturnLine,
    Sale,
    SaleLine,
    SalePayment,
    SaleReturn,
    Shift,
    ShiftStatus,
)
from shop.till.schemas import GroupTotals, MethodTotals, ShiftCloseIn, ShiftIn, ZReport

CASHIER_ROLES = frozenset({Role.admin, Role.manager, Role.staff})


def require_cashier(user: CurrentUser) -> None:
    if user.role not in CASHIER_ROLES:
        raise Forbidden(N_("Only the staff of a sales point can use its till."))


# A sale's shift, read by statements built once and run with parameters.
_OPEN_SHIFT_WHERE = (
    Shift.location_id == sa.bindparam("location_id"),
    Shift.user_id == sa.bindparam("user_id"),
    Shift.status == ShiftStatus.open,
)
_SHIFT_HERE_WHERE = (Shift.id == sa.bindparam("shift_id"), Shift.location_id == sa.bindparam("location_id"))
_OPEN_SHIFT = sa.select(Shift).where(*_OPEN_SHIFT_WHERE)
_SHIFT_HERE = sa.select(Shift).where(*_SHIFT_HERE_WHERE)
# On PostgreSQL a sale claims its client id (:func:`claim_client_id`) in the statement that
# reads its sales point and shift: ``SELECT … FROM (SELECT pg_advisory_xact_lock(…)) AS claim
# LEFT JOIN location ON … LEFT JOIN till_shift ON …``. The claim is the joins' outer side, so
# it is taken whether or not they are there, before they are looked for; one round trip.
_CLAIMED = sa.select(CLAIM.label("claimed")).subquery("claim")


def claim_and_read_shift(*, named: bool) -> sa.Select[Location, Shift]:
    """The statement claiming a client id and reading the sales point by its code (parameter
    ``code``) and the sale's shift there (named, else the cashier's open one): PostgreSQL's.
    A caller may join more to it (a sale its products)."""
    where: tuple[sa.ColumnElement[bool], ...]
    if named:
        where = (Shift.id == sa.bindparam("shift_id"),)
    else:
        where = (Shift.user_id == sa.bindparam("user_id"), Shift.status == ShiftStatus.open)
    return (
        sa.select(Location, Shift)
        .select_from(_CLAIMED)
        .outerjoin(Location, Location.code == sa.bindparam("code"))
        .outerjoin(Shift, sa.and_(Shift.location_id == Location.id, *where))
    )


def shift_params(user: CurrentUser, code: str, shift_id: int | None, claim: uuid.UUID) -> dict[str, Any]:
    """The parameters of :func:`claim_and_read_shift`'s statement."""
    params: dict[str, Any] = {"code": code, "claim_key": claim_key(claim)}
    return params | ({"shift_id": shift_id} if shift_id is not None else {"user_id": user.id})


async def open_shift_of(session: AsyncSession, user: CurrentUser, location: Location) -> Shift | None:
    return await session.scalar(_OPEN_SHIFT, {"location_id": location.id, "user_id": user.id})


async def open_shift(session: AsyncSession, user: CurrentUser, location: Location, data: ShiftIn) -> Shift:
    """Open the cashier's shift here; opening one already open answers that one."""
    require_cashier(user)
    if (current := await open_shift_of(session, user, location)) is not None:
        return current
    shift = Shift(
        location_id=location.id,
        user_id=user.id,
        status=ShiftStatus.open,
        opening_float_vnd=data.opening_float,
        opened_at=utcnow(),
    )
    session.add(shift)
    await session.flush()
    return shift


async def find(session: AsyncSession, location: Location, shift_id: int, *, lock: bool = False) -> Shift:
    stmt = sa.select(Shift).where(Shift.id == shift_id, Shift.location_id == location.id)
    if lock and dialect_of(session) == "postgresql":
        stmt = stmt.with_for_update()
    shift = await session.scalar(stmt)
    if shift is None:
        raise NotFound(N_("No shift {id} at this location."), id=shift_id)
    return shift


async def for_sale(
    session: AsyncSession, user: CurrentUser, location: Location, shift_id: int | None, *, late: bool
) -> Shift:
    """The shift a sale or return belongs to: the one named (closed is fine for a late sale,
    which was made while it was open), else the cashier's open shift here."""
    if shift_id is None:
        shift = await open_shift_of(session, user, location)
    else:
        shift = await session.scalar(_SHIFT_HERE, {"shift_id": shift_id, "location_id": location.id})
    return checked_for_sale(shift, shift_id, late=late)


def checked_for_sale(shift: Shift | None, shift_id: int | None, *, late: bool) -> Shift:
    """The shift found for a sale, if it may take it; else why not."""
    if shift_id is None:
        if shift is None:
            raise Conflict(N_("Open a shift before selling."), error_code="no_open_shift")
        return shift
    if shift is None:
        raise InvalidInput(
            errors=[field_error("shift_id", N_("No shift {id} at this location."), id=shift_id)]
        )
    if shift.status is ShiftStatus.closed and not late:
        raise Conflict(N_("Shift {id} is closed: open a new one."), id=shift_id, error_code="shift_closed")
    return shift


def _counted(shift: Shift) -> tuple[int | None, int | None, int | None]:
    return (shift.counted_cash_vnd, shift.counted_bank_transfer_vnd, shift.counted_card_vnd)


async def close(
    session: AsyncSession, user: CurrentUser, location: Location, shift_id: int, data: ShiftCloseIn
) -> Shift:
    """Close with the amounts counted per method. The till refuses to close while sales wait
    to sync; closing again with the same counts answers the closed shift."""
    require_cashier(user)
    shift = await find(session, location, shift_id, lock=True)
    if shift.user_id != user.id and user.role not in (Role.admin, Role.manager):
        raise Forbidden(N_("Only its cashier or a manager can close this shift."))
    counted = (data.counted.cash, data.counted.bank_transfer, data.counted.card)
    if shift.status is ShiftStatus.closed:
        if _counted(shift) == counted:
            return shift
        raise Conflict(N_("Shift {id} is already closed."), id=shift_id, error_code="shift_closed")
    shift.counted_cash_vnd, shift.counted_bank_transfer_vnd, shift.counted_card_vnd = counted
    shift.status, shift.closed_at, shift.closed_by, shift.note = (
        ShiftStatus.closed,
        utcnow(),
        user.id,
        data.note,
    )
    await session.flush()
    return shift


async def report(session: AsyncSession, shift: Shift) -> ZReport:
    """The shift's Z-report (X-report while it is open): computed, never stored."""
    sales = sa.select(Sale.id).where(Sale.shift_id == shift.id).scalar_subquery()
    returns = sa.select(SaleReturn.id).where(SaleReturn.shift_id == shift.id).scalar_subquery()
    count, gross, discounts, net_sales = (
        await session.execute(
            sa.select(
                sa.func.count(Sale.id),
                sa.func.coalesce(sa.func.sum(Sale.subtotal_vnd), 0),
                sa.func.coalesce(sa.func.sum(Sale.discount_vnd), 0),
                sa.func.coalesce(sa.func.sum(Sale.total_vnd), 0),
            ).where(Sale.shift_id == shift.id)
        )
    ).one()
    n_returns, refunds = (
        await session.execute(
            sa.select(
                sa.func.count(SaleReturn.id), sa.func.coalesce(sa.func.sum(SaleReturn.total_vnd), 0)
            ).where(SaleReturn.shift_id == shift.id)
        )
    ).one()
    paid = await mapping(
        session,
        sa.select(SalePayment.method, sa.func.sum(SalePayment.amount_vnd))
        .where(SalePayment.sale_id.in_(sales))
        .group_by(SalePayment.method),
    )
    refunded = await mapping(
        session,
        sa.select(Refund.method, sa.func.sum(Refund.amount_vnd))
        .where(Refund.return_id.in_(returns))
        .group_by(Refund.method),
    )
    units_sold = await _sum(
        session, sa.select(sa.func.sum(SaleLine.quantity)).where(SaleLine.sale_id.in_(sales))
    )
    units_returned = await _sum(
        session, sa.select(sa.func.sum(ReturnLine.quantity)).where(ReturnLine.return_id.in_(returns))
    )
    ledger_sold = -await _ledger(session, DocumentKind.sale, MovementKind.sale, sales)
    ledger_returned = await _ledger(session, DocumentKind.sale_return, MovementKind.customer_return, returns)
    return ZReport(
        sales=int(count),
        gross=int(gross),
        discounts=int(discounts),
        net_sales=int(net_sales),
        returns=int(n_returns),
        refunds=int(refunds),
        net=int(net_sales) - int(refunds),
        units_sold=units_sold,
        units_returned=units_returned,
        ledger_units_sold=ledger_sold,
        ledger_units_returned=ledger_returned,
        by_method=_by_method(shift, paid, refunded),
        by_group=await _by_group(session, sales),
    )


async def _sum(session: AsyncSession, stmt: sa.Select[Any]) -> int:
    return int(await session.scalar(stmt) or 0)


async def _ledger(
    session: AsyncSession, document: DocumentKind, kind: MovementKind, ids: sa.ScalarSelect[int]
) -> int:
    stmt = sa.select(sa.func.sum(Movement.quantity)).where(
        Movement.document_kind == document, Movement.document_id.in_(ids), Movement.kind == kind
    )
    return await _sum(session, stmt)


def _by_method(shift: Shift, paid: dict[Any, int], refunded: dict[Any, int]) -> list[MethodTotals]:
    counted = dict(zip(PaymentMethod, _counted(shift), strict=True))
    out = []
    for method in PaymentMethod:
        sales, back = int(paid.get(method, 0)), int(refunded.get(method, 0))
        expected = sales - back + (shift.opening_float_vnd if method is PaymentMethod.cash else 0)
        got = counted[method]
        out.append(
            MethodTotals(
                method=method.value,
                sales=sales,
                refunds=back,
                net=sales - back,
                expected=expected,
                counted=got,
                difference=None if got is None else got - expected,
            )
        )
    return out


async def _by_group(session: AsyncSession, sales: sa.ScalarSelect[int]) -> list[GroupTotals]:
    stmt = (
        sa.select(ProductGroup.name, sa.func.sum(SaleLine.quantity), sa.func.sum(SaleLine.total_vnd))
        .join(Product, Product.id == SaleLine.product_id)
        .join(ProductGroup, ProductGroup.id == Product.group_id)
        .where(SaleLine.sale_id.in_(sales))
        .group_by(ProductGroup.name)
        .order_by(sa.func.sum(SaleLine.total_vnd).desc())
    )
    return [
        GroupTotals(group=name, quantity=int(q), amount=int(a)) for name, q, a in await session.execute(stmt)
    ]


async def list_shifts(session: AsyncSession, location: Location, *, limit: int = 50) -> list[Shift]:
    return list(await session.scalars(shifts_select(location).limit(limit)))


def shifts_select(location: Location) -> sa.Select[Shift]:
    """A location's shifts, newest first."""
    return sa.select(Shift).where(Shift.location_id == location.id).order_by(Shift.id.desc())
