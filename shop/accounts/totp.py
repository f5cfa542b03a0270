"""TOTP (RFC 6238) for two-step sign-in: secrets, codes, QR codes and recovery codes.

Pure functions, no database. Secrets are sealed with Fernet under a key derived from
``OCOP_SECRET_KEY``, so a copy of the database alone does not reveal them (changing the
secret key therefore turns every authenticator off in effect: the office resets them on
/office/people/). Recovery codes are random, so a salted SHA-256 is all they need.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING

import pyotp

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

ISSUER = "OCOP Market"
STEP = 30  # seconds a code lives
DIGITS = 6
WINDOW = 1  # steps accepted either side of now: a phone's clock a little off
RECOVERY_CODES = 10
# Letters and digits nobody mixes up when reading them off paper (no 0/o, 1/l/i).
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10  # two groups of five: about 50 bits each


def _fernet(secret_key: str) -> Fernet:
    # Imported here: only sign-ins with two steps use it (cryptography costs a worker about 7 MiB).
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"ocop totp secret").derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()


def seal(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(sealed: str, secret_key: str) -> str | None:
    """The secret, or None when it was sealed under another key."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP).provisioning_uri(
        name=username, issuer_name=ISSUER
    )


def qr_svg(uri: str) -> str:
    """The address as an inline SVG QR code (no script, no image request)."""
    import segno  # imported here: QR codes are drawn on a few pages only (segno costs about 9 MiB)

    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#111"))


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into a phone by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def normalize(code: str) -> str:
    """What the user typed, without the spaces and hyphens people add, in lower case."""
    return "".join(code.split()).replace("-", "").lower()


def looks_like_totp(code: str) -> bool:
    return len(code) == DIGITS and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The step whose code ``code`` is, within ``WINDOW`` steps of now; None if none is."""
    if not looks_like_totp(code):
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP)
    step = current_step(now)
    found = None
    for candidate in range(step - WINDOW, step + WINDOW + 1):  # every one, in constant time
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            found = candidate
    return found


def new_recovery_codes() -> list[str]:
    """Ten one-time codes, shown once, as ``abcde-fghjk``."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def hash_recovery_code(code: str) -> str:
    salt = secrets.token_hex(16)
    digest = hashlib.sha256(f"{salt}${normalize(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def recovery_code_matches(code: str, stored: str) -> bool:
    salt, _, digest = stored.partition("$")
    candidate = hashlib.sha256(f"{salt}${normalize(code)}".encode()).hexdigest()
    return hmac.compare_digest(candidate, digest)
