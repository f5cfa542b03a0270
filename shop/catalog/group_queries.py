"""Reading product groups: the list (the API and the catalog page's filter), and the names
product cards show, read once for all the pages drawn within the catalog cache's seconds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from shop.catalog import cache, schemas
from shop.catalog.models import ProductGroup
from shop.db import database_key


@dataclass(frozen=True)
class GroupNames:
    code: str
    name: str
    name_en: str

    def ref(self, language: str) -> schemas.GroupRef:
        return schemas.GroupRef(code=self.code, name=self.name if language == "vi" else self.name_en)


async def group_names(session: AsyncSession) -> dict[int, GroupNames]:
    """Every product group (a few dozen rows), read once for all the pages drawn within the
    catalog cache's seconds and dropped with it when the catalog changes."""

    async def read() -> object:
        rows = await session.execute(
            sa.select(ProductGroup.id, ProductGroup.code, ProductGroup.name, ProductGroup.name_en)
        )
        return {i: GroupNames(code, name, name_en) for i, code, name, name_en in rows}

    found = await cache.pages.get_or_compute(("group-names", database_key(session)), read)
    assert isinstance(found, dict)
    return found


async def list_groups(session: AsyncSession) -> list[schemas.GroupOut]:
    return group_outs((await session.execute(groups_select())).all())


def groups_select() -> sa.Select[ProductGroup, str]:
    parent = aliased(ProductGroup)
    return (
        sa.select(ProductGroup, parent.code)
        .outerjoin(parent, parent.id == ProductGroup.parent_id)
        .order_by(ProductGroup.criteria_version, ProductGroup.id)
    )


def group_outs(rows: Sequence[sa.Row[ProductGroup, str]]) -> list[schemas.GroupOut]:
    return [
        schemas.GroupOut(
            id=g.id,
            code=g.code,
            name=g.name,
            name_en=g.name_en,
            parent_code=parent_code,
            criteria_version=g.criteria_version,
        )
        for g, parent_code in rows
    ]
