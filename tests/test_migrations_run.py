"""Migrations build the schema the models describe, on SQLite and PostgreSQL, both ways."""

from __future__ import annotations

import sqlalchemy as sa

from shop.bootstrap import load_reference_data, migrate
from shop.catalog.models import Product
from shop.migrate import schema_differences
from tests import factories as f


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


async def test_an_existing_catalog_s_search_text_becomes_words_between_spaces(database, session):
    """0021: the storefront's search matches a word's start, so the text of products made
    before it ("turmeric-honey") is split at punctuation; nothing else changes."""
    product = await f.product(session, name="Viên nghệ mật ong")
    await session.commit()
    await migrate(database, "0020", down=True)
    old = "vien nghe mat ong htx thu cong turmeric-honey pills (bac kan) o'clock"
    async with database.write_sessions() as writing:
        await writing.execute(sa.update(Product).where(Product.id == product.id).values(search_text=old))
        await writing.commit()
    await migrate(database)
    async with database.read_sessions() as reading:
        text = await reading.scalar(sa.select(Product.search_text).where(Product.id == product.id))
    assert text == "vien nghe mat ong htx thu cong turmeric honey pills bac kan o clock"
