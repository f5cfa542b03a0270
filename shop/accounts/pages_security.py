"""Sign-in security at /account/security (admins and managers): turn two-step sign-in on
with an authenticator app (QR code, or the secret typed by hand, then a first code), see the
ten recovery codes once, make new ones, or turn it off with a code or the password."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import second_factor, services, sessions, totp, two_step
from shop.accounts.guards import current_user, requires_role
from shop.accounts.models import Role
from shop.errors import DomainError, Unauthenticated
from shop.i18n import N_, gettext
from shop.settings import Settings

PATH = "/account/security"
NO_STORE = {"Cache-Control": "no-store"}  # a secret or recovery codes on the page

_DONE = {
    "off": N_("Two-step sign-in is off."),
}


def _me(request: Request[Any, Any, Any]) -> services.CurrentUser:
    user = current_user(request)
    if user is None:
        raise Unauthenticated()
    return user


def _key(request: Request[Any, Any, Any]) -> str:
    settings: Settings = request.app.state.settings
    return settings.secret_key


def _text(form: FormMultiDict, name: str) -> str:
    return str(form.get(name) or "").strip()


async def _page(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    *,
    error: str | None = None,
    done: str | None = None,
    status: int = 200,
) -> Template:
    me = _me(request)
    state = await second_factor.status(session, me.id)
    context: dict[str, Any] = {"state": state, "error": error, "done": done, "secret": None}
    if state.pending and (secret := await second_factor.pending_secret(session, me.id, _key(request))):
        uri = totp.provisioning_uri(secret, me.username)
        context |= {"secret": totp.grouped(secret), "qr": totp.qr_svg(uri), "issuer": totp.ISSUER}
    return Template("accounts/security.html", context=context, status_code=status, headers=NO_STORE)


def _codes(codes: list[str]) -> Template:
    return Template("accounts/security_codes.html", context={"codes": codes}, headers=NO_STORE)


async def _code_ok(request: Request[Any, Any, Any], session: AsyncSession, code: str) -> bool:
    """A current code or a recovery code, spent; a wrong one counted (committed at once)."""
    limits = two_step.limits(request)
    ok = await second_factor.use_code(
        session,
        _me(request).id,
        code,
        limits.secret_key,
        max_failures=limits.max_failures,
        window=limits.window,
    )
    if not ok:
        await session.commit()
    return ok


async def _password_ok(request: Request[Any, Any, Any], session: AsyncSession, password: str) -> bool:
    """The password, with the login's limiter: a borrowed session cannot guess it fast."""
    me, limits = _me(request), two_step.limits(request)
    client = sessions.client_address(request)
    await services.check_login_allowed(
        session, username=me.username, client=client, max_failures=limits.max_failures, window=limits.window
    )
    if await services.verify_credentials(session, me.username, password) == me.id:
        return True
    await services.record_login_failure(session, username=me.username, client=client)
    await session.commit()
    return False


class SecurityPages(Controller):
    path = PATH
    include_in_schema = False
    guards = [requires_role(Role.manager)]

    @get("/")
    async def show(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        done = _DONE.get(request.query_params.get("done") or "")
        return await _page(request, session, done=gettext(done) if done else None)

    @post("/enrol")
    async def enrol(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        try:
            await second_factor.start_enrolment(session, _me(request).id, _key(request))
        except DomainError as refused:
            await session.rollback()
            return await _page(request, session, error=refused.detail, status=refused.status_code)
        await session.commit()
        return Redirect(path=f"{PATH}/", status_code=303)

    @post("/confirm")
    async def confirm(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        form = await request.form()
        try:
            codes = await second_factor.confirm_enrolment(
                session, _me(request).id, _text(form, "code"), _key(request)
            )
        except DomainError as refused:
            await session.rollback()
            return await _page(request, session, error=refused.first_message, status=refused.status_code)
        await session.commit()
        return _codes(codes)

    @post("/codes")
    async def new_codes(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        form = await request.form()
        try:
            if not await _code_ok(request, session, _text(form, "code")):
                wrong = gettext("That code is not right. Try the newest one.")
                return await _page(request, session, error=wrong, status=422)
            codes = await second_factor.regenerate_recovery_codes(session, _me(request).id)
        except DomainError as refused:
            await session.rollback()
            return await _page(request, session, error=refused.detail, status=refused.status_code)
        await session.commit()
        return _codes(codes)

    @post("/disable")
    async def disable(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template | Redirect:
        form = await request.form()
        me = _me(request)
        code, password = _text(form, "code"), str(form.get("password") or "")
        try:
            state = await second_factor.status(session, me.id)
            proven = not state.enabled or (
                await _code_ok(request, session, code)
                if code
                else await _password_ok(request, session, password)
            )
        except DomainError as refused:
            await session.rollback()
            return await _page(request, session, error=refused.detail, status=refused.status_code)
        if not proven:
            wrong = gettext("Enter a current code or your password to turn two-step sign-in off.")
            return await _page(request, session, error=wrong, status=422)
        await second_factor.turn_off(session, me.id)
        await session.commit()
        return Redirect(path=f"{PATH}/?done=off", status_code=303)
