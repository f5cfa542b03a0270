"""/admin in the app: Piccolo Admin, built with its tables and its pool on the first visit.

Piccolo (its tables, its engine and its PostgreSQL pool) costs each worker about 10 MiB and a
connection; most workers of a shop never serve /admin. This module imports none of it: the
site (``admin.site``) is imported and started when someone first opens /admin.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from litestar import asgi
from litestar.enums import ScopeType
from litestar.handlers import ASGIRouteHandler
from litestar.types import Message, Receive, Scope, Send

from shop.catalog import cache
from shop.db import Database
from shop.settings import Settings

if TYPE_CHECKING:
    from admin.site import AdminSite

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DATA_PATHS = ("/api/tables/", "/api/forms/")  # a table's rows, and the forms that write rows
MFA_SETUP_PATH = "/api/mfa-setup"  # Piccolo's own set-up pages, under the admin's menu
SECURITY_PAGE = "/account/security/"  # where the app's two-step sign-in is set up


def is_mfa_setup(scope: Scope) -> bool:
    return str(scope.get("path", "")).rstrip("/").endswith(MFA_SETUP_PATH)


def writes_data(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return scope.get("method") in _WRITES and any(part in path for part in _DATA_PATHS)


def _dropping_the_catalog(send: Send) -> Send:
    """``send``, which drops the catalog caches (here, and through ``shop.cluster`` on the
    other instances) just before a successful answer's last part: Piccolo has committed by
    then, and whoever reads after the answer reads the write. Its own hooks drop before the
    write, for the few tables they know; a page read between the two would be kept stale."""
    succeeded = False

    async def forward(message: Message) -> None:
        nonlocal succeeded
        if message["type"] == "http.response.start":
            succeeded = int(message["status"]) < 400
        elif message["type"] == "http.response.body" and not message.get("more_body") and succeeded:
            cache.catalog_changed()
        await send(message)

    return forward


async def _redirect(send: Send, status: int, location: str) -> None:
    start = {"type": "http.response.start", "status": status, "headers": [(b"location", location.encode())]}
    await send(cast(Message, start))
    await send(cast(Message, {"type": "http.response.body", "body": b""}))


class AdminMount:
    """The route handler mounted at /admin, and the site behind it once built."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self._settings, self._db = settings, db
        self._site: AdminSite | None = None
        self._started = False
        self._building = asyncio.Lock()
        self.handler = self._mount_handler()

    async def site(self) -> AdminSite:
        """The site, built by the first request that needs it, its pool opened while the app
        runs (a stopped app started again, as tests do, opens it again)."""
        if not self._started:
            async with self._building:
                if self._site is None:
                    from admin.site import AdminSite

                    self._site = AdminSite(self._settings, self._db)
                if not self._started:
                    await self._site.start()
                    self._started = True
        assert self._site is not None
        return self._site

    async def stop(self) -> None:
        if self._site is not None and self._started:
            await self._site.stop()
            self._started = False

    def _mount_handler(self) -> ASGIRouteHandler:
        mount = self

        @asgi("/admin", is_mount=True, copy_scope=True, include_in_schema=False)
        async def admin(scope: Scope, receive: Receive, send: Send) -> None:
            # The SPA loads ./assets/… relatively: /admin must become /admin/.
            if scope["type"] == ScopeType.HTTP and scope.get("raw_path") == b"/admin":
                await _redirect(send, 307, "/admin/")
                return
            # Two-step sign-in is set up on the app's page, not on Piccolo's (its menu links here).
            if scope["type"] == ScopeType.HTTP and is_mfa_setup(scope):
                await _redirect(send, 303, SECURITY_PAGE)
                return
            site = await mount.site()
            if scope["type"] == ScopeType.HTTP and writes_data(scope):
                send = _dropping_the_catalog(send)
            await site.serve(scope, receive, send)

        return admin
