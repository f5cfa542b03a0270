"""a product's search text holds its folded words between single spaces (punctuation
dropped), so that the storefront's search can match a word's start

"mật ong" (honey) listed the aromatic wax gourd first: "mat" is inside "aromatic" and "ong"
inside "nong". The search now matches a Latin word at a word's start (after a space), so
"turmeric-honey" must read "turmeric honey". The text is already folded: splitting it at
what is not a letter or a digit, as ``shop.text.search_terms`` does, gives the new text.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 17:10:00
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NON_LETTER = re.compile(r"[\W_]+")  # shop.text's, copied: a migration keeps its meaning
_BATCH = 2_000
product = sa.table("product", sa.column("id", sa.Integer), sa.column("search_text", sa.String))


def upgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(product.c.id, product.c.search_text).order_by(product.c.id)).all()
    changed = []
    for product_id, text in rows:
        words = " ".join(word for word in _NON_LETTER.split(text or "") if word)
        if words != text:
            changed.append({"pid": product_id, "text": words})
    update = product.update().where(product.c.id == sa.bindparam("pid")).values(search_text=sa.bindparam("text"))
    for start in range(0, len(changed), _BATCH):
        connection.execute(update, changed[start : start + _BATCH])


def downgrade() -> None:
    """Nothing to undo: words between spaces are matched by the substring search as well."""
