"""Users and what they may touch.

Identity is Piccolo's ``piccolo_user`` table (so one password works in /admin, /pos and /coop);
Alembic owns it through the mirror models below. Our ``account`` table adds the role and scope.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shop.db import Base
from shop.db_types import UTCDateTime, utcnow
from shop.enums import enum_column


class Role(StrEnum):
    admin = "admin"  # the provincial OCOP office: everything
    manager = "manager"  # runs their sales points
    staff = "staff"  # sells and handles stock at their sales points
    cooperative = "cooperative"  # a producer's own people: their orders and statements


class TokenKind(StrEnum):
    session = "session"  # a browser's cookie
    bearer = "bearer"  # a device or script


class PiccoloUser(Base):
    """Mirror of Piccolo's BaseUser DDL (TIMESTAMP, not TIMESTAMPTZ: Piccolo reads it so)."""

    __tablename__ = "piccolo_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), unique=True)
    password: Mapped[str] = mapped_column(sa.String(255))
    first_name: Mapped[str | None] = mapped_column(sa.String(255))
    last_name: Mapped[str | None] = mapped_column(sa.String(255))
    email: Mapped[str] = mapped_column(sa.String(255), unique=True)
    active: Mapped[bool] = mapped_column(default=False)
    admin: Mapped[bool] = mapped_column(default=False)
    superuser: Mapped[bool] = mapped_column(default=False)
    last_login: Mapped[dt.datetime | None] = mapped_column(sa.TIMESTAMP())


class PiccoloSession(Base):
    """Mirror of piccolo_api's SessionsBase: the admin's own login sessions."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(100))
    user_id: Mapped[int] = mapped_column(sa.Integer)
    expiry_date: Mapped[dt.datetime] = mapped_column(sa.TIMESTAMP())
    max_expiry_date: Mapped[dt.datetime] = mapped_column(sa.TIMESTAMP())


class Account(Base):
    """A user's role and scope."""

    __tablename__ = "account"
    __table_args__ = (
        sa.CheckConstraint(
            "role <> 'cooperative' OR producer_id IS NOT NULL", name="cooperative_has_producer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id", ondelete="CASCADE"), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role, "account_role", 16))
    producer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("producer.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AccountLocation(Base):
    """The locations a manager or staff member works at."""

    __tablename__ = "account_location"
    __table_args__ = (sa.UniqueConstraint("account_id", "location_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("account.id", ondelete="CASCADE"))
    location_id: Mapped[int] = mapped_column(sa.ForeignKey("location.id", ondelete="CASCADE"), index=True)


class AuthToken(Base):
    """A login: a session cookie or a bearer token. Only a hash of the secret is stored."""

    __tablename__ = "auth_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[TokenKind] = mapped_column(enum_column(TokenKind, "token_kind", 10))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed login, kept for the rate limit (in the database: several app processes)."""

    __tablename__ = "login_failure"
    __table_args__ = (
        sa.Index("ix_login_failure_username_at", "username", "at"),
        sa.Index("ix_login_failure_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100))
    client: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SecondFactor(Base):
    """A user's TOTP authenticator (two-step sign-in, admins and managers).

    The shared secret is stored encrypted under the app's secret key (``shop.accounts.totp``)
    and shown only while enrolling; ``confirmed_at`` set means it is on. ``last_step`` is the
    30-second step of the last code accepted: a code is never accepted twice (replay).
    """

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id", ondelete="CASCADE"), unique=True)
    secret: Mapped[str] = mapped_column(sa.String(255))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    # Wrong codes lately, wherever they came from: past a few, every code waits (a thief
    # who has the password cannot try a million codes from a million addresses).
    failures: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    failed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator (a lost phone).

    Only a salted SHA-256 is kept (``salt$hex``): the codes are random, so a fast hash is
    enough and checking ten of them at a login stays quick."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("piccolo_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(120))
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
