"""Where a worker's memory goes: the RSS each layer of an ``ocop serve`` worker adds, in the
order the worker loads them, then what its first pages load.

    python bench/memory_layers.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/ocop_bench

Everything is measured in this one process, which imports nothing of its own before it starts
(argparse, os and sys only): each line is the RSS (from /proc) after the layer, and what the
layer added. The app is built as a worker builds it (nothing is connected: the database is
only named). Then the CLDR data Babel loads for a first page's prices and dates, per language.

``bench/memory.py`` and ``bench/oscar/compare.py`` give the whole server's memory under load;
this says which part of a worker's start is whose, the figure the issue asks for where the
target (the server's peak RSS ≤ django-oscar's) is missed. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# In the order a worker imports them (``python -m shop serve --fd N``), each with what it brings.
LAYERS: list[tuple[str, list[str]]] = [
    (
        "standard library (asyncio, ssl, email, logging…)",
        ["asyncio", "ssl", "email.message", "json", "decimal", "logging.config", "http.cookies"],
    ),
    ("uvicorn, uvloop, httptools, click", ["uvicorn", "uvicorn.main", "uvloop", "httptools", "click"]),
    ("msgspec, Jinja2", ["msgspec", "jinja2"]),
    ("Litestar", ["litestar", "litestar.app"]),
    ("SQLAlchemy (Core, ORM, asyncio)", ["sqlalchemy", "sqlalchemy.orm", "sqlalchemy.ext.asyncio"]),
    ("asyncpg and its dialect", ["asyncpg", "sqlalchemy.dialects.postgresql.asyncpg"]),
    ("Babel (code, no locale data)", ["babel.numbers", "babel.dates", "babel.support"]),
    ("the models (every table's class)", ["shop.models"]),
]


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


class Table:
    def __init__(self) -> None:
        self.last = rss_mib()
        print(f"{'MiB':>8} {'added':>7}  layer")
        print(f"{self.last:>8.1f} {'':>7}  Python itself (and argparse)")

    def row(self, what: str) -> None:
        gc.collect()
        now = rss_mib()
        print(f"{now:>8.1f} {now - self.last:>+7.1f}  {what}", flush=True)
        self.last = now


def handler_counts(app: object) -> tuple[int, int]:
    """The app's HTTP route handlers, and how many of them Litestar added itself to answer
    OPTIONS (one per path that declares none: Litestar 2 has no setting to leave them out)."""
    from litestar.routes import HTTPRoute

    handlers = [h for r in app.routes if isinstance(r, HTTPRoute) for h in r.route_handlers]  # type: ignore[attr-defined]
    automatic = [h for h in handlers if h.handler_name == "options_handler"]
    return len(handlers), len(automatic)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database-url", default=os.environ.get("OCOP_DATABASE_URL", "sqlite+aiosqlite:///var/bench.db")
    )
    args = parser.parse_args()
    os.environ["OCOP_DATABASE_URL"] = args.database_url
    os.environ.setdefault("OCOP_JOBS_INTERVAL", "0")
    sys.path.insert(0, str(ROOT))
    table = Table()
    for what, modules in LAYERS:
        for name in modules:
            importlib.import_module(name)
        table.row(what)
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    table.row("the models' mappings configured (relationships, loaders)")
    app_module = importlib.import_module("shop.app")
    table.row(f"the app's other modules (pages, API, services, templates): {len(sys.modules)} modules in all")
    app = app_module.create_app()
    handlers, automatic = handler_counts(app)
    table.row(f"the app built: {handlers} route handlers, {automatic} of them Litestar's automatic OPTIONS")
    _babel_data(table)
    # What a worker adds once asked for the API, the office, the sales points, the cooperatives
    # and the reports (shop/sections.py): a worker serving the storefront only does without.
    app.sections.load_all()
    handlers, automatic = handler_counts(app)
    table.row(f"the other sections built, as their first requests do: {handlers} route handlers in all")


def _babel_data(table: Table) -> None:
    """The CLDR data of each language, loaded by the first price and date shown in it."""
    from babel.dates import format_date
    from babel.numbers import format_currency

    from shop.i18n import LANGUAGES  # the storefront's six (loaded with the app already)

    for language in LANGUAGES:
        format_currency(125_000, "VND", locale=language)
        format_date(datetime.date(2026, 12, 5), format="long", locale=language)
        table.row(f"CLDR data for {language} (a first price and date in it)")


if __name__ == "__main__":
    main()
