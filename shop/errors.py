"""Errors that carry their HTTP status and a stable code.

Services raise them; the app renders them as RFC 9457 problem details on ``/api/`` and as a
translated message on pages. Messages are English msgids marked with ``N_`` and translated
when rendered, so the API answers in the language the client asked for.
"""

from __future__ import annotations

from typing import Any

from shop.i18n import N_, gettext


class DomainError(Exception):
    """A failure the client can understand and act on."""

    status_code = 400
    code = "bad_request"
    title = N_("The request cannot be carried out.")

    def __init__(
        self,
        message: str | None = None,
        *,
        errors: list[dict[str, Any]] | None = None,
        error_code: str | None = None,
        **params: Any,
    ) -> None:
        # ``error_code``, not ``code``: messages name codes ("No sales point {code}.").
        self.message = message or self.title
        self.params = params
        self.errors = errors or []
        if error_code:
            self.code = error_code
        super().__init__(self.message.format(**params) if params else self.message)

    @property
    def detail(self) -> str:
        """The message in the current request's language."""
        text = gettext(self.message)
        return text.format(**self.params) if self.params else text

    @property
    def first_message(self) -> str:
        """What a page shows: the first offending field's message, else the detail."""
        first = self.errors[0] if self.errors else {}
        return str(first.get("message") or self.detail)


class BadRequest(DomainError):
    status_code = 400
    code = "bad_request"


class InvalidInput(DomainError):
    """Well-formed but unacceptable input; ``errors`` names the offending fields."""

    status_code = 422
    code = "invalid_input"
    title = N_("Some fields are not valid.")


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    title = N_("Not found.")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    title = N_("This conflicts with the current state of the data.")


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"
    title = N_("Send the request body as JSON (Content-Type: application/json).")


class Unauthenticated(DomainError):
    status_code = 401
    code = "unauthenticated"
    title = N_("Please log in.")


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    title = N_("You are not allowed to do this.")


class TooManyRequests(DomainError):
    status_code = 429
    code = "too_many_requests"
    title = N_("Too many attempts. Please wait and try again.")

    def __init__(self, message: str | None = None, *, retry_after: int, **params: Any) -> None:
        super().__init__(message, **params)
        self.retry_after = retry_after


def field_error(field: str, message: str, **params: Any) -> dict[str, Any]:
    """One offending field, its message translated now (errors are built per request)."""
    text = gettext(message)
    return {"field": field, "message": text.format(**params) if params else text}
