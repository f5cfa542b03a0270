"""Every table, imported in one place so Alembic and the admin see the whole schema."""

from shop.accounts.models import (
    Account,
    AccountLocation,
    AuthToken,
    LoginFailure,
    PiccoloSession,
    PiccoloUser,
)
from shop.catalog.models import (
    Certificate,
    Producer,
    Product,
    ProductGroup,
    ProductTranslation,
    QualityCertification,
)
from shop.db import Base
from shop.geo.models import Area, Place
from shop.inventory.models import Location

__all__ = [
    "Account",
    "AccountLocation",
    "Area",
    "AuthToken",
    "Base",
    "Certificate",
    "Location",
    "LoginFailure",
    "PiccoloSession",
    "PiccoloUser",
    "Place",
    "Producer",
    "Product",
    "ProductGroup",
    "ProductTranslation",
    "QualityCertification",
]
