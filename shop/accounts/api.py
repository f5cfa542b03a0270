"""Authentication endpoints: a session cookie for pages, bearer tokens for devices; and
the office's management of people (``/api/v1/users``, admins only, as /office/people/)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import schemas, services, sessions, two_step
from shop.accounts.guards import current_user, requires_admin, requires_login
from shop.accounts.models import Role, TokenKind
from shop.db_types import utcnow
from shop.errors import Unauthenticated
from shop.office import people
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of


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


UserId = Annotated[int, Parameter(ge=1, le=2_147_483_647)]


def person_out(person: people.Person) -> schemas.PersonOut:
    return schemas.PersonOut(
        id=person.id,
        username=person.username,
        full_name=person.full_name,
        email=person.email,
        role=person.role.value,
        active=person.active,
        producer=schemas.PlaceOut(person.producer.code, person.producer.name) if person.producer else None,
        sales_points=[schemas.PlaceOut(p.code, p.name) for p in person.locations],
        last_login=person.last_login,
    )


def _me(request: Request[Any, Any, Any]) -> services.CurrentUser:
    user = current_user(request)
    if user is None:
        raise Unauthenticated()
    return user


class PeopleController(Controller):
    path = "/api/v1/users"
    tags = ["users"]
    guards = [requires_admin]
    security = [{"bearer": []}]

    @get("/", operation_id="listUsers", summary="People with their role and scope (the office)")
    async def list(
        self,
        session: AsyncSession,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        role: Role | None = None,
        page: PageNumber = 1,
        page_size: PageSize = DEFAULT_PAGE_SIZE,
    ) -> Page[schemas.PersonOut]:
        found, total = await people.search_page(session, q=q, role=role, page=page, page_size=page_size)
        return page_of([person_out(p) for p in found], total, page=page, page_size=page_size)

    @get("/{user_id:int}", operation_id="getUser", summary="One person")
    async def show(self, session: AsyncSession, user_id: UserId) -> schemas.PersonOut:
        return person_out(await people.get(session, user_id))

    @post("/", operation_id="createUser", summary="A staff, manager, cooperative or office account")
    async def create(self, session: AsyncSession, data: schemas.PersonIn) -> schemas.PersonOut:
        first, last = people.split_name(data.full_name)
        user = await services.create_user(
            session,
            username=data.username,
            password=data.password,
            role=Role(data.role),
            email=data.email or None,
            producer_code=data.producer,
            location_codes=data.sales_points,
            first_name=first,
            last_name=last,
        )
        user_id = user.id
        await session.commit()
        return person_out(await people.get(session, user_id))

    @put("/{user_id:int}/role", operation_id="changeUserRole", summary="A new role and scope")
    async def role(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: UserId, data: schemas.RoleIn
    ) -> schemas.PersonOut:
        await people.change_role(
            session,
            user_id,
            role=Role(data.role),
            producer=data.producer,
            location_codes=data.sales_points,
            by=_me(request).id,
        )
        await session.commit()
        return person_out(await people.get(session, user_id))

    @post(
        "/{user_id:int}/password",
        operation_id="resetUserPassword",
        status_code=200,
        summary="Reset the password",
    )
    async def password(
        self, session: AsyncSession, user_id: UserId, data: schemas.PasswordIn
    ) -> schemas.PersonOut:
        await people.reset_password(session, user_id, data.password)
        await session.commit()
        return person_out(await people.get(session, user_id))

    @post("/{user_id:int}/deactivate", operation_id="deactivateUser", status_code=200, summary="Deactivate")
    async def deactivate(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: UserId
    ) -> schemas.PersonOut:
        await people.set_active(session, user_id, False, by=_me(request).id)
        await session.commit()
        return person_out(await people.get(session, user_id))

    @post("/{user_id:int}/activate", operation_id="activateUser", status_code=200, summary="Reactivate")
    async def activate(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: UserId
    ) -> schemas.PersonOut:
        await people.set_active(session, user_id, True, by=_me(request).id)
        await session.commit()
        return person_out(await people.get(session, user_id))
