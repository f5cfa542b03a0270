"""Starting and ending a browser session: the cookie and the CSRF token that goes with it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import services
from shop.accounts.middleware import CSRF_COOKIE, SESSION_COOKIE
from shop.accounts.models import TokenKind
from shop.settings import Settings


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def login(session: AsyncSession, request: Request[Any, Any, Any], username: str, password: str) -> int:
    """Check the credentials (rate-limited, failures recorded); note the login in ``session``."""
    settings: Settings = request.app.state.settings
    user_id = await services.authenticate(
        request.app.state.db,
        username=username,
        password=password,
        client=client_address(request),
        max_failures=settings.login_max_failures,
        window=settings.login_window,
    )
    await services.record_login(session, user_id)
    return user_id


async def start_session(
    session: AsyncSession, request: Request[Any, Any, Any], user_id: int
) -> tuple[list[Cookie], str]:
    """Issue a session token; returns the cookies to set and the CSRF token."""
    settings: Settings = request.app.state.settings
    token = await services.issue_token(
        session, user_id, TokenKind.session, dt.timedelta(seconds=settings.session_ttl)
    )
    csrf = generate_csrf_token(settings.secret_key)  # a new login never keeps an old token
    cookies = [
        Cookie(
            key=SESSION_COOKIE,
            value=token,
            httponly=True,
            samesite="lax",
            secure=settings.secure_cookies,
            max_age=settings.session_ttl,
        ),
        Cookie(key=CSRF_COOKIE, value=csrf, httponly=False, samesite="lax", secure=settings.secure_cookies),
    ]
    return cookies, csrf


async def end_session(
    session: AsyncSession, request: Request[Any, Any, Any], response: Response[Any]
) -> None:
    if token := request.cookies.get(SESSION_COOKIE):
        await services.revoke_token(session, token)
    response.delete_cookie(SESSION_COOKIE)
