"""Accounts: creating users, logging in (rate-limited), sessions and bearer tokens."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import (
    Account,
    AccountLocation,
    AuthToken,
    LoginFailure,
    PiccoloUser,
    Role,
    TokenKind,
)
from shop.accounts.security import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    new_token,
    token_digest,
    verify_password,
)
from shop.db import Database
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, TooManyRequests, Unauthenticated, field_error
from shop.i18n import N_

# Verifying against a hash of the same cost when the user does not exist keeps both answers
# equally slow (made once, on first use: hashing at import time would slow every start).
_dummy_hash: list[str] = []


def _dummy() -> str:
    if not _dummy_hash:
        _dummy_hash.append(hash_password(new_token()))
    return _dummy_hash[0]


BEARER_TTL = dt.timedelta(days=365)
LOCATION_ROLES = frozenset({Role.manager, Role.staff})


@dataclass(frozen=True)
class CurrentUser:
    """Who is asking, and what they may touch."""

    id: int
    username: str
    role: Role
    producer_id: int | None
    location_ids: frozenset[int]
    via: TokenKind

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def can_see_location(self, location_id: int) -> bool:
        return self.is_admin or location_id in self.location_ids


def _username_ok(username: str) -> bool:
    """3 to 100 letters, digits, dots, underscores or hyphens ("nguyen-van-a"), at least
    one of them a letter or digit: nothing a login form, a URL or a shell mangles."""
    bare = username.replace(".", "").replace("_", "").replace("-", "")
    return 3 <= len(username) <= 100 and bare.isalnum()


def check_new_user(
    *,
    username: str,
    password: str,
    role: Role,
    email: str | None,
    has_producer: bool,
    has_sales_points: bool,
) -> None:
    """The new user's fields, before anything is looked up: a cooperative user names a
    producer, a manager or staff member sales points."""
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise InvalidInput(
            errors=[field_error("email", N_("Enter an e-mail address such as lan@example.vn."))]
        )
    errors = []
    if not _username_ok(username):
        message = N_("Use 3 to 100 letters, digits, dots, underscores or hyphens.")
        errors.append(field_error("username", message))
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        errors.append(
            field_error(
                "password",
                N_("Use {min} to {max} characters."),
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
            )
        )
    if role is Role.cooperative and not has_producer:
        errors.append(field_error("producer", N_("A cooperative user needs a producer.")))
    if role in LOCATION_ROLES and not has_sales_points:
        errors.append(field_error("sales_point", N_("Managers and staff need a sales point.")))
    if errors:
        raise InvalidInput(errors=errors)


async def check_available(session: AsyncSession, username: str, email: str | None) -> None:
    """Nobody else has this username or e-mail address."""
    if await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == username)):
        raise Conflict(N_("The username {username} is taken."), username=username)
    if email and await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.email == email)):
        raise Conflict(N_("The e-mail address {email} belongs to another account."), email=email)


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    password: str,
    role: Role,
    email: str | None = None,
    producer_id: int | None = None,
    location_ids: Sequence[int] = (),
    first_name: str | None = None,
    last_name: str | None = None,
) -> PiccoloUser:
    """A user with a role and scope (a producer's id, sales points' ids: the callers resolve
    codes). Admins may also use /admin (as Piccolo superusers)."""
    check_new_user(
        username=username,
        password=password,
        role=role,
        email=email,
        has_producer=producer_id is not None,
        has_sales_points=bool(location_ids),
    )
    await check_available(session, username, email)
    producer = producer_id if role is Role.cooperative else None
    locations = list(location_ids) if role in LOCATION_ROLES else []
    is_admin = role is Role.admin
    user = PiccoloUser(
        username=username,
        password=hash_password(password),
        email=email or f"{username}@users.ocop.invalid",
        first_name=first_name,
        last_name=last_name,
        active=True,
        admin=is_admin,
        superuser=is_admin,
    )
    session.add(user)
    await session.flush()
    account = Account(user_id=user.id, role=role, producer_id=producer)
    session.add(account)
    await session.flush()
    session.add_all(AccountLocation(account_id=account.id, location_id=lid) for lid in locations)
    await session.flush()
    return user


# The first wait once a client has failed too often; each further failure doubles it.
LOGIN_FIRST_WAIT = 30


def login_wait(failures: int, *, free: int, longest: int) -> int:
    """Seconds to wait after the last of ``failures``: none for the first ``free``, then
    30 s, doubling with each failure, never more than ``longest``."""
    if failures < free:
        return 0
    return min(LOGIN_FIRST_WAIT << min(failures - free, 16), longest)


async def check_login_allowed(
    session: AsyncSession, *, username: str, client: str, max_failures: int, window: int
) -> None:
    """Refuse, without checking the password, an attempt from a client that has been failing
    at this username: it waits longer after each failure (``max_failures`` are free), and
    longer still when the username is failing from many addresses at once (an attack).

    A client that has not failed at this username lately is never refused: a stranger
    cannot lock the owner out, nor one person at a shared address lock out the others."""
    since = utcnow() - dt.timedelta(seconds=window)
    recent = (LoginFailure.username == username[:100], LoginFailure.at >= since)
    ours, last = (
        await session.execute(
            sa.select(sa.func.count(), sa.func.max(LoginFailure.at)).where(
                *recent, LoginFailure.client == client[:64]
            )
        )
    ).one()
    if not ours or last is None:
        return
    everyone = await session.scalar(sa.select(sa.func.count()).where(*recent)) or 0
    wait = max(
        login_wait(ours, free=max_failures, longest=window),
        login_wait(everyone, free=2 * max_failures, longest=window),
    )
    left = (last + dt.timedelta(seconds=wait) - utcnow()).total_seconds()
    if left > 0:
        raise TooManyRequests(retry_after=math.ceil(left))


async def record_login_failure(session: AsyncSession, *, username: str, client: str) -> None:
    session.add(LoginFailure(username=username[:100], client=client[:64]))
    await session.flush()


async def verify_credentials(session: AsyncSession, username: str, password: str) -> int | None:
    """The user's id when the password is right and the user active and known to us."""
    row = (
        await session.execute(
            sa.select(PiccoloUser.id, PiccoloUser.password, PiccoloUser.active)
            .join(Account, Account.user_id == PiccoloUser.id)
            .where(PiccoloUser.username == username)
        )
    ).first()
    if row is None:
        verify_password(password, _dummy())
        return None
    if not verify_password(password, row.password) or not row.active:
        return None
    return int(row.id)


