"""the product list's sort indexes also hold the sellable rule's columns, so a deep page
finds its first key in the index alone (keyset pages, issue 20)

Each of the four sort indexes (name, price, stars, newest) is replaced by one with the same
leading columns followed by is_active, stars and the certificate's dates: a fresh and an
existing database upgrade in place.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 15:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SELLABLE = ["is_active", "stars", "certified_from", "certified_until"]
# (old index, new index, sort columns)
KEYS = [
    ("ix_product_name_id", "ix_product_list_name", ["name"]),
    ("ix_product_price_id", "ix_product_list_price", ["price_vnd"]),
    ("ix_product_stars_id", "ix_product_list_stars", ["stars"]),
    ("ix_product_created_id", "ix_product_list_created", ["created_at"]),
]


def upgrade() -> None:
    for old, new, key in KEYS:
        op.create_index(new, "product", [*key, "id", *(c for c in SELLABLE if c not in key)], unique=False)
        op.drop_index(old, table_name="product")


def downgrade() -> None:
    for old, new, key in KEYS:
        op.create_index(old, "product", [*key, "id"], unique=False)
        op.drop_index(new, table_name="product")
