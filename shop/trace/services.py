"""A trace code names a product or one of its batches; what its page says about it.

The warning is decided from the dates as well as the stored status, so a certificate past
its validity warns even before the daily job has marked it expired.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import product_queries
from shop.catalog.models import Product
from shop.catalog.schemas import CertificateOut, ProductDetail
from shop.catalog.sellability import today
from shop.db import Database, insert_for
from shop.errors import NotFound
from shop.i18n import N_
from shop.inventory import availability
from shop.inventory.models import Batch
from shop.till import vietqr
from shop.trace.models import TraceScan


@dataclass(frozen=True)
class Traced:
    code: str
    product: ProductDetail
    batch: Batch | None
    warning: str | None  # expired | revoked | not_certified | not_yet_valid


def warning_for(certificate: CertificateOut | None, on: dt.date) -> str | None:
    if certificate is None:
        return "not_certified"
    if certificate.status == "revoked":
        return "revoked"
    if certificate.status == "expired" or certificate.valid_until < on:
        return "expired"
    if certificate.valid_from > on:
        return "not_yet_valid"
    if certificate.status != "active" or certificate.stars < 3:
        return "not_certified"
    return None


async def resolve(session: AsyncSession, code: str) -> tuple[int, Batch | None]:
    """The product a code names, and the batch if it is a batch's."""
    code = code.strip().upper()
    product_id = await session.scalar(sa.select(Product.id).where(Product.trace_code == code))
    if product_id is not None:
        return product_id, None
    batch = await session.scalar(sa.select(Batch).where(Batch.trace_code == code))
    if batch is None:
        raise NotFound(
            N_("No product or batch has the trace code {code}."), error_code="trace_not_found", code=code
        )
    return batch.product_id, batch


async def trace(session: AsyncSession, code: str, *, language: str) -> Traced:
    product_id, batch = await resolve(session, code)
    on = today()
    detail = await product_queries.product_detail(
        session, product_id, on=on, language=language, stock=availability
    )
    return Traced(code.strip().upper(), detail, batch, warning_for(detail.certificate, on))


async def scans(session: AsyncSession, code: str) -> int:
    total = await session.scalar(sa.select(sa.func.sum(TraceScan.scans)).where(TraceScan.code == code))
    return int(total or 0)


class ScanCounter:
    """Scans counted in memory and written in one upsert per code at most every
    ``interval`` seconds: a popular QR code scanned by many at once would otherwise queue
    them all on its one counter row. A crash loses at most the last interval's counts."""

    def __init__(self, interval: float = 2.0) -> None:
        self.interval = interval
        self.pending: Counter[str] = Counter()
        self._last = 0.0
        self._flushing = False

    def add(self, code: str) -> int:
        """Count one scan; answers the scans not yet written for the code (this one included)."""
        self.pending[code] += 1
        return self.pending[code]

    def due(self) -> bool:
        return bool(self.pending) and not self._flushing and time.monotonic() - self._last >= self.interval

    async def flush(self, db: Database) -> None:
        if self._flushing or not self.pending:
            return
        self._flushing, self._last = True, time.monotonic()
        taken, self.pending = self.pending, Counter()
        try:
            async with db.write_sessions() as session:
                insert = insert_for(session)(TraceScan)
                for code, n in sorted(taken.items()):  # codes in order: no deadlock between two flushes
                    await session.execute(
                        insert.values(code=code, day=today(), scans=n).on_conflict_do_update(
                            index_elements=["code", "day"], set_={"scans": TraceScan.__table__.c.scans + n}
                        )
                    )
                await session.commit()
        except BaseException:  # cancelled too: the counts are written next time
            self.pending.update(taken)
            raise
        finally:
            self._flushing = False


def link(base_url: str, code: str) -> str:
    return f"{base_url}/t/{code}"


def qr_svg(base_url: str, code: str, *, scale: int = 4) -> str:
    return vietqr.svg(link(base_url, code), scale=scale)


def qr_svg_file(base_url: str, code: str, *, scale: int = 8) -> bytes:
    """A standalone SVG file (with its XML namespace, unlike the inline one)."""
    import segno  # imported here: QR codes are drawn on a few pages only (segno costs about 9 MiB)

    out = io.BytesIO()
    segno.make(link(base_url, code), error="m").save(out, kind="svg", scale=scale, border=2)
    return out.getvalue()


def qr_png(base_url: str, code: str, *, scale: int = 8) -> bytes:
    import segno  # imported here: QR codes are drawn on a few pages only (segno costs about 9 MiB)

    out = io.BytesIO()
    segno.make(link(base_url, code), error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()
