"""Running Alembic from code: upgrade, downgrade, and checking the schema against the models."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.models import Base

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


# Indexes that exist on PostgreSQL only (``ddl_if``): SQLite must not expect them.
POSTGRES_ONLY_INDEXES = frozenset({"ix_product_search_trgm"})


def include_object_for(dialect: str) -> Callable[[Any, str | None, str, bool, Any], bool]:
    """What Alembic compares on ``dialect``."""

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "index" and name in POSTGRES_ONLY_INDEXES:
            return dialect == "postgresql"
        # Objects outside the models (e.g. extensions' tables) are not ours to diff.
        return not (type_ == "table" and reflected and compare_to is None and name != "alembic_version")

    return include_object


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


async def schema_differences(engine: AsyncEngine) -> list[Any]:
    """What Alembic would change to make the database match the models ([] when in sync)."""

    def _compare(sync_conn: Any) -> list[Any]:
        context = MigrationContext.configure(
            sync_conn,
            opts={
                "compare_type": sync_conn.dialect.name != "sqlite",
                "include_object": include_object_for(sync_conn.dialect.name),
            },
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        return await conn.run_sync(_compare)


async def is_upgraded(engine: AsyncEngine) -> bool:
    """Whether the database stands at the newest migration (``ocop db upgrade`` was run)."""

    def _heads(sync_conn: Any) -> set[str]:
        return set(MigrationContext.configure(sync_conn).get_current_heads())

    async with engine.connect() as conn:
        current = await conn.run_sync(_heads)
    return current == set(ScriptDirectory.from_config(alembic_config(str(engine.url))).get_heads())
