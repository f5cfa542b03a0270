"""OCOP product groups and sub-groups as data, tagged with the criteria decision defining them.

The six groups of Decision 148/QĐ-TTg (2023) with the sub-groups used in the field. When new
criteria are decreed, add rows under a new ``criteria_version``; old certificates keep theirs.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.models import ProductGroup

CRITERIA_148 = "148/QĐ-TTg"

# (code, Vietnamese name, English name, [(sub-code, Vietnamese, English), ...])
GROUPS_148: list[tuple[str, str, str, list[tuple[str, str, str]]]] = [
    (
        "food",
        "Thực phẩm",
        "Food",
        [
            ("food-fresh", "Thực phẩm tươi sống", "Fresh produce, meat and fish"),
            ("food-grain", "Gạo, ngũ cốc và sơ chế", "Rice, cereals and pre-processed food"),
            ("food-honey", "Mật ong và sản phẩm từ mật ong", "Honey and honey products"),
            ("food-processed", "Thực phẩm chế biến", "Processed food"),
            ("food-spice", "Gia vị, nước chấm", "Spices and sauces"),
            ("food-tea", "Chè và sản phẩm từ chè", "Tea"),
            ("food-coffee", "Cà phê, ca cao", "Coffee and cocoa"),
        ],
    ),
    (
        "beverage",
        "Đồ uống",
        "Beverages",
        [
            ("beverage-alcohol", "Đồ uống có cồn", "Alcoholic drinks"),
            ("beverage-soft", "Đồ uống không cồn", "Non-alcoholic drinks"),
        ],
    ),
    (
        "herbal",
        "Dược liệu và sản phẩm từ dược liệu",
        "Medicinal herbs and herbal products",
        [
            ("herbal-food", "Thực phẩm chức năng, thuốc từ dược liệu", "Herbal supplements and medicines"),
            ("herbal-cosmetic", "Mỹ phẩm, tinh dầu từ dược liệu", "Herbal cosmetics and essential oils"),
            ("herbal-raw", "Dược liệu khác", "Other medicinal herbs"),
        ],
    ),
    (
        "handicraft",
        "Hàng thủ công mỹ nghệ",
        "Handicrafts",
        [
            ("handicraft-textile", "Dệt may, thổ cẩm", "Textiles and brocade"),
            ("handicraft-wood", "Gỗ, mây tre đan", "Wood, rattan and bamboo"),
            ("handicraft-other", "Gốm, kim loại và thủ công khác", "Ceramics, metal and other crafts"),
        ],
    ),
    (
        "ornamental",
        "Sinh vật cảnh",
        "Ornamental plants and animals",
        [
            ("ornamental-plant", "Hoa, cây cảnh", "Flowers and ornamental plants"),
            ("ornamental-animal", "Động vật cảnh", "Ornamental animals"),
        ],
    ),
    (
        "tourism",
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
        "Community and eco-tourism services",
        [
            ("tourism-service", "Dịch vụ du lịch", "Tourism services"),
        ],
    ),
]


async def seed_groups(session: AsyncSession, version: str = CRITERIA_148) -> int:
    """Insert the groups of ``version`` that are missing; returns how many were added."""
    existing = set(
        (
            await session.scalars(
                sa.select(ProductGroup.code).where(ProductGroup.criteria_version == version)
            )
        ).all()
    )
    added = 0
    for code, name, name_en, subgroups in GROUPS_148:
        parent = await session.scalar(
            sa.select(ProductGroup).where(ProductGroup.criteria_version == version, ProductGroup.code == code)
        )
        if parent is None:
            parent = ProductGroup(code=code, name=name, name_en=name_en, criteria_version=version)
            session.add(parent)
            await session.flush()
            added += 1
        for sub_code, sub_name, sub_name_en in subgroups:
            if sub_code not in existing:
                session.add(
                    ProductGroup(
                        code=sub_code,
                        name=sub_name,
                        name_en=sub_name_en,
                        parent_id=parent.id,
                        criteria_version=version,
                    )
                )
                added += 1
    await session.flush()
    return added
