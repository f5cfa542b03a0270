"""Passwords and tokens.

Passwords use Piccolo's own PBKDF2-SHA256 format (``pbkdf2_sha256$iterations$salt$hash``)
because ``piccolo_user`` is our one identity store and /admin verifies the same hashes.
Tokens are random; only their SHA-256 is stored, so a database leak reveals no live login.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from piccolo.apps.user.tables import BaseUser

TOKEN_BYTES = 32
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = BaseUser._max_password_length


def hash_password(password: str) -> str:
    return BaseUser.hash_password(password)


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored Piccolo hash."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        algorithm, iterations, salt, _hashed = BaseUser.split_stored_password(stored)
    except ValueError:
        return False
    if algorithm != "pbkdf2_sha256":
        return False
    candidate = BaseUser.hash_password(password, salt=salt, iterations=int(iterations))
    return hmac.compare_digest(candidate, stored)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
