"""A real ``ocop serve`` on a free port, for the tests that talk to it over HTTP (browsers, fuzzer)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.stripe_server import FakeStripe


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    database_url: str
    stripe: FakeStripe  # the Stripe-compatible server the live app's SDK talks to
    mail_dir: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(url: str, var_dir: Path, **settings: str | None) -> Iterator[LiveServer]:
    """``ocop serve`` over the database ``url``, with a Stripe-compatible server beside it.

    ``settings`` adds environment variables (``OCOP_…``), or removes them when None."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stripe = FakeStripe().start()
    stripe.webhook_url = f"{base}/api/v1/payments/stripe/webhook"
    env = {
        **os.environ,
        "OCOP_DATABASE_URL": url,
        "OCOP_SECRET_KEY": "live-test-secret",
        "OCOP_BASE_URL": base,
        "OCOP_VAR_DIR": str(var_dir),
        "OCOP_STRIPE_SECRET_KEY": stripe.api_key,
        "OCOP_STRIPE_WEBHOOK_SECRET": stripe.webhook_secret,
        "OCOP_STRIPE_API_BASE": stripe.base_url,
        # The office's account, so checkout offers a bank transfer (VietQR) as well.
        "OCOP_BANK_BIN": "970405",
        "OCOP_BANK_ACCOUNT_NUMBER": "1234567890123",
        "OCOP_BANK_ACCOUNT_NAME": "SO CONG THUONG",
        # SePay's webhook answers (401 without its key) rather than 503 "not configured".
        "OCOP_SEPAY_API_KEY": "live-sepay-key",
    }
    for name, value in settings.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    # The server's log goes to a file: a pipe nobody reads fills up and blocks the server.
    var_dir.mkdir(parents=True, exist_ok=True)
    log_path = var_dir / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own console script
            [str(Path(sys.executable).parent / "ocop"), "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        _wait_until_up(base, server, log_path)
        yield LiveServer(base, url, stripe, var_dir / "mail")
    finally:
        server.terminate()
        server.wait(timeout=20)
        stripe.stop()


def _wait_until_up(base: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"ocop serve exited: {log_path.read_text(errors='replace')[-4000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("ocop serve did not answer /health within 60 s")


async def deliver_mail(server: LiveServer) -> None:
    """What the server's scheduler would send at its next round: without an SMTP host the
    outbox is delivered to ``var/mail`` by the jobs, not after each answer (issue 20)."""
    from shop.db import Database
    from shop.mail import outbox
    from shop.settings import Settings

    settings = Settings(
        database_url=server.database_url,
        secret_key="live-test-secret",
        base_url=server.base_url,
        var_dir=server.mail_dir.parent,
    )
    db = Database.connect(server.database_url)
    try:
        await outbox.deliver_pending(db, settings)
    finally:
        await db.dispose()
