"""Driving the office's pages like a browser: log in with the form, post forms with their
CSRF token, read what the page says."""

from __future__ import annotations

import re
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.geo.models import Place, PlaceEra, PlaceLevel
from tests import factories as f

PASSWORD = "password123"


def token(html: str) -> str:
    match = re.search(r'name="_csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)


async def login_as(
    client: httpx.AsyncClient, session: AsyncSession, role: Role = Role.admin, **kw: Any
) -> str:
    """A new user of that role, logged in through the login form (Vietnamese pages)."""
    name = await f.user(session, role, **kw)
    await session.commit()
    page = await client.get("/login?lang=vi")
    answer = await client.post(
        "/login", data={"username": name, "password": PASSWORD, "_csrf_token": token(page.text)}
    )
    assert answer.status_code == 303, answer.text
    return name


async def post(client: httpx.AsyncClient, page: str, action: str, data: dict[str, Any]) -> httpx.Response:
    """Open the page holding the form, then send it with its CSRF token."""
    shown = await client.get(page)
    assert shown.status_code == 200, shown.text
    return await client.post(action, data={"_csrf_token": token(shown.text)} | data)


async def province_id(session: AsyncSession, name: str, era: PlaceEra = PlaceEra.current) -> int:
    found = await session.scalar(
        sa.select(Place.id).where(Place.name == name, Place.level == PlaceLevel.province, Place.era == era)
    )
    assert found is not None, name
    await session.commit()  # end the read: on SQLite it holds the write lock the app needs
    return found


def field_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no field {name}"
    return match.group(1)