async def record_login(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        sa.update(PiccoloUser)
        .where(PiccoloUser.id == user_id)
        .values(last_login=utcnow().replace(tzinfo=None))
    )


async def issue_token(
    session: AsyncSession, user_id: int, kind: TokenKind, ttl: dt.timedelta, name: str | None = None
) -> str:
    token = new_token()
    session.add(
        AuthToken(
            token_hash=token_digest(token),
            kind=kind,
            user_id=user_id,
            name=name,
            expires_at=utcnow() + ttl,
        )
    )
    await session.flush()
    return token


async def revoke_token(session: AsyncSession, token: str) -> None:
    await session.execute(sa.delete(AuthToken).where(AuthToken.token_hash == token_digest(token)))


# (user id, username, role, producer id, one of its sales points or None)
UserRows = sa.Select[int, str, Role, int | None, int]


def _user_select() -> UserRows:
    """A live user with their account and, joined, each of its sales points (a row each, or
    one with none): who someone is and what they may touch, in one statement."""
    return (
        sa.select(
            PiccoloUser.id,
            PiccoloUser.username,
            Account.role,
            Account.producer_id,
            AccountLocation.location_id,
        )
        .join(Account, Account.user_id == PiccoloUser.id)
        .outerjoin(AccountLocation, AccountLocation.account_id == Account.id)
        .where(PiccoloUser.active.is_(True))
    )


async def _load_user(
    session: AsyncSession, stmt: UserRows, via: TokenKind, params: dict[str, Any] | None = None
) -> CurrentUser | None:
    rows = (await session.execute(stmt, params)).all()
    if not rows:
        return None
    user_id, username, role, producer_id, _location = rows[0]
    return CurrentUser(
        id=user_id,
        username=username,
        role=Role(role),
        producer_id=producer_id,
        location_ids=frozenset(row[4] for row in rows if row[4] is not None),
        via=via,
    )


async def load_user(session: AsyncSession, user_id: int, via: TokenKind) -> CurrentUser | None:
    return await _load_user(session, _user_select().where(PiccoloUser.id == user_id), via)


# Every signed-in request asks this: built once, run with the token's digest, kind and the
# time bound.
_BY_TOKEN = (
    _user_select()
    .join(AuthToken, AuthToken.user_id == PiccoloUser.id)
    .where(
        AuthToken.token_hash == sa.bindparam("digest"),
        AuthToken.kind == sa.bindparam("kind"),
        AuthToken.expires_at > sa.bindparam("now"),
    )
)


async def user_for_token(session: AsyncSession, token: str, kind: TokenKind) -> CurrentUser | None:
    """The live user behind a session cookie or bearer token, with their scope, in one
    statement."""
    params = {"digest": token_digest(token), "kind": kind, "now": utcnow()}
    return await _load_user(session, _BY_TOKEN, kind, params)


async def authenticate(
    db: Database,
    *,
    username: str,
    password: str,
    client: str,
    max_failures: int,
    window: int,
) -> int:
    """The user id for good credentials.

    The slow password check runs in a read transaction (on SQLite a write transaction would
    hold the database's one write lock for the whole hash); a failure is then recorded in a
    short write transaction of its own.
    """
    async with db.read_sessions() as session:
        await check_login_allowed(
            session, username=username, client=client, max_failures=max_failures, window=window
        )
        user_id = await verify_credentials(session, username, password)
    if user_id is None:
        async with db.write_sessions() as session:
            await record_login_failure(session, username=username, client=client)
            await session.commit()
        raise Unauthenticated(N_("Wrong username or password."), code="bad_credentials")
    return user_id
