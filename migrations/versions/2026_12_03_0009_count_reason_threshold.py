"""the value of a count difference above which a location asks for a reason

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('count_reason_over_vnd', sa.BigInteger(), server_default='500000', nullable=False)
        )
        batch_op.create_check_constraint(
            op.f('ck_location_count_reason_threshold_not_negative'), 'count_reason_over_vnd >= 0'
        )


def downgrade() -> None:
    with op.batch_alter_table('location', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_location_count_reason_threshold_not_negative'), type_='check')
        batch_op.drop_column('count_reason_over_vnd')
