"""What the admin needs to know about one table (AdminTable) and the menu groups that several
of the config_* modules share. The tables themselves are listed by domain in those modules and
assembled in order by admin.config.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AdminTable:
    table: str
    columns: tuple[str, ...]  # mapped besides the primary key; anything else stays hidden
    readable: str | None = None  # shown for foreign keys pointing here
    group: str = "Danh mục"
    editable: bool = True
    # Foreign keys shown as plain integers (targets too large to list in a dropdown).
    integer_fks: frozenset[str] = field(default_factory=frozenset)

    def fk_as_integer(self, column: str) -> bool:
        return column in self.integer_fks


# Menu groups (the admin shows each table under its group).
STOCK = "Kho hàng"
TILL = "Bán hàng tại quầy"
ONLINE = "Bán hàng trực tuyến"
SETTLEMENT = "Đối soát"
