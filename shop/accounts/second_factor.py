"""Two-step sign-in, the rules: enrolling an authenticator, checking a code or a recovery
code (each accepted once), turning it off, new recovery codes, the office's reset.

Session-first functions that never commit. Only admins and managers may enrol (the pages
check the role); once on, a user's second factor is asked at every login, whatever their
role becomes later.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import totp
from shop.accounts.models import RecoveryCode, SecondFactor
from shop.accounts.services import login_wait
from shop.db_types import utcnow
from shop.errors import Conflict, InvalidInput, TooManyRequests, field_error
from shop.i18n import N_


@dataclass(frozen=True)
class Status:
    """What the security page shows."""

    enabled: bool
    confirmed_at: dt.datetime | None
    pending: bool  # enrolment started, not yet confirmed with a code
    recovery_codes_left: int


async def _row(session: AsyncSession, user_id: int) -> SecondFactor | None:
    return await session.scalar(sa.select(SecondFactor).where(SecondFactor.user_id == user_id))


async def is_enabled(session: AsyncSession, user_id: int) -> bool:
    found = await session.scalar(
        sa.select(SecondFactor.id).where(
            SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None)
        )
    )
    return found is not None


async def status(session: AsyncSession, user_id: int) -> Status:
    row = await _row(session, user_id)
    left = await session.scalar(
        sa.select(sa.func.count()).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    )
    confirmed = row.confirmed_at if row else None
    return Status(
        enabled=confirmed is not None,
        confirmed_at=confirmed,
        pending=row is not None and confirmed is None,
        recovery_codes_left=int(left or 0),
    )


async def start_enrolment(session: AsyncSession, user_id: int, secret_key: str) -> str:
    """A new secret waiting for its first code (the one already waiting, if readable)."""
    row = await _row(session, user_id)
    if row is not None and row.confirmed_at is not None:
        raise Conflict(N_("Two-step sign-in is already on."))
    if row is not None and (secret := totp.unseal(row.secret, secret_key)):
        return secret
    secret = totp.new_secret()
    if row is None:
        session.add(SecondFactor(user_id=user_id, secret=totp.seal(secret, secret_key)))
    else:
        row.secret = totp.seal(secret, secret_key)
    await session.flush()
    return secret


async def pending_secret(session: AsyncSession, user_id: int, secret_key: str) -> str | None:
    """The secret being enrolled; a confirmed secret is never shown again."""
    row = await _row(session, user_id)
    if row is None or row.confirmed_at is not None:
        return None
    return totp.unseal(row.secret, secret_key)


def _wrong_code() -> InvalidInput:
    return InvalidInput(errors=[field_error("code", N_("That code is not right. Try the newest one."))])


async def _new_recovery_codes(session: AsyncSession, user_id: int) -> list[str]:
    await session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = totp.new_recovery_codes()
    session.add_all(RecoveryCode(user_id=user_id, code_hash=totp.hash_recovery_code(c)) for c in codes)
    await session.flush()
    return codes


async def confirm_enrolment(
    session: AsyncSession, user_id: int, code: str, secret_key: str, now: float | None = None
) -> list[str]:
    """Turn it on with a first right code; returns the recovery codes (shown only now)."""
    row = await _row(session, user_id)
    if row is None or row.confirmed_at is not None:
        raise Conflict(N_("Start the set-up again."))
    secret = totp.unseal(row.secret, secret_key)
    step = totp.matching_step(secret, totp.normalize(code), now) if secret else None
    if step is None:
        raise _wrong_code()
    row.confirmed_at, row.last_step, row.failures, row.failed_at = utcnow(), step, 0, None
    await session.flush()
    return await _new_recovery_codes(session, user_id)


def check_code_allowed(row: SecondFactor, *, max_failures: int, window: int) -> None:
    """Codes wait, for everyone, once this user's codes have been wrong too often lately."""
    if row.failed_at is None or row.failed_at < utcnow() - dt.timedelta(seconds=window):
        return
    wait = login_wait(row.failures, free=max_failures, longest=window)
    left = (row.failed_at + dt.timedelta(seconds=wait) - utcnow()).total_seconds()
    if left > 0:
        raise TooManyRequests(retry_after=math.ceil(left))


async def _use_totp(session: AsyncSession, row: SecondFactor, code: str, secret_key: str) -> bool:
    secret = totp.unseal(row.secret, secret_key)
    step = totp.matching_step(secret, code) if secret else None
    if step is None:
        return False
    # Conditional: of two requests with one code, one wins; a code of an earlier (or the
    # same) step than the last accepted is refused: a code seen over a shoulder is spent.
    done = await session.execute(
        sa.update(SecondFactor)
        .where(
            SecondFactor.id == row.id,
            sa.or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step),
        )
        .values(last_step=step, failures=0, failed_at=None)
    )
    return bool(getattr(done, "rowcount", 0))


async def _use_recovery_code(session: AsyncSession, user_id: int, code: str) -> bool:
    rows = (
        await session.execute(
            sa.select(RecoveryCode.id, RecoveryCode.code_hash).where(
                RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)
            )
        )
    ).all()
    matched = [row.id for row in rows if totp.recovery_code_matches(code, row.code_hash)]
    if not matched:
        return False
    done = await session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.id == matched[0], RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    return bool(getattr(done, "rowcount", 0))


async def use_code(
    session: AsyncSession, user_id: int, code: str, secret_key: str, *, max_failures: int, window: int
) -> bool:
    """Check a 6-digit code or a recovery code of a user whose second factor is on, and
    spend it. A wrong one is counted against the user (see ``check_code_allowed``)."""
    row = await session.scalar(
        sa.select(SecondFactor).where(SecondFactor.user_id == user_id, SecondFactor.confirmed_at.is_not(None))
    )
    if row is None:
        return False
    check_code_allowed(row, max_failures=max_failures, window=window)
    typed = totp.normalize(code)
    if totp.looks_like_totp(typed):
        ok = await _use_totp(session, row, typed, secret_key)
    else:
        ok = await _use_recovery_code(session, user_id, typed)
    if not ok:
        recent = row.failed_at is not None and row.failed_at >= utcnow() - dt.timedelta(seconds=window)
        await session.execute(
            sa.update(SecondFactor)
            .where(SecondFactor.id == row.id)
            .values(failures=(SecondFactor.failures + 1) if recent else 1, failed_at=utcnow())
        )
    return ok


async def regenerate_recovery_codes(session: AsyncSession, user_id: int) -> list[str]:
    if not await is_enabled(session, user_id):
        raise Conflict(N_("Two-step sign-in is off."))
    return await _new_recovery_codes(session, user_id)


async def turn_off(session: AsyncSession, user_id: int) -> None:
    """Forget the authenticator and the recovery codes (the owner, or the office's reset)."""
    await session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    await session.execute(sa.delete(SecondFactor).where(SecondFactor.user_id == user_id))
