"""The office's hand on people: who has an account, in which role and scope (its producer
and sales points by code and name); creating one, changing a role or scope, resetting a
password, deactivating and reactivating. Accounts scope by ids; codes are resolved here.

Piccolo Admin reads the same ``piccolo_user`` row, so its flags follow the role and state
here, in the same transaction: ``admin`` and ``superuser`` only for the office, ``active``
as the office set it. Deactivating or resetting a password ends the person's logins (our
session cookies and bearer tokens, and the admin's own sessions). The office cannot lock
itself out: nobody changes their own role or deactivates themselves, and the last active
office account stays.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop import paging
from shop.accounts import services
from shop.accounts.models import Account, AccountLocation, AuthToken, PiccoloSession, PiccoloUser, Role
from shop.accounts.security import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hash_password
from shop.accounts.services import LOCATION_ROLES
from shop.catalog.models import Producer
from shop.errors import Conflict, InvalidInput, NotFound, field_error
from shop.i18n import N_
from shop.inventory.models import Location


@dataclass(frozen=True)
class Place:
    """A sales point or a producer, as a person reads it."""

    code: str
    name: str


@dataclass(frozen=True)
class Person:
    id: int
    username: str
    full_name: str
    email: str
    role: Role
    active: bool
    producer: Place | None
    locations: tuple[Place, ...]
    last_login: dt.datetime | None


def split_name(full_name: str) -> tuple[str | None, str | None]:
    """ "Nguyễn Thị Lan" → (first "Lan", last "Nguyễn Thị"): a Vietnamese given name comes last."""
    parts = full_name.split()
    if not parts:
        return None, None
    return parts[-1][:255], " ".join(parts[:-1])[:255] or None


def _full_name(user: PiccoloUser) -> str:
    return " ".join(p for p in (user.last_name, user.first_name) if p)


# Producer is None for people without one (an outer join).
PeopleSelect = sa.Select[PiccoloUser, Account, Producer]


def _people_select() -> PeopleSelect:
    return (
        sa.select(PiccoloUser, Account, Producer)
        .join(Account, Account.user_id == PiccoloUser.id)
        .outerjoin(Producer, Producer.id == Account.producer_id)
    )


async def _people(session: AsyncSession, stmt: PeopleSelect) -> list[Person]:
    rows = (await session.execute(stmt)).all()
    places: dict[int, list[Place]] = {}
    if rows:
        found = await session.execute(
            sa.select(AccountLocation.account_id, Location.code, Location.name)
            .join(Location, Location.id == AccountLocation.location_id)
            .where(AccountLocation.account_id.in_([account.id for _, account, _ in rows]))
            .order_by(Location.code)
        )
        for account_id, code, name in found.all():
            places.setdefault(account_id, []).append(Place(code, name))
    return [
        Person(
            id=user.id,
            username=user.username,
            full_name=_full_name(user),
            email=user.email,
            role=account.role,
            active=user.active,
            producer=Place(producer.code, producer.name) if producer is not None else None,
            locations=tuple(places.get(account.id, ())),
            # Piccolo's column keeps UTC without a zone: say so, as every other time we answer does.
            last_login=user.last_login.replace(tzinfo=dt.UTC) if user.last_login else None,
        )
        for user, account, producer in rows
    ]


async def search(
    session: AsyncSession, *, q: str | None = None, role: Role | None = None, limit: int = 200
) -> list[Person]:
    """People by username, name or e-mail (any part), the active ones first."""
    return await _people(session, search_select(q=q, role=role).limit(limit))


async def search_page(
    session: AsyncSession, *, q: str | None, role: Role | None, page: int, page_size: int
) -> tuple[list[Person], int]:
    """One page of ``search`` and how many people it finds in all."""
    stmt = search_select(q=q, role=role)
    total = await paging.count(session, stmt)
    return await _people(session, stmt.limit(page_size).offset(paging.offset(page, page_size))), total


def search_select(*, q: str | None = None, role: Role | None = None) -> PeopleSelect:
    stmt = _people_select()
    if q:
        like = f"%{q.strip().lower()}%"
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(PiccoloUser.username).like(like),
                sa.func.lower(PiccoloUser.email).like(like),
                sa.func.lower(
                    sa.func.coalesce(PiccoloUser.last_name, "")
                    + " "
                    + sa.func.coalesce(PiccoloUser.first_name, "")
                ).like(like),
            )
        )
    if role is not None:
        stmt = stmt.where(Account.role == role)
    return stmt.order_by(PiccoloUser.active.desc(), PiccoloUser.username, PiccoloUser.id)


async def get(session: AsyncSession, user_id: int) -> Person:
    found = await _people(session, _people_select().where(PiccoloUser.id == user_id))
    if not found:
        raise NotFound(N_("No such person."), error_code="user_not_found")
    return found[0]


def producer_code(text: str | None) -> str | None:
    """What the producer picker sends: "HTX Tài Hoan (HTX-TAIHOAN)", or a bare code."""
    if not text or not text.strip():
        return None
    named = re.search(r"\(([^()]+)\)\s*$", text)
    return (named.group(1) if named else text).strip()


async def producer_id(session: AsyncSession, code: str | None) -> int | None:
    if not code:
        return None
    producer_id = await session.scalar(sa.select(Producer.id).where(Producer.code == code))
    if producer_id is None:
        raise InvalidInput(errors=[field_error("producer", N_("No producer with code {code}."), code=code)])
    return producer_id


async def location_ids(session: AsyncSession, codes: Sequence[str]) -> list[int]:
    rows = (
        await session.execute(sa.select(Location.code, Location.id).where(Location.code.in_(codes)))
    ).all()
    found = dict(rows)
    if missing := [c for c in codes if c not in found]:
        raise InvalidInput(
            errors=[
                field_error("sales_point", N_("No sales point with code {code}."), code=", ".join(missing))
            ]
        )
    return [found[c] for c in codes]


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    role: Role,
    email: str | None = None,
    producer_code: str | None = None,
    location_codes: Sequence[str] = (),
    first_name: str | None = None,
    last_name: str | None = None,
) -> PiccoloUser:
    """A user with a role and scope named by codes: the fields are checked first, then the
    producer and sales points looked up (a cooperative's producer, a manager's or staff
    member's sales points; the others' are ignored)."""
    services.check_new_user(
        username=username,
        password=password,
        role=role,
        email=email,
        has_producer=bool(producer_code),
        has_sales_points=bool(location_codes),
    )
    await services.check_available(session, username, email)
    return await services.create_user(
        session,
        username=username,
        password=password,
        role=role,
        email=email,
        producer_id=await producer_id(session, producer_code if role is Role.cooperative else None),
        location_ids=await location_ids(session, location_codes) if role in LOCATION_ROLES else (),
        first_name=first_name,
        last_name=last_name,
    )


async def _rows(session: AsyncSession, user_id: int) -> tuple[PiccoloUser, Account]:
    row = (
        await session.execute(
            sa.select(PiccoloUser, Account)
            .join(Account, Account.user_id == PiccoloUser.id)
            .where(PiccoloUser.id == user_id)
        )
    ).first()
    if row is None:
        raise NotFound(N_("No such person."), error_code="user_not_found")
    return row[0], row[1]


async def _other_active_admins(session: AsyncSession, user_id: int) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(PiccoloUser)
        .join(Account, Account.user_id == PiccoloUser.id)
        .where(Account.role == Role.admin, PiccoloUser.active.is_(True), PiccoloUser.id != user_id)
    )
    return int(await session.scalar(stmt) or 0)


async def _end_logins(session: AsyncSession, user_id: int) -> None:
    """Every login of the person ends now: our cookies and tokens, the admin's sessions."""
    await session.execute(sa.delete(AuthToken).where(AuthToken.user_id == user_id))
    await session.execute(sa.delete(PiccoloSession).where(PiccoloSession.user_id == user_id))


