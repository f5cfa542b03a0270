"""Background work that is due: run by ``ocop jobs run`` (cron) or an in-app scheduler."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates


async def run_due(session: AsyncSession, *, today: dt.date) -> dict[str, int]:
    """Each job is idempotent: running twice changes nothing the second time."""
    return {
        "certificates expired": await certificates.expire_certificates(session, today=today),
    }
