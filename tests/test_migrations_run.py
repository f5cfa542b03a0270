"""Migrations build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

import sqlalchemy as sa

from shop.bootstrap import load_reference_data, migrate
from shop.migrate import schema_differences


async def test_the_migrated_schema_matches_the_models(database):
    assert await schema_differences(database.engine) == []


async def test_downgrade_to_base_and_upgrade_again(database):
    await migrate(database, "base", down=True)
    async with database.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
    assert set(tables) <= {"alembic_version"}
    await migrate(database)
    assert await schema_differences(database.engine) == []
    async with database.write_sessions() as session:  # other tests share this database
        counts = await load_reference_data(session)
    assert counts["places"] > 14_000 and counts["groups"] > 20
