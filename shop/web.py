"""Server-rendered pages: their template config, the language hook, and page helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template import TemplateConfig
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from shop import i18n
from shop.templating import build_environment

LANG_COOKIE = "lang"


def template_config(compiled: Path | None = None) -> TemplateConfig[JinjaTemplateEngine]:
    """The pages' templates; ``compiled``: where their compiled code is kept."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(build_environment(compiled)))


CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body: bytes, media_type: str, filename: str, *, inline: bool = False) -> Response[bytes]:
    """A file answer: shown in the browser (``inline``, a PDF to print) or saved."""
    disposition = "inline" if inline else "attachment"
    return Response(
        body, media_type=media_type, headers={"Content-Disposition": f'{disposition}; filename="{filename}"'}
    )


async def set_request_language(request: Request[Any, Any, Any]) -> None:
    """``?lang=`` → cookie → Accept-Language → Vietnamese (a before_request hook)."""
    use_request_language(request)


def use_request_language(request: Request[Any, Any, Any]) -> None:
    """The visitor's language for the rest of the request (see :func:`set_request_language`)."""
    query = request.query_params.get("lang")
    lang = i18n.pick_language(query, request.cookies.get(LANG_COOKIE), request.headers.get("accept-language"))
    i18n.set_language(lang)
    request.state.language = lang
    if query and i18n.normalize_language(query) and not request.url.path.startswith("/api/"):
        request.state.remember_language = lang


async def remember_language(message: Message, scope: Scope) -> None:
    """A before_send hook: keep a language chosen with ``?lang=`` in a cookie."""
    lang = scope.get("state", {}).get("remember_language")
    if lang and message["type"] == "http.response.start":
        cookie = Cookie(key=LANG_COOKIE, value=lang, max_age=365 * 24 * 3600, samesite="lax")
        headers = list(message.get("headers", []))
        headers.append((b"set-cookie", cookie.to_header(header="").strip().encode()))
        message["headers"] = headers


def drop_blank_fields(query: bytes) -> bytes:
    """``q=honey&min_stars=&page=2`` → ``q=honey&page=2``: the fields a person left empty."""
    kept = [
        part for part in query.split(b"&") if unquote_plus(part.partition(b"=")[2].decode("latin-1")).strip()
    ]
    return b"&".join(kept)


class BlankFormFields(ASGIMiddleware):
    """A GET form sends every field, the empty ones as ``name=``; on a page an empty field
    means "not given" (a person left the minimum price empty), never "not a number"."""

    scopes = (ScopeType.HTTP,)
    # The API is a contract for programs (an empty number stays an error there); the admin
    # and the static files are not our forms.
    _NOT_PAGES = ("/api/", "/admin", "/static", "/schema")

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        page = not scope["path"].startswith(self._NOT_PAGES)
        if page and scope.get("method") in ("GET", "HEAD") and scope.get("query_string"):
            scope["query_string"] = drop_blank_fields(scope["query_string"])
        await next_app(scope, receive, send)
