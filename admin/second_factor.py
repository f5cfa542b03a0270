"""Two-step sign-in at Piccolo Admin's own login (``POST /admin/public/login/``).

Piccolo Admin asks each ``MFAProvider`` whether the user is enrolled and, if so, wants a
code with the password (its login page then shows a code field). This provider is backed by
the app's store (``shop.accounts.second_factor``): the one authenticator secret, the same
recovery codes, each code accepted once, and wrong codes counted against the user. Wrong
codes are also failures in the login limiter (per username and client), recorded by
``admin.login_limits`` as refused passwords are; a login merely asked for its code is not.

Enrolment stays on the app's page /account/security/: Piccolo's own set-up pages
(/admin/api/mfa-setup/) send people there (see ``admin.site``).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from html import escape
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.mfa.provider import MFAProvider
from starlette.exceptions import HTTPException

from admin.mount import SECURITY_PAGE
from shop.accounts import second_factor
from shop.db import Database
from shop.errors import TooManyRequests
from shop.i18n import N_, translate_in
from shop.settings import Settings

SET_UP_ELSEWHERE = N_(
    "Two-step sign-in is turned on and off on the Sign-in security page of your account: /account/security/"
)


@dataclass
class Attempt:
    """One sign-in at /admin, as the provider saw it (read by ``admin.login_limits``)."""

    asked_for_code: bool = False  # the password was right; the code was still to come


# Set by ``admin.login_limits`` around each sign-in; a mutable object, so that what the
# provider notes inside Piccolo (in a task of its own, perhaps) is seen by the wrapper.
current_attempt: ContextVar[Attempt | None] = ContextVar("admin_login_attempt", default=None)


def _note_asked() -> None:
    attempt = current_attempt.get()
    if attempt is not None:
        attempt.asked_for_code = True


class AppSecondFactor(MFAProvider):
    """The app's TOTP second factor (codes and recovery codes) for Piccolo Admin's login."""

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(name="Authenticator")
        self._db = db
        self._settings = settings

    async def is_user_enrolled(self, user: BaseUser) -> bool:
        async with self._db.read_sessions() as session:
            return await second_factor.is_enabled(session, int(user.id))

    async def send_code(self, user: BaseUser) -> bool:
        # Piccolo calls this exactly when a right password came without a code.
        _note_asked()
        return False  # the code is in the authenticator app: nothing to send

    async def authenticate_user(self, user: BaseUser, code: str) -> bool:
        if not isinstance(code, str) or not code.strip():
            _note_asked()  # an empty code field: asked again, not a guess
            return False
        try:
            async with self._db.write_sessions() as session:
                ok = await second_factor.use_code(
                    session,
                    int(user.id),
                    code,
                    self._settings.secret_key,
                    max_failures=self._settings.login_max_failures,
                    window=self._settings.login_window,
                )
                await session.commit()  # the code spent, or the failure counted
        except TooManyRequests as slowed:  # this user's codes were wrong too often lately
            raise HTTPException(
                status_code=429,
                detail=translate_in("vi", slowed.message),
                headers={"Retry-After": str(slowed.retry_after)},
            ) from None
        return ok

    # Registration: on the app's own page, never here.

    async def get_registration_html(self, user: BaseUser) -> str:
        text = escape(translate_in("vi", SET_UP_ELSEWHERE))
        return f'<p>{text}</p><p><a href="{SECURITY_PAGE}">{SECURITY_PAGE}</a></p>'

    async def get_registration_json(self, user: BaseUser) -> dict[str, Any]:
        return {"detail": translate_in("vi", SET_UP_ELSEWHERE), "location": SECURITY_PAGE}

    async def delete_registration(self, user: BaseUser) -> None:
        # Turning it off asks for a current code or the password there, under the limits.
        raise HTTPException(status_code=409, detail=translate_in("vi", SET_UP_ELSEWHERE))
