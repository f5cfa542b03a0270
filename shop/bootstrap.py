"""Bringing a database to the current schema with its reference data (``ocop db upgrade``)."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.groups import seed_groups
from shop.db import Database
from shop.evaluation.sheets import install_sheets
from shop.geo.loader import load_places
from shop.migrate import alembic_config

# Tables that hold reference data loaded by the upgrade: tests keep them between cases.
REFERENCE_TABLES = frozenset({"alembic_version", "place", "product_group"})


async def migrate(db: Database, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic on a connection of ours (so it works inside a running event loop)."""
    config = alembic_config(db.engine.url.render_as_string(hide_password=False))

    def _run(sync_conn: Any) -> None:
        config.attributes["connection"] = sync_conn
        if down:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)

    async with db.engine.begin() as conn:
        await conn.run_sync(_run)


async def load_reference_data(session: AsyncSession) -> dict[str, int]:
    """Places, OCOP groups and the published score sheets; each loader adds only what is missing."""
    counts = {
        "places": await load_places(session),
        "groups": await seed_groups(session),
        "sheets": await install_sheets(session),
    }
    await session.commit()
    return counts


async def upgrade_database(url: str) -> dict[str, int]:
    db = Database.connect(url)
    try:
        await migrate(db)
        async with db.write_sessions() as session:
            return await load_reference_data(session)
    finally:
        await db.dispose()
