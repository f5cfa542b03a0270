"""The OpenAPI document tells the truth about errors.

Litestar documents a handler's success and a generic 400 in its own JSON shape; our API
answers every error as an RFC 9457 problem (``application/problem+json``, see
:mod:`shop.problems`). :func:`declare_problems` gives every ``/api/`` operation the error
answers it can really give, derived from what the app enforces for all routes:

- 400 malformed request (bad JSON, too deeply nested), 422 a field or parameter refused
  (including control characters, which :mod:`shop.input_guard` refuses anywhere);
- 401 a bearer token that is invalid or expired, on any operation (the authentication
  middleware checks it before the route); 403 a guarded operation, or any write made with
  a cookie session and no CSRF token;
- 404 an id in the path or a reference in the request that names nothing;
- 409, 413 and 415 on writes (state conflicts, a body over the size limit, not JSON);
- whatever a handler declares in ``opt["problems"]`` (429 on logins, 502 when a payment
  provider fails, 503 when a webhook is not configured).

:func:`declare_input_rules` writes into the served document what the server refuses in every
request: a string parameter or body field takes no control characters (:mod:`shop.input_guard`),
and a strict body takes no field it does not know (msgspec's ``forbid_unknown_fields``).

It also answers ``OPTIONS`` with the methods the path really has: Litestar 2 lists only the
methods of the first handler registered on a path (litestar-org/litestar#4169, fixed in v3).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Litestar, Request
from litestar.enums import ScopeType
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.plugins import (
    JsonRenderPlugin,
    OpenAPIRenderPlugin,
    RedocRenderPlugin,
    YamlRenderPlugin,
)
from litestar.response.base import ASGIResponse
from litestar.routes import HTTPRoute
from litestar.status_codes import HTTP_204_NO_CONTENT
from litestar.types import ASGIApp, Receive, Scope, Send

from shop.problems import PROBLEM_JSON

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ROUTABLE = ("DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")

_DESCRIPTIONS = {
    400: "The request is malformed (not JSON, or nested too deeply).",
    401: "Not logged in, or the access token is invalid or has expired.",
    403: "The user's role or scope does not allow this, or a cookie session sent no CSRF token.",
    404: "What the path or the request names does not exist (or is not the caller's to see).",
    409: "The request conflicts with the current state of the data.",
    413: "The request body is too large.",
    415: "The body is not JSON.",
    422: "A field or parameter is not valid; `errors` names each one.",
    429: "Too many attempts; wait for the seconds in `Retry-After`.",
    502: "A payment provider did not answer; the order is kept.",
    503: "The service is not configured or not available here.",
}


@dataclass
class FieldError:
    """One refused field; some carry more (``product_id`` and ``available`` when sold out)."""

    field: str
    message: str | None = None


@dataclass
class ProblemDetails:
    """RFC 9457 problem details, with our stable ``code`` and per-field ``errors``."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    errors: list[FieldError] | None = None


def _spec(status: int) -> ResponseSpec:
    return ResponseSpec(
        data_container=ProblemDetails,
        description=_DESCRIPTIONS[status],
        media_type=PROBLEM_JSON,
        generate_examples=False,
    )


def problem_statuses(route: HTTPRoute, handler: HTTPRouteHandler) -> set[int]:
    """The error statuses an operation can answer (see the module's docstring)."""
    statuses = {400, 401, 422}
    writes = bool(WRITES & handler.http_methods)
    if handler.resolve_guards() or writes:
        statuses.add(403)
    if route.path_parameters or writes or handler.parsed_fn_signature.parameters:
        statuses.add(404)
    if writes:
        statuses |= {409, 413, 415}
    statuses |= set(handler.opt.get("problems", ()))
    return statuses


