"""The ``ocop`` command: serve, database, demo data, users, imports, background jobs.

Each command imports what it uses, inside it: ``ocop serve`` reads its options holding little
more than click (against 125 MiB with every import at the top), and so does each worker's start
(``python -m shop serve --fd``) before the app; with several workers, the parent then becomes
``shop.supervisor``, which holds the standard library only.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from shop.i18n import N_, gettext, pick_language, set_language
from shop.settings import Settings

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.ext.asyncio import AsyncSession

    from shop.catalog import importer
    from shop.demo.photos import DemoMedia
    from shop.inventory.check import LedgerReport

T = TypeVar("T")
NOT_UPGRADED = N_("The database is not up to date: run `ocop db upgrade` first.")
# The values of shop.accounts.models.Role (not imported for a choice list: it brings the
# models; tests/test_lazy_imports.py checks the two agree).
ROLES = ("admin", "manager", "staff", "cooperative")


@functools.cache
def _console() -> Console:
    """rich's console, made when a command first prints: the supervisor of ``ocop serve`` and
    each of its workers import this module and never print through it (rich: about 2.3 MiB)."""
    from rich.console import Console

    return Console()


def _settings() -> Settings:
    return Settings.from_env()


def _run(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one write transaction, committed when it returns; on a database not
    yet migrated, say what to do (a missing table would otherwise end in a traceback)."""
    from shop.db import Database
    from shop.migrate import is_upgraded

    async def main() -> T:
        db = Database.connect(_settings().database_url)
        try:
            if not await is_upgraded(db.engine):
                _console().print(f"[red]{gettext(NOT_UPGRADED)}[/red]")
                sys.exit(2)
            async with db.write_sessions() as session:
                result = await work(session)
                await session.commit()
                return result
        finally:
            await db.dispose()

    return asyncio.run(main())


@click.group()
def main() -> None:
    """OCOP Market: certified OCOP products, sales points, storefront and cooperatives."""
    # Messages follow the terminal's language (LANG=en_US.UTF-8 → English), else Vietnamese.
    locale = os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    set_language(pick_language(None, None, locale.split(".", 1)[0]))


def _log_config() -> dict[str, Any]:
    """uvicorn's logging, and the shop's own messages (``shop.*``: the scheduler's runs,
    Redis gone or back) at INFO beside them, in every worker."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["shop"] = {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    config["handlers"]["shop"] = {
        "formatter": "shop",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["shop"] = {"handlers": ["shop"], "level": "INFO", "propagate": False}
    return config


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
@click.option("--fd", type=int, hidden=True, help="A worker of the supervisor: serve this inherited socket.")
@click.option("--ready-fd", type=int, hidden=True, help="A worker: write a byte here once serving.")
def serve(host: str, port: int, workers: int, fd: int | None = None, ready_fd: int | None = None) -> None:
    """Serve the shop, the API and /admin."""
    # The client's address (the login limits count by it) comes from X-Forwarded-For only
    # when the connection is from one of OCOP_TRUSTED_PROXIES; with none, never. Read here, a
    # wrong setting stops the command before any worker starts.
    proxies = list(_settings().trusted_proxies)
    if fd is not None:
        from shop import worker

        worker.serve(fd, ready_fd, host, port, _uvicorn_options(proxies))
    elif workers > 1:
        # The supervisor replaces this process (same id, so a service manager's signals reach
        # it): what this process imported, click and the settings, is gone from it. It runs
        # isolated and without site (it needs the standard library only): 10 MiB, not 13.
        sys.stdout.flush()
        sys.stderr.flush()
        argv = ["--host", host, "--port", str(port), "--workers", str(workers)]
        supervisor = str(Path(__file__).with_name("supervisor.py"))
        os.execv(sys.executable, [sys.executable, "-I", "-S", supervisor, *argv])  # noqa: S606
    else:
        import uvicorn

        uvicorn.run("shop.app:create_app", host=host, port=port, **_uvicorn_options(proxies))


def _uvicorn_options(proxies: list[str]) -> dict[str, Any]:
    return {
        "factory": True,
        "log_level": "info",
        "log_config": _log_config(),
        "access_log": False,
        "ws": "none",
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies or None,
    }


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Migrate to the newest schema and load reference data (places, OCOP groups, score sheets)."""
    from shop import bootstrap

    counts = asyncio.run(bootstrap.upgrade_database(_settings().database_url))
    _console().print(
        f"Database up to date (added {counts['places']} places, {counts['groups']} groups,"
        f" {counts['sheets']} score sheets)."
    )


@db.command("check")
def db_check() -> None:
    """Exit 1 if the database schema differs from the models."""
    from shop.db import Database
    from shop.migrate import schema_differences

    async def check() -> list[Any]:
        database = Database.connect(_settings().database_url)
        try:
            return await schema_differences(database.engine)
        finally:
            await database.dispose()

    differences = asyncio.run(check())
    for difference in differences:
        _console().print(f"[red]differs:[/red] {difference}")
    if differences:
        sys.exit(1)
    _console().print("Schema matches the models.")


