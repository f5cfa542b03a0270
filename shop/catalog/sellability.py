"""The one rule deciding whether a product may be sold as OCOP on a given day.

A product is sellable while it has an active certificate of 3★ or more whose validity covers
the day. ``is_sellable`` states the rule on a certificate. Products carry a copy of their
active certificate's stars and dates (kept by ``certificates.sync_products``) so the catalog
can filter and sort one table; ``sellable_product_clause`` is the same rule on that copy.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.sql.elements import ColumnElement

from shop.catalog.models import Certificate, CertificateStatus, Product

MIN_STARS = 3
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def today() -> dt.date:
    """Certificates run by Vietnamese calendar days."""
    return dt.datetime.now(VIETNAM).date()


def is_sellable(certificate: Certificate | None, on: dt.date) -> bool:
    """An active certificate of 3★ or more whose validity covers ``on``."""
    return (
        certificate is not None
        and certificate.status == CertificateStatus.active
        and certificate.stars >= MIN_STARS
        and certificate.valid_from <= on <= certificate.valid_until
    )


def product_is_sellable(product: Product, on: dt.date) -> bool:
    """The rule above, read from the product's copy of its active certificate."""
    return bool(
        product.is_active
        and product.stars is not None
        and product.stars >= MIN_STARS
        and product.certified_from is not None
        and product.certified_until is not None
        and product.certified_from <= on <= product.certified_until
    )


def sellable_product_clause(on: dt.date | sa.BindParameter[dt.date]) -> ColumnElement[bool]:
    """``product_is_sellable`` as SQL."""
    return sa.and_(
        Product.is_active.is_(True),
        Product.stars >= MIN_STARS,
        Product.certified_from <= on,
        Product.certified_until >= on,
    )
