"""``GET /health``: is the app up and can it reach its database."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from litestar import get
from litestar.datastructures import State
from litestar.response import Response

from shop.db import Database


@get("/health", tags=["system"], summary="Health and database status", include_in_schema=True)
async def health(state: State) -> Response[dict[str, Any]]:
    db: Database = state.db
    try:
        async with db.read_sessions() as session:
            await session.execute(sa.text("SELECT 1"))
    except Exception:  # any failure to reach the database is "unavailable", not a crash
        return Response({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return Response({"status": "ok", "database": db.dialect})
