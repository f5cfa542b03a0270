"""Every table, imported in one place so Alembic and the admin see the whole schema."""

from shop.accounts.models import (
    Account,
    AccountLocation,
    AuthToken,
    LoginFailure,
    PiccoloSession,
    PiccoloUser,
    RecoveryCode,
    SecondFactor,
)
from shop.catalog.models import (
    Certificate,
    FailedEvaluation,
    Producer,
    Product,
    ProductGroup,
    ProductImage,
    ProductTranslation,
    QualityCertification,
)
from shop.db import Base
from shop.geo.models import Area, Place
from shop.inventory.documents.models import (
    ProducerReturn,
    Receipt,
    ReceiptLine,
    StockCount,
    StockCountLine,
    Transfer,
    TransferItem,
    TransferLine,
    WriteOff,
)
from shop.inventory.models import Batch, Location, Movement, StockLevel, StockThreshold
from shop.mail.models import OutgoingEmail
from shop.media.models import StoredImage
from shop.orders.cart_models import Cart, CartLine, ShippingRate
from shop.orders.models import Fulfilment, Order, OrderEvent, OrderHold, OrderLine
from shop.payments.models import Payment, PaymentRefund, WebhookEvent
from shop.settlement.models import Statement, StatementLine
from shop.storefront.models import CurrencyRate
from shop.till.models import (
    Clearance,
    Counter,
    Refund,
    ReturnLine,
    Sale,
    SaleLine,
    SalePayment,
    SaleReturn,
    Shift,
)
from shop.trace.models import TraceScan

__all__ = [
    "Account",
    "AccountLocation",
    "Area",
    "AuthToken",
    "Base",
    "Batch",
    "Cart",
    "CartLine",
    "Certificate",
    "Clearance",
    "Counter",
    "CurrencyRate",
    "FailedEvaluation",
    "Fulfilment",
    "Location",
    "LoginFailure",
    "Movement",
    "Order",
    "OrderEvent",
    "OrderHold",
    "OrderLine",
    "OutgoingEmail",
    "Payment",
    "PaymentRefund",
    "PiccoloSession",
    "PiccoloUser",
    "Place",
    "Producer",
    "ProducerReturn",
    "Product",
    "ProductGroup",
    "ProductImage",
    "ProductTranslation",
    "QualityCertification",
    "Receipt",
    "ReceiptLine",
    "RecoveryCode",
    "Refund",
    "ReturnLine",
    "Sale",
    "SaleLine",
    "SalePayment",
    "SaleReturn",
    "SecondFactor",
    "Shift",
    "ShippingRate",
    "Statement",
    "StatementLine",
    "StockCount",
    "StockCountLine",
    "StockLevel",
    "StockThreshold",
    "StoredImage",
    "TraceScan",
    "Transfer",
    "TransferItem",
    "TransferLine",
    "WebhookEvent",
    "WriteOff",
]
