"""Helpers for status vocabularies stored as text with a CHECK (never native enums)."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


def enum_column(enum: type[StrEnum], name: str, length: int = 24) -> sa.Enum:
    """Text column + CHECK: the admin's filters break on native PostgreSQL enums."""
    return sa.Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
    )
