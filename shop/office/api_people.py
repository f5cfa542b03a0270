"""The office's management of people under /api/v1/users (admins only), as at /office/people/:
who has an account, in which role and scope (a producer, sales points, by code and name)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import schemas, services
from shop.accounts.guards import current_user, requires_admin
from shop.accounts.models import Role
from shop.errors import Unauthenticated
from shop.office import people
from shop.paging import DEFAULT_PAGE_SIZE, Page, PageNumber, PageSize, page_of

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
        user = await people.create_user(
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
