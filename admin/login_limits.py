"""Piccolo Admin's sign-in (``POST /admin/public/login/``) under the app's own login limits.

Piccolo checks the password itself, so without this an attacker could guess passwords at
``/admin`` with none of the waits ``/login`` and the API impose, and leave no trace. This
wraps the mounted admin app: before Piccolo sees the attempt, the same limiter refuses a
client that has been failing at that username (429 with Retry-After, the password not
checked); after, a refused password is recorded as the app's own failures are. The right
password from an address that has not been failing is always accepted, as on ``/login``.

A user with two-step sign-in is asked for the code by Piccolo (``admin.second_factor``):
that answer is not a failure, while a wrong code is one, as at ``/login``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode

from litestar.enums import ScopeType
from litestar.types import (
    ASGIApp,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Message,
    Receive,
    ReceiveMessage,
    Scope,
    Send,
)
from starlette.requests import Request as StarletteRequest

from admin.second_factor import Attempt, current_attempt
from shop.accounts import services
from shop.db import Database
from shop.errors import TooManyRequests
from shop.i18n import translate_in
from shop.settings import Settings

LOGIN_PATH = "/public/login"
MAX_BODY = 64 * 1024  # a username and a password; more is not a login
SESSION_COOKIE = b"id="  # Piccolo's session cookie, set only when the login succeeds


def is_login(scope: Scope) -> bool:
    return (
        scope["type"] == ScopeType.HTTP
        and scope.get("method") == "POST"
        and str(scope.get("path", "")).rstrip("/").endswith(LOGIN_PATH)
    )


async def limit_login(
    app: ASGIApp, scope: Scope, receive: Receive, send: Send, *, db: Database, settings: Settings
) -> None:
    """Pass ``scope`` to the admin ``app``, a sign-in attempt under the login limits."""
    if not is_login(scope):
        await app(scope, receive, send)
        return
    body = await _read_body(receive)
    if body is None:
        await _answer(send, 413, {"detail": "Request body too large"})
        return
    username = await _username(scope, body)
    scope, body = _code_field_named(scope, body)
    client_info = scope.get("client")
    client = str(client_info[0]) if client_info else "unknown"  # as the app's own login sees it
    limits = {"max_failures": settings.login_max_failures, "window": settings.login_window}
    if username:
        try:
            async with db.read_sessions() as session:
                await services.check_login_allowed(session, username=username, client=client, **limits)
        except TooManyRequests as slowed:
            detail = translate_in("vi", slowed.message)
            await _answer(send, 429, {"detail": detail}, [(b"retry-after", str(slowed.retry_after).encode())])
            return
    outcome: dict[str, Any] = {}
    attempt = Attempt()

    async def watch(message: Message) -> None:
        if message["type"] == "http.response.start":
            outcome["status"] = message["status"]
            outcome["session"] = any(
                name.lower() == b"set-cookie" and value.startswith(SESSION_COOKIE) and len(value) > 3
                for name, value in message.get("headers", [])
            )
        await send(message)

    token = current_attempt.set(attempt)
    try:
        await app(scope, _replay(body), watch)
    finally:
        current_attempt.reset(token)
    if username and _refused(outcome) and not attempt.asked_for_code:
        async with db.write_sessions() as session:
            await services.record_login_failure(session, username=username, client=client)
            await session.commit()


def _code_field_named(scope: Scope, body: bytes) -> tuple[Scope, bytes]:
    """Piccolo's HTML login page names its code field ``mfa_token`` while its endpoint reads
    ``mfa_code`` (piccolo_api 1.11): the code typed there is passed on under that name too."""
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    if not content_type.startswith(b"application/x-www-form-urlencoded"):
        return scope, body
    fields = parse_qs(body.decode("utf-8", "replace"))
    if "mfa_code" in fields or not fields.get("mfa_token"):
        return scope, body
    body += b"&" + urlencode({"mfa_code": fields["mfa_token"][0]}).encode()
    headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return {**scope, "headers": headers}, body  # type: ignore[return-value]


def _refused(outcome: dict[str, Any]) -> bool:
    """Piccolo refused the password: 401 for JSON, its login page again (200, no session
    cookie) for a form. A 403 (CSRF), 422 (a field missing) or 429 checked no password.
    (A right password asked for its second-factor code looks the same: the caller knows.)"""
    status = outcome.get("status")
    return status == 401 or (status == 200 and not outcome.get("session"))


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message["body"]
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> ReceiveMessage:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive


async def _username(scope: Scope, body: bytes) -> str:
    """The username as Piccolo will read it: JSON first, else a form."""
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        value = data.get("username")
        return value if isinstance(value, str) else ""
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    if content_type.startswith(b"application/x-www-form-urlencoded"):
        return (parse_qs(body.decode("utf-8", "replace")).get("username") or [""])[0]
    if content_type.startswith(b"multipart/form-data"):
        form = await StarletteRequest(dict(scope), _replay(body)).form()  # type: ignore[arg-type]
        value = form.get("username")
        return value if isinstance(value, str) else ""
    return ""


async def _answer(
    send: Send, status: int, content: dict[str, Any], headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps(content, ensure_ascii=False).encode()
    start: HTTPResponseStartEvent = {
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            *(headers or []),
        ],
    }
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": body, "more_body": False}
    await send(start)
    await send(end)
