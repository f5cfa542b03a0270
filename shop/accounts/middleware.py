"""Who is asking: a bearer token (devices, scripts) or a session cookie (browsers).

Sets ``scope["user"]`` to a :class:`CurrentUser` or None. Cookie-authenticated writes to the
API must echo the CSRF cookie in ``X-CSRF-Token`` (pages are checked by Litestar's CSRF
middleware); bearer requests carry no ambient credentials and need no such check.
"""

from __future__ import annotations

import hmac
import re
from typing import Any

from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash
from litestar.types import ASGIApp, Receive, Scope, Send
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import TokenKind
from shop.accounts.services import CurrentUser, user_for_token
from shop.db import SAFE_METHODS, Database, unwrapped_reads
from shop.errors import Forbidden, Unauthenticated, UnsupportedMediaType
from shop.i18n import N_

SESSION_COOKIE = "ocop_session"
CSRF_COOKIE = "ocop_csrf"
CSRF_HEADER = "x-csrf-token"


async def _lookup(db: Database, token: str, kind: TokenKind) -> CurrentUser | None:
    """One statement, so outside a transaction on PostgreSQL (no BEGIN and ROLLBACK)."""
    async with AsyncSession(unwrapped_reads(db.engine), expire_on_commit=False) as session:
        return await user_for_token(session, token, kind)


def _signed(token: str, secret: str) -> bool:
    """Tokens are Litestar's: random hex followed by its HMAC under our secret."""
    value, signature = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return bool(value) and hmac.compare_digest(signature, generate_csrf_hash(value, secret))


def _check_api_csrf(request: Request[Any, Any, Any], secret: str) -> None:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    header = request.headers.get(CSRF_HEADER, "")
    if not cookie or not hmac.compare_digest(cookie, header) or not _signed(cookie, secret):
        raise Forbidden(N_("Missing or wrong CSRF token: reload the page and try again."))


# Photo uploads: a file is sent as multipart/form-data. A cross-site form could send that,
# but these routes need a bearer token (no form can set it) or a session whose CSRF header
# was checked above; an anonymous request is refused by their guards.
_UPLOADS = re.compile(r"^/api/v1/(products/\d+/images|producers/[^/]+/image|sales-points/[^/]+/image)/?$")


def _check_json_body(request: Request[Any, Any, Any], user: CurrentUser | None) -> None:
    """API writes take JSON only: a cross-site form cannot send it without a CORS preflight."""
    has_body = request.headers.get("content-length", "0") != "0" or "transfer-encoding" in request.headers
    media_type = request.content_type[0]
    if not has_body or media_type == "application/json":
        return
    if media_type == "multipart/form-data" and _UPLOADS.match(request.url.path):
        if user is None:
            raise Unauthenticated()
        return
    raise UnsupportedMediaType()


class AuthenticationMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = ("^/admin", "^/static", "^/health$", "^/schema")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request[Any, Any, Any] = Request(scope)
        db: Database = scope["litestar_app"].state.db
        user: CurrentUser | None = None
        authorization = request.headers.get("authorization", "")
        if authorization.lower().startswith("bearer "):
            user = await _lookup(db, authorization[7:].strip(), TokenKind.bearer)
            if user is None:
                raise Unauthenticated(N_("The access token is invalid or has expired."))
        elif token := request.cookies.get(SESSION_COOKIE):
            user = await _lookup(db, token, TokenKind.session)
            if user is not None and request.method not in SAFE_METHODS and scope["path"].startswith("/api/"):
                _check_api_csrf(request, scope["litestar_app"].state.settings.secret_key)
        if request.method not in SAFE_METHODS and scope["path"].startswith("/api/"):
            _check_json_body(request, user)
        scope["user"] = user
        scope["auth"] = user.via if user else None
        await next_app(scope, receive, send)
