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
from typing import Any

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


def _run(code: str, tmp_path: Path) -> Any:
    """What ``code`` printed last, as JSON, run in a fresh interpreter on an empty database."""
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
    return json.loads(done.stdout.strip().splitlines()[-1])


def _loaded(code: str, tmp_path: Path) -> set[str]:
    return set(_run(code, tmp_path))


def _heavy(modules: set[str]) -> list[str]:
    return sorted(name for name in HEAVY if name in modules)


def test_a_started_app_has_not_imported_the_heavy_libraries(tmp_path: Path):
    loaded = _loaded(STARTUP, tmp_path)
    assert "shop.app" in loaded
    assert _heavy(loaded) == []
    # The due jobs' modules come with their first run (shop.scheduler), here none.
    assert "shop.jobs" not in loaded
    assert "shop.evaluation.reevaluation" not in loaded


def test_the_command_line_imports_no_more_than_click_for_serve(tmp_path: Path):
    """``ocop serve``'s supervisor (and each spawned worker, before the app) imports shop.cli."""
    loaded = _loaded("import json, sys; import shop.cli; print(json.dumps(sorted(sys.modules)))", tmp_path)
    assert _heavy(loaded) == []
    assert not {"shop.app", "shop.db", "sqlalchemy", "litestar", "uvicorn", "rich"} & loaded


def test_the_command_line_offers_every_role():
    from shop.accounts.models import Role
    from shop.cli import ROLES

    assert set(ROLES) == {role.value for role in Role}


# A worker's first requests to a section of the app: what it has imported after each.
SECTIONS = """
import asyncio, json, sys
import httpx
from shop.app import create_app

async def main():
    app = create_app()
    seen = {}
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            seen["started"] = sorted(sys.modules)
            seen["/officers"] = (await client.get("/officers")).status_code
            seen["after /officers"] = sorted(sys.modules)
            seen["/office/products"] = (await client.get("/office/products")).status_code
            seen["after /office/products"] = sorted(sys.modules)
            missing = await client.get("/office/no-such-page", headers={"accept-language": "en"})
            seen["/office/no-such-page"] = [missing.status_code, missing.text]
            seen["/api/v1/users"] = (await client.get("/api/v1/users")).status_code
            seen["schema"] = sorted((await client.get("/schema/openapi.json")).json()["paths"])
            seen["after schema"] = sorted(sys.modules)
    print(json.dumps(seen))

asyncio.run(main())
"""
OFFICE = "shop.office.products"  # the office's product pages
OTHERS = ("shop.till.pages", "shop.inventory.pages.stock", "shop.orders.pages.coop", "shop.reports.pages")


def test_a_worker_builds_the_office_and_the_rest_on_their_first_request(tmp_path: Path):
    """The storefront is built when a worker starts; the office, the sales points, the
    cooperatives, the reports and the API on their first request (shop.sections)."""
    seen = _run(SECTIONS, tmp_path)
    started = set(seen["started"])
    assert "shop.storefront.catalog_pages" in started
    assert OFFICE not in started
    assert not set(OTHERS) & started
    assert "shop.till.api" not in started

    # A path that only begins like a section's builds nothing.
    assert seen["/officers"] == 404
    assert OFFICE not in seen["after /officers"]

    # The office's pages, once built, answer as always (a visitor is sent to sign in)…
    assert seen["/office/products"] == 302
    after_office = set(seen["after /office/products"])
    assert OFFICE in after_office
    assert not set(OTHERS) & after_office  # …and build no other section.
    status, page = seen["/office/no-such-page"]
    assert status == 404
    assert "<html" in page.lower()  # the translated page, not a problem document

    assert seen["/api/v1/users"] == 401  # the API, built, asks who calls
    # The API's description lists every section's operations, built or not before it.
    assert {"/api/v1/groups", "/api/v1/sales-points/{code}", "/api/v1/reports/{name}"} <= set(seen["schema"])
    assert set(OTHERS) <= set(seen["after schema"])
