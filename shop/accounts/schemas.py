"""Login and token shapes (``access_token``/``token_type`` fixed by API.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

Username = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=128)]


# The 6-digit code of an authenticator app, or a recovery code (users with two-step sign-in).
Otp = Annotated[str, msgspec.Meta(max_length=32)]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password
    otp: Otp | None = None  # required when the user has turned two-step sign-in on


class TokenIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password
    name: Annotated[str, msgspec.Meta(max_length=100)] | None = None  # "till 2 at Na Rì"
    otp: Otp | None = None  # as for logging in


class UserOut(msgspec.Struct):
    id: int
    username: str
    role: str
    producer_id: int | None
    location_ids: list[int]


class LoginOut(msgspec.Struct):
    user: UserOut
    csrf_token: str  # echo it in X-CSRF-Token on cookie-authenticated writes


class TokenOut(msgspec.Struct):
    access_token: str
    token_type: str
    expires_at: dt.datetime


class LoginForm(msgspec.Struct):
    username: str = ""
    password: str = ""
    next: str = "/"
    otp: str = ""  # offered when this client must wait: a second factor gets the owner in


# People, for the office (admins only).
RoleName = Annotated[str, msgspec.Meta(pattern="^(admin|manager|staff|cooperative)$")]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]


class PlaceOut(msgspec.Struct):
    code: str
    name: str


class PersonOut(msgspec.Struct):
    id: int
    username: str
    full_name: str
    email: str
    role: str
    active: bool
    producer: PlaceOut | None
    sales_points: list[PlaceOut]
    last_login: dt.datetime | None


class PersonIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Username
    password: Password
    role: RoleName
    full_name: Annotated[str, msgspec.Meta(max_length=200)] = ""
    email: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    producer: Code | None = None  # the producer's code (cooperative accounts)
    sales_points: list[Code] = msgspec.field(default_factory=list)  # managers and staff


class RoleIn(msgspec.Struct, forbid_unknown_fields=True):
    role: RoleName
    producer: Code | None = None
    sales_points: list[Code] = msgspec.field(default_factory=list)


class PasswordIn(msgspec.Struct, forbid_unknown_fields=True):
    password: Password
