"""Logging in over HTTP, with the second step: the limits from the settings, the client's
address (``sessions.client_address``), and the signed ticket cookie a browser holds between
the password and the code. Used by the login page and the login and token endpoints."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import services, sessions, signin
from shop.accounts.models import TokenKind
from shop.db import Database
from shop.settings import Settings

TICKET_COOKIE = "ocop_second_step"


def limits(request: Request[Any, Any, Any]) -> signin.Limits:
    settings: Settings = request.app.state.settings
    return signin.Limits(
        max_failures=settings.login_max_failures,
        window=settings.login_window,
        secret_key=settings.secret_key,
    )


async def login(
    session: AsyncSession,
    request: Request[Any, Any, Any],
    username: str,
    password: str,
    otp: str | None = None,
) -> signin.Outcome:
    """Check the password (and the code, if given); a finished login is noted in ``session``."""
    outcome = await signin.authenticate(
        request.app.state.db,
        username=username,
        password=password,
        otp=otp or None,
        client=sessions.client_address(request),
        limits=limits(request),
    )
    if not outcome.needs_second_factor:
        await services.record_login(session, outcome.user_id)
    return outcome


async def login_or_ask(
    session: AsyncSession, request: Request[Any, Any, Any], username: str, password: str, otp: str | None
) -> int:
    """For the API: the user id, or a 401 ``second_factor_required`` when the code is missing."""
    outcome = await login(session, request, username, password, otp)
    if outcome.needs_second_factor:
        raise signin.second_factor_required()
    return outcome.user_id


async def finish(session: AsyncSession, request: Request[Any, Any, Any], user_id: int, code: str) -> int:
    """The second step of a page login. Its checks run in short transactions of their own
    before ``session`` writes (on SQLite a write transaction holds the one write lock)."""
    db: Database = request.app.state.db
    async with db.read_sessions() as read:
        user = await services.load_user(read, user_id, TokenKind.session)
    if user is None:
        raise signin.wrong_code()
    await signin.second_step(
        db,
        user_id=user_id,
        username=user.username,
        code=code,
        client=sessions.client_address(request),
        limits=limits(request),
    )
    await services.record_login(session, user_id)
    return user_id


def ticket_cookie(request: Request[Any, Any, Any], user_id: int) -> Cookie:
    settings: Settings = request.app.state.settings
    return Cookie(
        key=TICKET_COOKIE,
        value=signin.ticket(user_id, settings.secret_key),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        max_age=signin.TICKET_TTL,
        path="/login",
    )


def ticket_user(request: Request[Any, Any, Any]) -> int | None:
    """Whose password this browser gave a moment ago, if anyone's."""
    value = request.cookies.get(TICKET_COOKIE)
    settings: Settings = request.app.state.settings
    return signin.read_ticket(value, settings.secret_key) if value else None
