"""The login and logout pages. After logging in each role lands where it works, unless the
login page was opened for a page of our own (``?next=``)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import services, sessions, two_step
from shop.accounts.models import Role, TokenKind
from shop.accounts.schemas import LoginForm
from shop.errors import DomainError, TooManyRequests

Form = Annotated[LoginForm, Body(media_type=RequestEncodingType.URL_ENCODED)]


# Where each role works: the office's screens, the stock and till screens, the orders to fulfil.
LANDING = {Role.admin: "/office/", Role.manager: "/pos/", Role.staff: "/pos/", Role.cooperative: "/coop/"}


def safe_next(target: str | None) -> str:
    """Only local paths: never send a user off-site after logging in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


async def landing(session: AsyncSession, user_id: int, target: str | None) -> str:
    """The page asked for, if it is ours and not just the home page; else the role's own."""
    wanted = safe_next(target)
    if wanted != "/":
        return wanted
    user = await services.load_user(session, user_id, TokenKind.session)
    return LANDING[user.role] if user is not None else "/"


class LoginPages(Controller):
    include_in_schema = False

    @get("/login")
    async def login_page(self, next: str | None = None) -> Template:
        return Template(
            "accounts/login.html",
            context={"next": safe_next(next), "error": None, "username": "", "offer_code": False},
        )

    @post("/login")
    async def login(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: Form
    ) -> Template | Redirect:
        try:
            outcome = await two_step.login(session, request, data.username, data.password, data.otp)
        except DomainError as error:
            context = {
                "next": safe_next(data.next),
                "error": error.detail,
                "username": data.username,
                # A client made to wait may still get in with a second-factor code as well.
                "offer_code": isinstance(error, TooManyRequests),
            }
            return Template("accounts/login.html", context=context, status_code=error.status_code)
        user_id = outcome.user_id
        if outcome.needs_second_factor:  # no session until the code is in
            await session.commit()
            return Redirect(
                path=f"/login/code?{urlencode({'next': safe_next(data.next)})}",
                cookies=[two_step.ticket_cookie(request, user_id)],
                status_code=303,
            )
        cookies, _csrf = await sessions.start_session(session, request, user_id)
        target = await landing(session, user_id, data.next)
        await session.commit()
        return Redirect(path=target, cookies=cookies, status_code=303)

    @post("/logout")
    async def logout(self, request: Request[Any, Any, Any], session: AsyncSession) -> Redirect:
        response = Redirect(path="/", status_code=303)
        await sessions.end_session(session, request, response)
        await session.commit()
        return response
