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
from shop.evaluation.models.registrations import DossierAnswer, EvaluationRound, Registration
from shop.evaluation.models.results import DecisionLine, EvaluationDecision, EvaluationResult
from shop.evaluation.models.scoring import Council, CouncilAssignment, CouncilMember, ScoreLine, ScoreSheet
from shop.evaluation.models.sheets import CriteriaSheet, Criterion, CriterionOption
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
from shop.invoices.models import Invoice, InvoiceSeller
from shop.mail.models import OutgoingEmail
from shop.media.models import StoredImage
from shop.orders.cart_models import Cart, CartLine, ShippingRate
from shop.orders.models import Fulfilment, Order, OrderEvent, OrderHold, OrderLine
from shop.payments.bank.models import BankCredit
from shop.payments.models import Payment, PaymentRefund, WebhookEvent
from shop.programme.models import Plan, PlanTarget, TargetRecord
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
    "BankCredit",
    "Base",
    "Batch",
    "Cart",
    "CartLine",
    "Certificate",
    "Clearance",
    "Council",
    "CouncilAssignment",
    "CouncilMember",
    "Counter",
    "CriteriaSheet",
    "Criterion",
    "CriterionOption",
    "CurrencyRate",
    "DecisionLine",
    "DossierAnswer",
    "EvaluationDecision",
    "EvaluationResult",
    "EvaluationRound",
    "FailedEvaluation",
    "Fulfilment",
    "Invoice",
    "InvoiceSeller",
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
    "Plan",
    "PlanTarget",
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
    "Registration",
    "ReturnLine",
    "Sale",
    "SaleLine",
    "SalePayment",
    "SaleReturn",
    "ScoreLine",
    "ScoreSheet",
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
    "TargetRecord",
    "TraceScan",
    "Transfer",
    "TransferItem",
    "TransferLine",
    "WebhookEvent",
    "WriteOff",
]