async def change_role(
    session: AsyncSession,
    user_id: int,
    *,
    role: Role,
    producer: str | None,
    location_codes: Sequence[str],
    by: int,
) -> None:
    """A new role and scope: a cooperative's producer, a manager's or staff member's sales
    points; the admin's flags follow the role."""
    user, account = await _rows(session, user_id)
    if user_id == by and role is not account.role:
        raise Conflict(N_("You cannot change your own role."), error_code="own_role")
    if (
        account.role is Role.admin
        and role is not Role.admin
        and not await _other_active_admins(session, user_id)
    ):
        raise Conflict(N_("This is the last office account: keep it."), error_code="last_admin")
    errors = []
    code = producer_code(producer)
    if role is Role.cooperative and not code:
        errors.append(field_error("producer", N_("A cooperative user needs a producer.")))
    if role in LOCATION_ROLES and not location_codes:
        errors.append(field_error("sales_point", N_("Managers and staff need a sales point.")))
    if errors:
        raise InvalidInput(errors=errors)
    # Look everything up before changing the row (a query would flush it half-changed).
    maker = await producer_id(session, code) if role is Role.cooperative else None
    wanted = await location_ids(session, location_codes) if role in LOCATION_ROLES else []
    account.role, account.producer_id = role, maker
    await session.execute(sa.delete(AccountLocation).where(AccountLocation.account_id == account.id))
    session.add_all(AccountLocation(account_id=account.id, location_id=lid) for lid in sorted(set(wanted)))
    user.admin = user.superuser = role is Role.admin
    await session.flush()


async def reset_password(session: AsyncSession, user_id: int, password: str) -> None:
    """A new password, told to the person by the office; their open logins end."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            errors=[
                field_error(
                    "password",
                    N_("Use {min} to {max} characters."),
                    min=MIN_PASSWORD_LENGTH,
                    max=MAX_PASSWORD_LENGTH,
                )
            ]
        )
    user, _ = await _rows(session, user_id)
    user.password = hash_password(password)
    await _end_logins(session, user_id)
    await session.flush()


async def set_active(session: AsyncSession, user_id: int, active: bool, *, by: int) -> None:
    """Deactivate (logins end, nothing is deleted: their sales and movements keep their
    author) or reactivate an account."""
    user, account = await _rows(session, user_id)
    if not active:
        if user_id == by:
            raise Conflict(N_("You cannot deactivate your own account."), error_code="own_account")
        if account.role is Role.admin and not await _other_active_admins(session, user_id):
            raise Conflict(N_("This is the last office account: keep it."), error_code="last_admin")
        await _end_logins(session, user_id)
    user.active = active
    await session.flush()
