"""People at /office/people/: the office creates staff, managers and cooperative accounts,
gives them their sales points or producer, changes a role, resets a password and
deactivates an account. Admins only; every form calls ``shop.accounts`` (the same rules as
``ocop users create``), and the admin's flags follow in the same transaction.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import second_factor
from shop.accounts.guards import actor, requires_admin
from shop.accounts.models import Role
from shop.catalog.models import Producer
from shop.errors import DomainError
from shop.i18n import N_, gettext
from shop.inventory.models import Location, LocationKind
from shop.office import people
from shop.params import Id

ROLES = tuple(Role)


def _role(value: object) -> Role | None:
    return Role(str(value)) if str(value or "") in Role.__members__ else None


def _text(form: FormMultiDict, name: str) -> str:
    return str(form.get(name) or "").strip()


def _errors(refused: DomainError) -> dict[str, str]:
    """Each offending field's message, shown next to it; the rest at the top of the page."""
    found = {
        str(e["field"]): str(e["message"]) for e in refused.errors if e.get("message") and e.get("field")
    }
    return found or {"": refused.detail}


async def _choices(session: AsyncSession) -> dict[str, Any]:
    """What the pickers offer: the sales points and fairs, the producers (by name and code)."""
    points = await session.execute(
        sa.select(Location.code, Location.name)
        .where(Location.kind.in_([LocationKind.sales_point, LocationKind.fair]), Location.is_active.is_(True))
        .order_by(Location.name)
    )
    producers = await session.execute(
        sa.select(Producer.code, Producer.name).where(Producer.is_active.is_(True)).order_by(Producer.name)
    )
    return {"points": points.all(), "producers": producers.all(), "roles": ROLES}


_DONE = {
    "created": N_("The account is created. Give the person their username and password."),
    "role": N_("Role and scope saved."),
    "password": N_("Password changed; the person's open logins have ended."),
    "deactivated": N_("Account deactivated; the person can no longer log in."),
    "activated": N_("Account reactivated."),
    "second_factor": N_("Two-step sign-in is off for this person; they can set it up again."),
}


class OfficePeoplePages(Controller):
    path = "/office/people"
    include_in_schema = False
    guards = [requires_admin]

    @get("/")
    async def index(self, session: AsyncSession, q: str | None = None, role: str | None = None) -> Template:
        found = await people.search(session, q=q, role=_role(role))
        return Template(
            "office/people.html", context={"people": found, "q": q or "", "role": role or "", "roles": ROLES}
        )

    @get("/new")
    async def new(self, session: AsyncSession) -> Template:
        return await self._new_page(session, {}, {})

    async def _new_page(
        self, session: AsyncSession, form: dict[str, Any], errors: dict[str, str], status: int = 200
    ) -> Template:
        context = {"form": form, "errors": errors, "error": errors.get(""), **await _choices(session)}
        return Template("office/people_new.html", context=context, status_code=status)

    @post("/new")
    async def create(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        form = await request.form()
        username, full_name = _text(form, "username"), _text(form, "full_name")
        email, producer = _text(form, "email"), _text(form, "producer")
        points = [str(v) for v in form.getall("sales_point", [])]
        values: dict[str, Any] = {
            "username": username,
            "full_name": full_name,
            "email": email,
            "role": _text(form, "role"),
            "producer": producer,
            "sales_points": points,
        }
        role = _role(values["role"])
        if role is None:
            return await self._new_page(session, values, {"role": gettext("Choose a role.")}, 422)
        first, last = people.split_name(full_name)
        try:
            user = await people.create_user(
                session,
                username=username,
                password=str(form.get("password") or ""),
                role=role,
                email=email or None,
                producer_code=people.producer_code(producer),
                location_codes=points,
                first_name=first,
                last_name=last,
            )
        except DomainError as refused:
            await session.rollback()
            return await self._new_page(session, values, _errors(refused), refused.status_code)
        user_id = user.id
        await session.commit()
        return Redirect(path=f"/office/people/{user_id}?done=created", status_code=303)

    @get("/{user_id:int}")
    async def detail(self, request: Request[Any, Any, Any], session: AsyncSession, user_id: Id) -> Template:
        done = _DONE.get(request.query_params.get("done") or "")
        return await self._detail(request, session, user_id, done=gettext(done) if done else None)

    async def _detail(
        self,
        request: Request[Any, Any, Any],
        session: AsyncSession,
        user_id: int,
        *,
        errors: dict[str, str] | None = None,
        done: str | None = None,
        status: int = 200,
    ) -> Template:
        person = await people.get(session, user_id)
        errors = errors or {}
        context = {
            "person": person,
            "me": actor(request).id == person.id,
            "two_step_on": await second_factor.is_enabled(session, person.id),
            "errors": errors,
            "error": errors.get(""),
            "done": done,
            **await _choices(session),
        }
        return Template("office/people_detail.html", context=context, status_code=status)

    async def _after(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: int, refused: DomainError
    ) -> Template:
        await session.rollback()
        return await self._detail(
            request, session, user_id, errors=_errors(refused), status=refused.status_code
        )

    @post("/{user_id:int}/role")
    async def change_role(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        role = _role(form.get("role"))
        try:
            if role is None:
                await people.get(session, user_id)
                return await self._detail(
                    request, session, user_id, errors={"role": gettext("Choose a role.")}, status=422
                )
            await people.change_role(
                session,
                user_id,
                role=role,
                producer=_text(form, "producer"),
                location_codes=[str(v) for v in form.getall("sales_point", [])],
                by=actor(request).id,
            )
        except DomainError as refused:
            return await self._after(request, session, user_id, refused)
        await session.commit()
        return Redirect(path=f"/office/people/{user_id}?done=role", status_code=303)

    @post("/{user_id:int}/password")
    async def password(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await people.reset_password(session, user_id, str(form.get("password") or ""))
        except DomainError as refused:
            return await self._after(request, session, user_id, refused)
        await session.commit()
        return Redirect(path=f"/office/people/{user_id}?done=password", status_code=303)

    @post("/{user_id:int}/active")
    async def active(
        self, request: Request[Any, Any, Any], session: AsyncSession, user_id: Id
    ) -> Template | Redirect:
        form = await request.form()
        wanted = _text(form, "active") == "1"
        try:
            await people.set_active(session, user_id, wanted, by=actor(request).id)
        except DomainError as refused:
            return await self._after(request, session, user_id, refused)
        await session.commit()
        done = "activated" if wanted else "deactivated"
        return Redirect(path=f"/office/people/{user_id}?done={done}", status_code=303)

    @post("/{user_id:int}/second-factor")
    async def reset_second_factor(self, session: AsyncSession, user_id: Id) -> Redirect:
        """A manager who lost their phone and their recovery codes: the office turns their
        two-step sign-in off, and they log in with the password and set it up again."""
        await people.get(session, user_id)
        await second_factor.turn_off(session, user_id)
        await session.commit()
        return Redirect(path=f"/office/people/{user_id}?done=second_factor", status_code=303)
