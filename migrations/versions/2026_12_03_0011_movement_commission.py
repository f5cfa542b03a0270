"""the commission a movement's units moved under (stock_movement.commission_bp)

A statement prices a consigned sale under the terms it was made under: the ledger row keeps
the level's commission as it was. Rows written before this migration have none; statements
read their level's rate for them, as before. A plain ADD COLUMN (no table copy on SQLite),
so the append-only triggers on ``stock_movement`` stay in place.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("stock_movement", sa.Column("commission_bp", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("stock_movement", "commission_bp")
