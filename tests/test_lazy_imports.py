"""Heavy libraries are imported where they are used, not when a worker starts (issue 20).

Each worker of ``ocop serve`` carries what its start imports for its whole life; spreadsheets,
PDF, Stripe, images and Piccolo Admin cost it tens of MiB and most workers never use them.
A fresh interpreter imports the app, builds it and runs its start-up, then lists what is loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Loaded only by the code that needs them (a lazy import inside the function).
HEAVY = (
    "openpyxl",  # spreadsheets: imports and exports
    "fpdf",  # PDF: labels and the decision's annex
    "fontTools",  # fpdf's fonts
    "stripe",  # card payments
    "PIL",  # photo uploads
    "pillow_heif",
    "segno",  # QR codes
    "boto3",  # photos on S3
    "botocore",
    "piccolo_admin",  # the admin at /admin, built on its first visit
    "fastapi",  # Piccolo Admin's
    "piccolo",  # the admin's tables and pool (admin.mount), password hashing
    "piccolo_api",
    "pydantic",  # Litestar's pydantic plugins (the app is msgspec: shop.app.App)
    "cryptography",  # sealing the secrets of two-step sign-in
    "alembic",  # ocop db upgrade
    "httpx",  # the SInvoice adapter and the Stripe SDK (with rich and pygments)
    "redis",  # several instances: only with OCOP_REDIS_URL (shop/cluster.py)
)

STARTUP = """
import asyncio, json, sys
from shop.app import create_app

async def main():
    app = create_app()
    async with app.lifespan():
        pass

asyncio.run(main())
print(json.dumps(sorted(sys.modules)))
"""


def _loaded(code: str, tmp_path: Path) -> set[str]:
    env = {
        **os.environ,
        "OCOP_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'lazy.db'}",
        "OCOP_VAR_DIR": str(tmp_path),
        "OCOP_JOBS_INTERVAL": "0",
        "OCOP_SECRET_KEY": "lazy-imports-test",
    }
    env.pop("OCOP_REDIS_URL", None)
    done = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in HEAVY if name in modules)


def test_a_started_app_has_not_imported_the_heavy_libraries(tmp_path: Path):
    loaded = _loaded(STARTUP, tmp_path)
    assert "shop.app" in loaded
    assert _heavy(loaded) == []


def test_the_command_line_imports_no_more_than_click_for_serve(tmp_path: Path):
    """``ocop serve``'s supervisor (and each spawned worker, before the app) imports shop.cli."""
    loaded = _loaded("import json, sys; import shop.cli; print(json.dumps(sorted(sys.modules)))", tmp_path)
    assert _heavy(loaded) == []
    assert not {"shop.app", "shop.db", "sqlalchemy", "litestar", "uvicorn", "rich"} & loaded


def test_the_command_line_offers_every_role():
    from shop.accounts.models import Role
    from shop.cli import ROLES

    assert set(ROLES) == {role.value for role in Role}
