"""Settings read once from ``OCOP_*`` environment variables (see API.md)."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

VAR_DIR = Path(os.environ.get("OCOP_VAR_DIR", "var"))
DEFAULT_STRIPE_API_BASE = "https://api.stripe.com"


def _secret_key(var_dir: Path) -> str:
    """The key from the environment, else one generated once into ``var/secret``."""
    if key := os.environ.get("OCOP_SECRET_KEY"):
        return key
    path = var_dir / "secret"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def trusted_proxies(text: str) -> tuple[str, ...]:
    """``OCOP_TRUSTED_PROXIES``: comma-separated addresses or networks (CIDR) of the reverse
    proxies whose X-Forwarded-For / X-Forwarded-Proto are believed; a typo stops the start."""
    found = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError as exc:
            raise ValueError(f"OCOP_TRUSTED_PROXIES: {item!r} is not an IP address or network") from exc
        found.append(item)
    return tuple(found)


def _default_database_url(var_dir: Path) -> str:
    return f"sqlite+aiosqlite:///{var_dir / 'ocop.db'}"


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the app needs to know about its environment."""

    database_url: str
    secret_key: str
    base_url: str = "http://127.0.0.1:8000"
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str = DEFAULT_STRIPE_API_BASE
    # Several instances: Redis carries the catalog caches' drops between them (shop.cluster),
    # on channels named after the prefix (instances of one shop share it, another shop on the
    # same Redis takes its own).
    redis_url: str | None = None
    redis_prefix: str = "ocop"
    # A read replica of the database for the reports (everything that writes uses the primary).
    database_replica_url: str | None = None
    var_dir: Path = VAR_DIR
    # Seconds a session cookie lives; tills stay logged in for a working day and more.
    session_ttl: int = 7 * 24 * 3600
    # Failed logins per username and client address tolerated in ``login_window`` seconds;
    # after them that client waits 30 s, doubling with each failure, at most the window
    # (twice as many tolerated for a username failing from every address together).
    login_max_failures: int = 5
    login_window: int = 15 * 60
    # The reverse proxies (IPs or CIDRs) whose forwarded headers give the client's address;
    # none by default: X-Forwarded-For is ignored, so no client can forge its address (and
    # slip past the per-address login limits).
    trusted_proxies: tuple[str, ...] = ()
    # Cookies marked Secure when the site is served over HTTPS.
    secure_cookies: bool = False
    debug: bool = False
    # Online orders: how long stock waits for a card payment, and for a bank transfer.
    card_hold_minutes: int = 30
    transfer_hold_minutes: int = 24 * 60
    # A fulfilment not accepted within this many hours is flagged to the office (the SLA).
    accept_within_hours: int = 48
    # The office's commission on a producer's online sales unless the producer has its own.
    commission_bp: int = 1000
    # Stripe refuses charges below about US$0.50; in đồng, with a margin for the exchange rate.
    stripe_minimum_vnd: int = 15_000
    # The office's account that VietQR transfers for online orders go to (unset = not offered).
    bank_bin: str | None = None
    bank_account_number: str | None = None
    bank_account_name: str | None = None
    # SePay's notifications of incoming transfers (POST /api/v1/payments/sepay/webhook): the
    # API key its webhook sends as "Authorization: Apikey <key>", and/or the secret it signs
    # with (HMAC-SHA256). Neither set: the webhook answers 503 and transfers are confirmed by hand.
    sepay_api_key: str | None = None
    sepay_webhook_secret: str | None = None
    # Email: SMTP when a host is set, else .eml files under var/mail/.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "OCOP Market <no-reply@ocop.local>"
    office_email: str | None = None  # the OCOP office's inbox (certificates about to expire)
    # Seconds between runs of the in-app scheduler (``ocop jobs run``'s work); 0 = off.
    jobs_interval: int = 60
    # Shopping feeds (/feeds/) are regenerated at most this often, when stock, products or
    # certificates have changed since (by the scheduler or ``ocop jobs run``).
    feeds_interval: int = 300
    # Connections one process keeps to PostgreSQL: a pool and the overflow it may open in a
    # burst (the server's max_connections is shared by every process and other databases).
    database_pool_size: int = 10
    database_max_overflow: int = 10
    # Photos: a folder or ``s3://bucket/prefix`` (empty = ``var/media``); an S3-compatible
    # server other than AWS is named by its endpoint. Uploads over either limit are refused.
    media_url: str = ""
    s3_endpoint_url: str | None = None
    upload_max_bytes: int = 25 * 1024 * 1024
    upload_max_pixels: int = 60_000_000
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        var_dir = Path(os.environ.get("OCOP_VAR_DIR", "var"))
        base_url = os.environ.get("OCOP_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
        values: dict[str, object] = {
            "database_url": os.environ.get("OCOP_DATABASE_URL") or _default_database_url(var_dir),
            "secret_key": _secret_key(var_dir),
            "base_url": base_url,
            "stripe_secret_key": os.environ.get("OCOP_STRIPE_SECRET_KEY") or None,
            "stripe_webhook_secret": os.environ.get("OCOP_STRIPE_WEBHOOK_SECRET") or None,
            "stripe_api_base": os.environ.get("OCOP_STRIPE_API_BASE") or DEFAULT_STRIPE_API_BASE,
            "redis_url": os.environ.get("OCOP_REDIS_URL") or None,
            "redis_prefix": os.environ.get("OCOP_REDIS_PREFIX") or "ocop",
            "database_replica_url": os.environ.get("OCOP_DATABASE_REPLICA_URL") or None,
            "var_dir": var_dir,
            "trusted_proxies": trusted_proxies(os.environ.get("OCOP_TRUSTED_PROXIES", "")),
            "secure_cookies": base_url.startswith("https://"),
            "debug": os.environ.get("OCOP_DEBUG", "") == "1",
            "card_hold_minutes": int(os.environ.get("OCOP_CARD_HOLD_MINUTES") or 30),
            "transfer_hold_minutes": int(os.environ.get("OCOP_TRANSFER_HOLD_MINUTES") or 24 * 60),
            "accept_within_hours": int(os.environ.get("OCOP_ACCEPT_WITHIN_HOURS") or 48),
            "commission_bp": int(os.environ.get("OCOP_COMMISSION_BP") or 1000),
            "stripe_minimum_vnd": int(os.environ.get("OCOP_STRIPE_MINIMUM_VND") or 15_000),
            "bank_bin": os.environ.get("OCOP_BANK_BIN") or None,
            "bank_account_number": os.environ.get("OCOP_BANK_ACCOUNT_NUMBER") or None,
            "bank_account_name": os.environ.get("OCOP_BANK_ACCOUNT_NAME") or None,
            "sepay_api_key": os.environ.get("OCOP_SEPAY_API_KEY") or None,
            "sepay_webhook_secret": os.environ.get("OCOP_SEPAY_WEBHOOK_SECRET") or None,
            "smtp_host": os.environ.get("OCOP_SMTP_HOST") or None,
            "smtp_port": int(os.environ.get("OCOP_SMTP_PORT") or 587),
            "smtp_user": os.environ.get("OCOP_SMTP_USER") or None,
            "smtp_password": os.environ.get("OCOP_SMTP_PASSWORD") or None,
            "mail_from": os.environ.get("OCOP_MAIL_FROM") or "OCOP Market <no-reply@ocop.local>",
            "office_email": os.environ.get("OCOP_OFFICE_EMAIL") or None,
            "jobs_interval": int(os.environ.get("OCOP_JOBS_INTERVAL") or 60),
            "feeds_interval": int(os.environ.get("OCOP_FEEDS_INTERVAL") or 300),
            "database_pool_size": int(os.environ.get("OCOP_DB_POOL_SIZE") or 10),
            "database_max_overflow": int(os.environ.get("OCOP_DB_MAX_OVERFLOW") or 10),
            "media_url": os.environ.get("OCOP_MEDIA_URL") or "",
            "s3_endpoint_url": os.environ.get("OCOP_S3_ENDPOINT_URL") or None,
            "upload_max_bytes": int(os.environ.get("OCOP_UPLOAD_MAX_BYTES") or 25 * 1024 * 1024),
            "upload_max_pixels": int(os.environ.get("OCOP_UPLOAD_MAX_PIXELS") or 60_000_000),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
