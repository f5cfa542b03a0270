"""The login's second step (/login/code): after a right password, a user with two-step
sign-in types the 6-digit code of their authenticator app, or one of their recovery codes.
The session starts only then; until then the browser holds a signed ticket for 5 minutes."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import sessions, two_step
from shop.accounts.pages import landing, safe_next
from shop.errors import DomainError


class CodeForm(msgspec.Struct):
    code: str = ""
    next: str = "/"


Form = Annotated[CodeForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


def _page(next_page: str, error: str | None = None, status: int = 200) -> Template:
    return Template(
        "accounts/login_code.html",
        context={"next": safe_next(next_page), "error": error},
        status_code=status,
    )


class SecondStepPages(Controller):
    path = "/login/code"
    include_in_schema = False

    @get("/")
    async def code_page(
        self, request: Request[Any, Any, Any], next: str | None = None
    ) -> Template | Redirect:
        if two_step.ticket_user(request) is None:  # too late, or never asked: start again
            return Redirect(path="/login", status_code=303)
        return _page(next or "/")

    @post("/")
    async def check_code(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: Form
    ) -> Template | Redirect:
        user_id = two_step.ticket_user(request)
        if user_id is None:
            return Redirect(path="/login", status_code=303)
        try:
            await two_step.finish(session, request, user_id, data.code)
        except DomainError as error:
            return _page(data.next, error.detail, error.status_code)
        cookies, _csrf = await sessions.start_session(session, request, user_id)
        target = await landing(session, user_id, data.next)
        await session.commit()
        response = Redirect(path=target, cookies=cookies, status_code=303)
        response.delete_cookie(two_step.TICKET_COOKIE, path="/login")
        return response
