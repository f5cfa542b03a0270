"""Turning errors into answers: RFC 9457 problem details on the API, friendly pages elsewhere."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from sqlalchemy.exc import DataError, IntegrityError

from shop.errors import DomainError, TooManyRequests
from shop.i18n import N_, gettext
from shop.web import use_request_language

log = logging.getLogger("shop")
PROBLEM_JSON = "application/problem+json"

_STATUS_TITLES = {
    400: N_("The request is not valid."),
    401: N_("Please log in."),
    403: N_("You are not allowed to do this."),
    404: N_("Not found."),
    405: N_("This method is not allowed here."),
    409: N_("This conflicts with the current state of the data."),
    413: N_("The request is too large."),
    415: N_("This content type is not supported."),
    422: N_("Some fields are not valid."),
    429: N_("Too many attempts. Please wait and try again."),
    500: N_("Something went wrong on our side. Nothing was saved."),
    502: N_("A payment service did not answer. Please try again."),
    503: N_("The service is unavailable. Please try again shortly."),
}


@dataclass
class Problem:
    status: int
    code: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return gettext(_STATUS_TITLES.get(self.status, _STATUS_TITLES[400]))

    def body(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "about:blank",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "code": self.code,
            "instance": instance,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def _validation_errors(exc: ValidationException) -> list[dict[str, Any]]:
    extra = exc.extra if isinstance(exc.extra, list) else []
    return [
        {"field": item.get("key") or item.get("source") or "body", "message": item.get("message", "")}
        for item in extra
        if isinstance(item, dict)
    ]


def _from_http_exception(exc: HTTPException) -> Problem:
    status = exc.status_code
    if isinstance(exc, ValidationException):
        return Problem(400, "invalid_request", gettext(_STATUS_TITLES[422]), _validation_errors(exc))
    if isinstance(exc, PermissionDeniedException) and "CSRF" in str(exc.detail):
        detail = gettext(N_("The form has expired. Reload the page and try again."))
        return Problem(403, "csrf_failed", detail)
    if isinstance(exc, NotAuthorizedException):
        status = 401
    code = {404: "not_found", 405: "method_not_allowed", 401: "unauthenticated"}.get(status, "http_error")
    detail = gettext(_STATUS_TITLES.get(status, _STATUS_TITLES[400]))
    return Problem(status, code, detail, headers=dict(exc.headers or {}))


def describe(exc: Exception) -> Problem:
    """What the client is told about an exception (never the internals)."""
    if isinstance(exc, DomainError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else {}
        return Problem(exc.status_code, exc.code, exc.detail, exc.errors, headers)
    if isinstance(exc, HTTPException):
        return _from_http_exception(exc)
    if isinstance(exc, OverflowError | DataError):
        # An id or number too large for its column names nothing that exists.
        return Problem(404, "not_found", gettext(_STATUS_TITLES[404]))
    if isinstance(exc, IntegrityError):
        # A constraint caught what the services did not: a duplicate or a missing reference.
        log.info("integrity error: %s", exc.orig)
        return Problem(409, "constraint_violation", gettext(_STATUS_TITLES[409]))
    log.exception("unhandled error", exc_info=exc)
    return Problem(500, "internal_error", gettext(_STATUS_TITLES[500]))


def _wants_problem_json(request: Request[Any, Any, Any]) -> bool:
    return request.url.path.startswith(("/api/", "/schema", "/health"))


def exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if "language" not in request.state:
        # No route matched the path (a mistyped address), or a middleware refused the request
        # first: the hook that picks the visitor's language did not run, and the answer would
        # be in Vietnamese whatever they chose.
        use_request_language(request)
    problem = describe(exc)
    if _wants_problem_json(request):
        return Response(
            content=problem.body(request.url.path),
            status_code=problem.status,
            media_type=PROBLEM_JSON,
            headers=problem.headers,
        )
    if problem.status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Redirect(path=f"/login?next={quote(target)}")
    if isinstance(exc, ValidationException):
        # Litestar's own words ("Expected `int | null`, got `str`") and parameter names mean
        # nothing to a person: the page says the values are not valid; the API lists them.
        problem.errors = []
    return Template(
        template_name="error.html",
        context={"problem": problem},
        status_code=problem.status,
        media_type=MediaType.HTML,
        headers=problem.headers,
    )
