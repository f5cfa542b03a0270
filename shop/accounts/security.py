"""Passwords and tokens.

Passwords use Piccolo's own PBKDF2-SHA256 format (``pbkdf2_sha256$iterations$salt$hash``)
because ``piccolo_user`` is our one identity store and /admin verifies the same hashes.
Tokens are random; only their SHA-256 is stored, so a database leak reveals no live login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piccolo.apps.user.tables import BaseUser

TOKEN_BYTES = 32
MIN_PASSWORD_LENGTH = 8
# Piccolo's BaseUser._max_password_length (a test checks they agree): Piccolo is imported
# only to hash or check a password, not when a worker starts (about 8 MiB).
MAX_PASSWORD_LENGTH = 128


def _piccolo_user() -> type[BaseUser]:
    """Piccolo's user table: its hashing, so the admin's sign-in accepts the app's passwords."""
    from piccolo.apps.user.tables import BaseUser

    return BaseUser


def hash_password(password: str) -> str:
    return _piccolo_user().hash_password(password)


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored Piccolo hash."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    user = _piccolo_user()
    try:
        algorithm, iterations, salt, _hashed = user.split_stored_password(stored)
    except ValueError:
        return False
    if algorithm != "pbkdf2_sha256":
        return False
    candidate = user.hash_password(password, salt=salt, iterations=int(iterations))
    return hmac.compare_digest(candidate, stored)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
