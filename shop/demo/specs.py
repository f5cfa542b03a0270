"""The shapes demo data is written in: producers, their products, certificates, quality marks.

Plain frozen dataclasses so the data modules read like a table and the loader can walk them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shop.catalog.models import ProducerKind, QualityKind


@dataclass(frozen=True)
class CertSpec:
    """One OCOP decision for a product: its stars, date and serial number."""

    stars: int
    decided_on: dt.date
    number: int  # the serial before "/QĐ-…"; 0: the loader numbers it by council session
    valid_from: dt.date | None = None  # when it differs from the decision date


@dataclass(frozen=True)
class QualitySpec:
    """A VietGAP/organic/HACCP… certification shown beside the stars."""

    kind: QualityKind
    issuer: str
    number: str
    valid_from: dt.date
    years: int = 3


@dataclass(frozen=True)
class RevocationSpec:
    """A withdrawal (thu hồi) of the product's newest certificate."""

    on: dt.date
    reason: str
    decision_number: str


@dataclass(frozen=True)
class ProductSpec:
    """A product with its Vietnamese texts (the source) and their English translation."""

    group: str  # a sub-group code of shop.catalog.groups
    name: str
    name_en: str
    unit: str
    pack_size: str
    price_vnd: int
    description: str
    description_en: str
    certs: tuple[CertSpec, ...]
    quality: tuple[QualitySpec, ...] = ()
    shelf_life_days: int | None = None
    gtin: str | None = None
    revocation: RevocationSpec | None = None


@dataclass(frozen=True)
class ProducerSpec:
    """A producer (chủ thể OCOP) and its products; ``place`` is free text, old unit names."""

    code: str
    kind: ProducerKind
    name: str
    tax_code: str
    place: str  # "Côn Minh, Na Rì, Bắc Kạn"
    address: str
    story: str
    products: tuple[ProductSpec, ...]
    phone: str | None = None


def d(year: int, month: int, day: int) -> dt.date:
    """A date, shorter to write in data tables."""
    return dt.date(year, month, day)


def gtin13(body12: str) -> str:
    """A GTIN-13 from its first twelve digits (GS1 check digit appended)."""
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)