@main.command("demo")
@click.argument("action", type=click.Choice(["load"]))
@click.option("--scale", type=click.Choice(["demo", "national"]), default="demo", show_default=True)
@click.option(
    "--pictures/--no-pictures",
    default=True,
    show_default=True,
    help="Draw a picture of each demo product, producer and sales point (not at national scale).",
)
def demo_command(action: str, scale: str, pictures: bool) -> None:
    """``ocop demo load [--scale national] [--no-pictures]``: idempotent demo (or benchmark-size) data."""
    from shop.catalog.sellability import today
    from shop.demo import loader as demo

    settings = _settings()
    media = _demo_media(settings) if pictures and scale == "demo" else None
    summary = _run(
        lambda session: demo.load(session, scale=scale, today=today(), log=_console().print, media=media)
    )
    if scale == "national":
        asyncio.run(_analyze())
    _console().print(summary)


def _demo_media(settings: Settings) -> DemoMedia:
    """The photo storage the app uses (var/media or the bucket), and the upload limits."""
    from shop.demo.photos import DemoMedia
    from shop.media.services import Limits
    from shop.media.storage import open_storage

    storage = open_storage(
        settings.media_url, var_dir=settings.var_dir, s3_endpoint_url=settings.s3_endpoint_url
    )
    return DemoMedia(storage, Limits(settings.upload_max_bytes, settings.upload_max_pixels))


async def _analyze() -> None:
    from shop.db import Database

    database = Database.connect(_settings().database_url)
    try:
        await database.analyze()
    finally:
        await database.dispose()


@main.group()
def users() -> None:
    """User accounts."""


@users.command("create")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--sales-point", "sales_points", multiple=True, help="Location code (repeatable).")
@click.option("--producer", default=None, help="Producer code, for a cooperative user.")
@click.option("--email", default=None)
def users_create(
    username: str,
    password: str,
    role: str,
    sales_points: tuple[str, ...],
    producer: str | None,
    email: str | None,
) -> None:
    """Create a user with a role and scope."""
    from shop.accounts.models import Role
    from shop.errors import DomainError
    from shop.office import people

    try:
        _run(
            lambda session: people.create_user(
                session,
                username=username,
                password=password,
                role=Role(role),
                email=email,
                producer_code=producer,
                location_codes=sales_points,
            )
        )
    except DomainError as error:
        _console().print(f"[red]{error.detail}[/red]")
        for item in error.errors:
            _console().print(f"  {item['field']}: {item['message']}")
        sys.exit(2)
    _console().print(f"User {username} created ({role}).")  # never the password


@main.group("import")
def import_group() -> None:
    """Imports."""


@import_group.command("products")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_products(file: Path) -> None:
    """Import the province's list of certified products (.xlsx or .csv): all or nothing."""
    from rich.progress import Progress

    from shop.catalog import import_file, importer
    from shop.catalog.sellability import today

    with Progress(console=_console(), transient=True) as progress:
        task = progress.add_task("Import", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        content = file.read_bytes()

        async def work(session: AsyncSession) -> importer.ImportReport:
            report = await importer.import_products(
                session, file.name, content, today=today(), progress=advance
            )
            if not report.ok:
                await session.rollback()
            return report

        try:
            report = _run(work)
        except import_file.ImportFileError as error:
            _console().print(f"[red]{error.text('vi')} / {error.text('en')}[/red]")
            sys.exit(2)
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: importer.ImportReport) -> None:
    if not report.ok:
        bad = len(report.errors)
        _console().print(f"[red]Nothing imported: {bad} bad rows / Không nhập gì: {bad} dòng lỗi[/red]")
        for error in report.errors:
            _console().print(
                f"  row/dòng {error.row} [{error.field}]: {error.text('vi')} / {error.text('en')}"
            )
        return
    _console().print(
        f"Imported {report.rows} rows: {report.producers_created} producers, "
        f"{report.products_created} new and {report.products_updated} updated products, "
        f"{report.certificates_created} new and {report.certificates_updated} updated certificates."
    )


@main.group("check")
def check_group() -> None:
    """Consistency checks."""


@check_group.command("ledger")
def check_ledger_command() -> None:
    """Exit 1 unless every stock level equals the sum of its movements."""
    from shop.db import Database
    from shop.inventory.check import check_ledger

    async def run() -> LedgerReport:
        database = Database.connect(_settings().database_url)
        try:
            async with database.read_sessions() as session:
                return await check_ledger(session)
        finally:
            await database.dispose()

    started = time.perf_counter()
    report = asyncio.run(run())
    elapsed = time.perf_counter() - started
    for m in report.mismatches:
        _console().print(
            f"[red]stock level {m.level_id}[/red] ({m.location}, product {m.product_id}): on hand "
            f"{m.on_hand} but movements sum to {m.ledger_on_hand}; reserved {m.reserved} but "
            f"movements sum to {m.ledger_reserved}"
        )
    summary = f"{report.levels} stock levels, {report.movements} movements checked in {elapsed:.1f} s"
    if not report.ok:
        _console().print(f"[red]Ledger differs: {len(report.mismatches)} stock levels.[/red] {summary}.")
        sys.exit(1)
    _console().print(f"Ledger is consistent: {summary}.")


@main.group("jobs")
def jobs_group() -> None:
    """Background work."""


@jobs_group.command("run")
def jobs_run() -> None:
    """Run the work that is due now (expire reservations and certificates, send emails…)."""
    from shop import scheduler
    from shop.db import Database

    async def work() -> dict[str, int]:
        settings = _settings()
        db = Database.connect(settings.database_url)
        try:
            return await scheduler.run_exclusively(db, settings)
        finally:
            await db.dispose()

    results = asyncio.run(work())
    for name, count in results.items():
        _console().print(f"{name}: {count}")
