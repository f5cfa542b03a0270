"""Authentication endpoints: a session cookie for pages, bearer tokens for devices (the
office's management of people, ``/api/v1/users``, is in ``shop/office/api_people.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Controller, Request, Response, get, post
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import schemas, services, sessions, two_step
from shop.accounts.guards import current_user, requires_login
from shop.accounts.models import TokenKind
from shop.db_types import utcnow
from shop.errors import Unauthenticated


def user_out(user: services.CurrentUser) -> schemas.UserOut:
    return schemas.UserOut(
        id=user.id,
        username=user.username,
        role=user.role.value,
        producer_id=user.producer_id,
        location_ids=sorted(user.location_ids),
    )


class AuthController(Controller):
    path = "/api/v1/auth"
    tags = ["auth"]

    @post(
        "/login",
        operation_id="login",
        status_code=200,
        summary="Log in: sets a session cookie",
        opt={"problems": (429,)},  # failed logins slow the next ones down
    )
    async def login(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: schemas.LoginIn
    ) -> Response[schemas.LoginOut]:
        user_id = await two_step.login_or_ask(session, request, data.username, data.password, data.otp)
        cookies, csrf = await sessions.start_session(session, request, user_id)
        await session.commit()
        user = await _user(session, user_id)
        return Response(schemas.LoginOut(user=user_out(user), csrf_token=csrf), cookies=cookies)

    @post("/logout", operation_id="logout", status_code=200)
    async def logout(
        self, request: Request[Any, Any, Any], session: AsyncSession
    ) -> Response[dict[str, str]]:
        response: Response[dict[str, str]] = Response({"status": "logged out"})
        await sessions.end_session(session, request, response)
        await session.commit()
        return response

    @post(
        "/tokens",
        operation_id="createToken",
        status_code=201,
        summary="A bearer token for a device or script",
        opt={"problems": (429,)},
    )
    async def create_token(
        self, request: Request[Any, Any, Any], session: AsyncSession, data: schemas.TokenIn
    ) -> schemas.TokenOut:
        user_id = await two_step.login_or_ask(session, request, data.username, data.password, data.otp)
        token = await services.issue_token(session, user_id, TokenKind.bearer, services.BEARER_TTL, data.name)
        await session.commit()
        return schemas.TokenOut(
            access_token=token,
            token_type="bearer",  # noqa: S106 - the OAuth token type, not a secret
            expires_at=utcnow() + services.BEARER_TTL - dt.timedelta(seconds=1),
        )

    @get("/me", operation_id="me", guards=[requires_login], summary="Who am I, and my scope")
    async def me(self, request: Request[Any, Any, Any]) -> schemas.UserOut:
        user = current_user(request)
        if user is None:
            raise Unauthenticated()
        return user_out(user)


async def _user(session: AsyncSession, user_id: int) -> services.CurrentUser:
    user = await services.load_user(session, user_id, TokenKind.session)
    if user is None:
        raise Unauthenticated()
    return user
