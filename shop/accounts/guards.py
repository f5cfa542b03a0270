"""Route guards: small functions Litestar runs before a handler. The server decides, always."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from shop.accounts.models import Role
from shop.accounts.services import CurrentUser
from shop.errors import Forbidden, Unauthenticated

# Coroutines: Litestar runs a plain function guard in a thread pool, on every request.
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def current_user(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser | None:
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


def actor(connection: ASGIConnection[Any, Any, Any, Any]) -> CurrentUser:
    """The signed-in user a handler acts for (its guard let only signed-in users in)."""
    user = current_user(connection)
    if user is None:
        raise Unauthenticated()
    return user


async def requires_login(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if current_user(connection) is None:
        raise Unauthenticated()


def requires_role(*roles: Role) -> Guard:
    """A guard letting in the given roles (admins always)."""
    allowed = frozenset(roles) | {Role.admin}

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = current_user(connection)
        if user is None:
            raise Unauthenticated()
        if user.role not in allowed:
            raise Forbidden()

    return guard


requires_admin = requires_role(Role.admin)
