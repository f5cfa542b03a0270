"""Text no person types, refused at the door: control characters and hostile JSON.

Every request's text passes here before a handler reads it: the query string, a JSON body
(each string and key, wherever it is nested) and a form's fields. A control character (NUL
first of all, which PostgreSQL refuses outright) is answered with a 422 naming the field, so
no field anywhere can carry one to the database or into an export. Line breaks and tabs stay
allowed: they are what a person types into a note. A JSON body nested too deeply for the
decoder is a 400, not a crash.

The body is read here once and kept on the request (Litestar caches it in the scope), so the
handler decodes the same bytes. The admin is another application with its own forms and is
left alone, as are the static files.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import msgspec
from litestar import Request
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from shop.errors import BadRequest, InvalidInput, NotFound, field_error
from shop.i18n import N_

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_MESSAGE = N_("This field contains a control character that cannot be stored.")
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_NOT_OURS = ("/admin", "/static")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a decoded JSON value with its field path (``lines[0].name``)."""
    if isinstance(value, str):
        yield path or "body", value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            yield where, str(key)
            yield from _strings(item, where)


def _refuse_controls(fields: Iterator[tuple[str, str]]) -> None:
    bad = [name for name, text in fields if has_control_characters(text)]
    if bad:
        errors = [field_error(name, CONTROL_MESSAGE) for name in dict.fromkeys(bad)]
        raise InvalidInput(errors=errors)


def decode_json_body(body: bytes) -> Any:
    """The body as plain JSON values; too deep a nesting is the client's error."""
    try:
        return msgspec.json.decode(body)
    except RecursionError as exc:
        raise BadRequest(N_("The request body is nested too deeply.")) from exc
    except msgspec.DecodeError:
        return None  # not JSON at all: the handler's own decoding says so


async def check_request(scope: Scope, receive: Receive) -> None:
    """Raise the problem a request's text has, if any."""
    if has_control_characters(scope["path"]):
        raise NotFound  # no code or name we keep contains one
    query = scope.get("query_string", b"").decode("latin-1")
    _refuse_controls(iter(parse_qsl(query, keep_blank_values=True)))
    if scope.get("method") not in _BODY_METHODS:
        return
    request: Request[Any, Any, Any] = Request(scope, receive)
    media_type = request.content_type[0]
    if media_type == "application/json" or media_type.endswith("+json"):
        _refuse_controls(_strings(decode_json_body(await request.body()), ""))
    elif media_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        _refuse_controls((name, value) for name, value in form.multi_items() if isinstance(value, str))


class InputGuard(ASGIMiddleware):
    """Runs :func:`check_request` before every handler of ours."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        # The full path: a mounted app (the admin) sees only its own part in "path".
        path = scope.get("raw_path", b"").decode("latin-1") or scope["path"]
        if not path.startswith(_NOT_OURS):
            await check_request(scope, receive)
        await next_app(scope, receive, send)
