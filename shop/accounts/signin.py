"""Logging in with a password and, for users who turned it on, a second factor.

``authenticate`` wraps the password check of ``services`` (and its limiter) with the second
step; ``second_step`` finishes a login whose password was right. Between the two the browser
holds a short-lived signed ticket naming the user (no session exists until the code is in).

Wrong codes are failures in the same limiter as wrong passwords (per username and client),
and besides count against the user wherever they came from (``second_factor.use_code``).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from shop.accounts import second_factor, services
from shop.db import Database
from shop.errors import TooManyRequests, Unauthenticated
from shop.i18n import N_

TICKET_TTL = 300  # seconds to type the code after the password


@dataclass(frozen=True, kw_only=True)
class Limits:
    max_failures: int
    window: int
    secret_key: str


@dataclass(frozen=True)
class Outcome:
    user_id: int
    needs_second_factor: bool  # the password was right; ask for the code before a session


def second_factor_required() -> Unauthenticated:
    return Unauthenticated(
        N_("Second factor required: send the 6-digit code from your authenticator app (otp)."),
        error_code="second_factor_required",
    )


def wrong_code() -> Unauthenticated:
    return Unauthenticated(N_("Wrong code. Try the newest one."), error_code="bad_second_factor")


async def _failure(db: Database, username: str, client: str) -> None:
    async with db.write_sessions() as session:
        await services.record_login_failure(session, username=username, client=client)
        await session.commit()


async def _code_ok(db: Database, user_id: int, code: str, limits: Limits) -> bool:
    async with db.write_sessions() as session:
        ok = await second_factor.use_code(
            session,
            user_id,
            code,
            limits.secret_key,
            max_failures=limits.max_failures,
            window=limits.window,
        )
        await session.commit()  # the code spent, or the failure counted
    return ok


async def authenticate(
    db: Database, *, username: str, password: str, otp: str | None, client: str, limits: Limits
) -> Outcome:
    """Check the password (and ``otp`` when given); failures recorded, clients slowed."""
    throttled: TooManyRequests | None = None
    async with db.read_sessions() as session:
        try:
            await services.check_login_allowed(
                session,
                username=username,
                client=client,
                max_failures=limits.max_failures,
                window=limits.window,
            )
        except TooManyRequests as refused:
            if not otp:
                raise
            throttled = refused
        user_id = await services.verify_credentials(session, username, password)
        enabled = user_id is not None and await second_factor.is_enabled(session, user_id)
    if throttled is not None:
        # The owner cannot be locked out by a stranger failing at their username from the
        # same address: a right password and a right second-factor code together get in
        # even while this client is made to wait. Guessing both at once is hopeless, codes
        # have their own per-user limit, and a wrong pair gets the very same 429, so it
        # tells nothing about the password.
        if user_id is None or not enabled or not await _code_ok(db, user_id, otp or "", limits):
            await _failure(db, username, client)
            raise throttled
        return Outcome(user_id, needs_second_factor=False)
    if user_id is None:
        await _failure(db, username, client)
        raise Unauthenticated(N_("Wrong username or password."), error_code="bad_credentials")
    if not enabled:
        return Outcome(user_id, needs_second_factor=False)
    if not otp:
        return Outcome(user_id, needs_second_factor=True)
    if not await _code_ok(db, user_id, otp, limits):
        await _failure(db, username, client)
        raise wrong_code()
    return Outcome(user_id, needs_second_factor=False)


async def second_step(
    db: Database, *, user_id: int, username: str, code: str, client: str, limits: Limits
) -> int:
    """The code after a right password: refused unchecked while this client waits."""
    async with db.read_sessions() as session:
        await services.check_login_allowed(
            session, username=username, client=client, max_failures=limits.max_failures, window=limits.window
        )
    if not await _code_ok(db, user_id, code, limits):
        await _failure(db, username, client)
        raise wrong_code()
    return user_id


def _signature(body: str, secret_key: str) -> str:
    key = hashlib.sha256(b"ocop second step:" + secret_key.encode()).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def ticket(user_id: int, secret_key: str, now: float | None = None) -> str:
    """Proof that this browser gave the right password a moment ago."""
    expires = int((time.time() if now is None else now) + TICKET_TTL)
    body = f"{user_id}.{expires}"
    return f"{body}.{_signature(body, secret_key)}"


def read_ticket(value: str, secret_key: str, now: float | None = None) -> int | None:
    """The user id of a genuine ticket still in time, else None."""
    body, _, signature = value.rpartition(".")
    user, _, expires = body.partition(".")
    if not (user.isdigit() and expires.isdigit()):
        return None
    if not hmac.compare_digest(signature, _signature(body, secret_key)):
        return None
    if int(expires) < (time.time() if now is None else now):
        return None
    return int(user)