def declare_problems(app: Litestar) -> None:
    """Give each API operation its problem answers (read when the schema is first built)."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or not route.path.startswith("/api/"):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            declared = dict(handler.responses or {})
            for status in problem_statuses(route, handler):
                declared.setdefault(status, _spec(status))
            handler.responses = declared


# What shop.input_guard.CONTROL_CHARACTERS refuses, as a JSON Schema pattern.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"
_DECLARED = "x-input-rules"


def _plain_strings(schema: Any, components: dict[str, Any], seen: set[str]) -> Iterator[dict[str, Any]]:
    """Every string schema without a format of its own, reached from ``schema`` (refs followed once)."""
    if isinstance(schema, list):
        for item in schema:
            yield from _plain_strings(item, components, seen)
        return
    if not isinstance(schema, dict):
        return
    if ref := schema.get("$ref"):
        name = str(ref).rsplit("/", 1)[-1]
        if name not in seen and name in components:
            seen.add(name)
            yield from _plain_strings(components[name], components, seen)
        return
    if schema.get("type") == "string" and not {"pattern", "format", "enum", "const"} & schema.keys():
        yield schema
    for key in ("properties", "additionalProperties", "items", "oneOf", "anyOf", "allOf", "prefixItems"):
        value = schema.get(key)
        if key == "properties" and isinstance(value, dict):
            value = list(value.values())
        yield from _plain_strings(value, components, seen)


def _strict_structs() -> dict[str, bool]:
    """Each request schema's name, and whether it refuses fields it does not know."""
    strict: dict[str, set[bool]] = {}
    pending: list[type[msgspec.Struct]] = [msgspec.Struct]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        strict.setdefault(cls.__name__, set()).add(cls.__struct_config__.forbid_unknown_fields)
    return {name: values.pop() for name, values in strict.items() if len(values) == 1}


def _refuse_unknown_fields(components: dict[str, Any]) -> None:
    """msgspec refuses unknown fields where a struct says so; the document did not tell."""
    strict = _strict_structs()
    for name, schema in components.items():
        if strict.get(schema.get("title", name)) and schema.get("type") == "object":
            schema["additionalProperties"] = False


def declare_input_rules(document: dict[str, Any]) -> dict[str, Any]:
    """Add the rules the server enforces on every request to the document (once per document):
    no control character in a text, no field a strict schema does not know."""
    if document.get(_DECLARED):
        return document
    components = document.get("components", {}).get("schemas", {})
    _refuse_unknown_fields(components)
    seen: set[str] = set()
    for path, item in document.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            inputs = [parameter.get("schema") for parameter in operation.get("parameters", [])]
            inputs += [
                media.get("schema") for media in operation.get("requestBody", {}).get("content", {}).values()
            ]
            for string in _plain_strings(inputs, components, seen):
                string["pattern"] = NO_CONTROL_CHARACTERS
    document[_DECLARED] = ["no-control-characters", "no-unknown-fields"]
    return document


class _Truthful(OpenAPIRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, declare_input_rules(openapi_schema))  # type: ignore[safe-super]


class JsonDocument(_Truthful, JsonRenderPlugin):
    """``/schema/openapi.json``."""


class YamlDocument(_Truthful, YamlRenderPlugin):
    """``/schema/openapi.yaml``."""


class RedocPage(_Truthful, RedocRenderPlugin):
    """``/schema``: the reference a person reads."""


def render_plugins() -> list[OpenAPIRenderPlugin]:
    return [RedocPage(path=["/", "/redoc"]), JsonDocument(), YamlDocument()]


def allowed_methods(app: Litestar, path: str) -> list[str]:
    """The methods a path answers, asked of the router itself."""
    allowed = ["OPTIONS"]
    for method in ROUTABLE:
        try:
            app.asgi_router.handle_routing(path=path, method=method)
        except (MethodNotAllowedException, NotFoundException):
            continue
        allowed.append(method)
    return sorted(allowed)


def _is_default_options(handler: Any) -> bool:
    return isinstance(handler, HTTPRouteHandler) and handler.http_methods == {"OPTIONS"}


class OptionsAllow(ASGIMiddleware):
    """``OPTIONS`` answers 204 with every method of the path, for anyone (it reveals no data)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope.get("method") != "OPTIONS" or not _is_default_options(scope.get("route_handler")):
            await next_app(scope, receive, send)
            return
        methods = allowed_methods(scope["litestar_app"], scope["path"])
        response = ASGIResponse(status_code=HTTP_204_NO_CONTENT, headers={"Allow": ", ".join(methods)})
        await response(scope, receive, send)
