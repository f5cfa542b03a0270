"""Parameter types every API and page shares: an id is bounded to the database's integer,
so an out-of-range id is a 400 naming the parameter, never an overflow in the database."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

MAX_ID = 2_147_483_647  # the largest INTEGER both databases store

Id = Annotated[int, Parameter(ge=1, le=MAX_ID)]
OptionalId = Annotated[int | None, Parameter(ge=1, le=MAX_ID)]
