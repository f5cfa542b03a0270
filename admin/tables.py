"""Piccolo ``Table`` classes generated from the SQLAlchemy metadata, so the two cannot drift.

Only the columns a table's config allows are mapped (a new model column does not appear in the
admin by accident). Types follow the portable column types in ``shop.db_types``; every mapped
NOT NULL column gets a Piccolo default because Piccolo inserts every column it maps, so the
database's server defaults would never apply.
"""

from __future__ import annotations

import enum
from typing import Any

import sqlalchemy as sa
from piccolo import columns as pc
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.table import Table, create_table_class

from admin.admin_table import AdminTable
from admin.labels import column_help
from admin.labels_tables import TABLE_HELP
from shop.db_types import PortableUUID, UTCDateTime

_ON_DELETE = {
    "CASCADE": pc.OnDelete.cascade,
    "SET NULL": pc.OnDelete.set_null,
    "RESTRICT": pc.OnDelete.restrict,
    None: pc.OnDelete.no_action,
}


def _enum_class(column: sa.Column[Any]) -> type[enum.Enum] | None:
    enum_class = getattr(column.type, "enum_class", None)
    return enum_class if isinstance(enum_class, type) and issubclass(enum_class, enum.Enum) else None


def _number(column_class: type[pc.Column]) -> Any:
    def build(column: sa.Column[Any], null: bool) -> pc.Column:
        return column_class(null=True, default=None) if null else column_class(default=0)

    return build


def _boolean(column: sa.Column[Any], null: bool) -> pc.Column:
    default = getattr(column.default, "arg", False)
    return pc.Boolean(null=null, default=None if null else bool(default))


def _timestamptz(_column: sa.Column[Any], null: bool) -> pc.Column:
    return pc.Timestamptz(null=True, default=None) if null else pc.Timestamptz(default=TimestamptzNow())


def _nullable(null: bool) -> dict[str, Any]:
    """Nullable columns need an explicit None default, else Piccolo writes '' or '{}'."""
    return {"null": True, "default": None} if null else {"null": False}


def _simple(column_class: type[pc.Column]) -> Any:
    def build(_column: sa.Column[Any], null: bool) -> pc.Column:
        return column_class(**_nullable(null))

    return build


def _text(column: sa.Column[Any], null: bool) -> pc.Column:
    if isinstance(column.type, sa.Text):
        return pc.Text(**_nullable(null))
    return pc.Varchar(length=getattr(column.type, "length", None) or 255, **_nullable(null))


def _choice(column: sa.Column[Any], null: bool) -> pc.Column:
    choices = _enum_class(column)
    default = None if null or choices is None else next(iter(choices))
    length = getattr(column.type, "length", None) or 24
    return pc.Varchar(length=length, choices=choices, null=null, default=default)


def _numeric(column: sa.Column[Any], null: bool) -> pc.Column:
    digits = (column.type.precision or 14, column.type.scale or 4)  # type: ignore[attr-defined]
    return pc.Numeric(digits=digits, **_nullable(null))


# Most specific first: Enum is a String, BigInteger an Integer, UTCDateTime a TypeDecorator.
_BUILDERS: list[tuple[type[Any], Any]] = [
    (sa.Enum, _choice),
    (UTCDateTime, _timestamptz),
    (PortableUUID, _simple(pc.UUID)),
    (sa.DateTime, _simple(pc.Timestamp)),
    (sa.Date, _simple(pc.Date)),
    (sa.Boolean, _boolean),
    (sa.BigInteger, _number(pc.BigInt)),
    (sa.SmallInteger, _number(pc.SmallInt)),
    (sa.Integer, _number(pc.Integer)),
    (sa.Numeric, _numeric),
    (sa.String, _text),
]


def _plain_column(column: sa.Column[Any]) -> pc.Column:
    """The Piccolo column for a non-key SQLAlchemy column; unknown types fail at start-up."""
    for sa_type, build in _BUILDERS:
        if isinstance(column.type, sa_type):
            built: pc.Column = build(column, bool(column.nullable))
            return built
    raise TypeError(f"no admin mapping for {column.table.name}.{column.name} ({column.type!r})")


def _primary_key(column: sa.Column[Any]) -> pc.Column:
    if isinstance(column.type, PortableUUID):
        return pc.UUID(primary_key=True)
    if isinstance(column.type, sa.BigInteger):
        return pc.BigSerial(primary_key=True)
    return pc.Serial(primary_key=True)


def _single_key(column: sa.Column[Any]) -> sa.ForeignKey:
    """The column's own foreign key; a composite key (that only adds a consistency rule) or,
    failing that, the one whose target is a primary key."""
    keys = sorted(column.foreign_keys, key=lambda fk: len(fk.constraint.elements) if fk.constraint else 1)
    for fk in keys:
        if fk.column.primary_key:
            return fk
    raise TypeError(f"{column.table.name}.{column.name} has no foreign key to a primary key")


def _foreign_key(column: sa.Column[Any], tables: dict[str, type[Table]]) -> pc.Column:
    fk = _single_key(column)
    target = fk.column.table.name
    if target != column.table.name and target not in tables:
        raise TypeError(f"{column.table.name}.{column.name} refers to {target}, not in the admin")
    options: dict[str, Any] = {
        "null": bool(column.nullable),
        "on_delete": _ON_DELETE.get(fk.ondelete, pc.OnDelete.no_action),
    }
    if column.nullable:
        options["default"] = None
    # A table pointing at itself (sub-groups) is written "self" in Piccolo.
    references: Any = "self" if target == column.table.name else tables[target]
    key: pc.Column = pc.ForeignKey(references=references, **options)
    return key


def _members(table: sa.Table, config: AdminTable, tables: dict[str, type[Table]]) -> dict[str, Any]:
    members: dict[str, Any] = {}
    for name in ("id", *config.columns):
        column = table.columns[name]
        if column.primary_key:
            members[name] = _primary_key(column)
        elif column.foreign_keys and not config.fk_as_integer(name):
            members[name] = _foreign_key(column, tables)
        else:
            members[name] = _plain_column(column)
        # Shown beside the field's label: what the column means, in Vietnamese.
        members[name]._meta.help_text = column_help(table.name, name)
    if config.readable:
        readable = Readable(template="%s", columns=[members[config.readable]])
        members["get_readable"] = classmethod(lambda cls: readable)
    return members


def generate_tables(
    metadata: sa.MetaData, configs: list[AdminTable], base_tables: dict[str, type[Table]]
) -> dict[str, type[Table]]:
    """Piccolo classes for ``configs`` in foreign-key order; ``base_tables`` are given as is."""
    tables = dict(base_tables)
    wanted = {c.table: c for c in configs}
    for table in metadata.sorted_tables:
        config = wanted.get(table.name)
        if config is None or table.name in tables:
            continue
        class_name = "".join(part.title() for part in table.name.split("_"))
        tables[table.name] = create_table_class(
            class_name=class_name,
            class_kwargs={"tablename": table.name, "help_text": TABLE_HELP.get(table.name)},
            class_members=_members(table, config, tables),
        )
    return tables
