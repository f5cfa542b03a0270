"""The demo's users and their (deliberately printed) demo credentials."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts import services as accounts
from shop.accounts.models import PiccoloUser, Role
from shop.demo.real_bac_kan import TAI_HOAN
from shop.demo.sites import FAIR, MAIN_SALES_POINT
from shop.office import people

Scope = str | tuple[str, ...] | None  # location codes, or a producer code
DemoUser = tuple[str, str, Role, Scope]

# (username, password, role, scope). The manager also runs the sales point's fair booth.
DEMO_USERS: tuple[DemoUser, ...] = (
    ("admin", "admin12345", Role.admin, None),
    ("manager", "manager12345", Role.manager, (MAIN_SALES_POINT, FAIR)),
    ("staff", "staff12345", Role.staff, MAIN_SALES_POINT),
    ("taihoan", "coop12345", Role.cooperative, TAI_HOAN.code),
)
ADMIN = DEMO_USERS[0]


async def ensure_user(
    session: AsyncSession, username: str, password: str, role: Role, scope: Scope = None
) -> bool:
    """Create the user as the office does (codes resolved) unless the username exists."""
    if await session.scalar(sa.select(PiccoloUser.id).where(PiccoloUser.username == username)):
        return False
    await people.create_user(
        session,
        username=username,
        password=password,
        role=role,
        producer_code=scope if role is Role.cooperative and isinstance(scope, str) else None,
        location_codes=_codes(scope) if role in accounts.LOCATION_ROLES else (),
    )
    return True


def _codes(scope: Scope) -> tuple[str, ...]:
    if scope is None:
        return ()
    return (scope,) if isinstance(scope, str) else scope


async def ensure_demo_users(session: AsyncSession) -> int:
    """All four demo users; returns how many were created."""
    created = 0
    for username, password, role, scope in DEMO_USERS:
        created += await ensure_user(session, username, password, role, scope)
    return created


def credentials(users: tuple[DemoUser, ...] = DEMO_USERS) -> str:
    return ", ".join(f"{name}/{password} ({role.value})" for name, password, role, _ in users)
