"""What the trace API answers."""

from __future__ import annotations

import datetime as dt

import msgspec

from shop.catalog.schemas import ProductDetail


class BatchOut(msgspec.Struct):
    code: str | None
    produced_on: dt.date | None
    expires_on: dt.date | None


class TraceOut(msgspec.Struct):
    code: str
    kind: str  # product | batch
    url: str  # what the QR code holds
    warning: str | None  # expired | revoked | not_certified | not_yet_valid; None: certified now
    product: ProductDetail
    batch: BatchOut | None
    scans: int
