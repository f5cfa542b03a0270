"""a certificate decided before its first day waits as ``scheduled`` (issue 18, item 8)

Until now a renewal whose validity starts later became active at once and superseded the
running certificate, so the product could not be sold until the new start. The status list
only grows, so existing rows stay valid: PostgreSQL swaps the CHECK; SQLite, which cannot
alter a CHECK, has the table's recorded DDL rewritten in place, the procedure SQLite's
documentation gives for changes that leave every stored row valid.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 08:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "'active', 'expired', 'revoked', 'superseded'"
NEW = "'active', 'expired', 'revoked', 'superseded', 'scheduled'"
NAME = "ck_certificate_certificate_status"


def _statuses(old: str, new: str) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "sqlite":
        op.drop_constraint(op.f(NAME), "certificate", type_="check")
        op.create_check_constraint(op.f(NAME), "certificate", f"status IN ({new})")
        return
    sql = conn.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'certificate'"
    ).scalar_one()
    rewritten = sql.replace(f"status IN ({old})", f"status IN ({new})")
    assert rewritten != sql, "the certificate status CHECK was not found"
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    conn.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'certificate'", (rewritten,)
    )
    conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def upgrade() -> None:
    _statuses(OLD, NEW)


def downgrade() -> None:
    # The older list has no place for a waiting certificate: it is kept in the history.
    op.execute("UPDATE certificate SET status = 'superseded' WHERE status = 'scheduled'")
    _statuses(NEW, OLD)
