"""Viettel SInvoice over its REST API (httpx).

The calls, as Viettel documents them and Odoo's ``l10n_vn_edi_viettel`` uses them:

- ``POST {auth_url}`` ``{"username", "password"}`` → ``access_token`` (sent back as a cookie).
- ``POST InvoiceAPI/InvoiceWS/createInvoice/{supplierTaxCode}`` with ``generalInvoiceInfo``
  (template, series, ``transactionUuid``, ``adjustmentType`` 1 original / 5 adjustment),
  ``buyerInfo``, ``sellerInfo``, ``payments``, ``itemInfo``, ``taxBreakdowns``,
  ``summarizeInfo`` → ``result.invoiceNo``, ``result.reservationCode`` (the lookup code).
- ``POST InvoiceAPI/InvoiceWS/searchInvoiceByTransactionUuid`` (form parameters) →
  ``result[0]``, or the error ``NOT_FOUND_DATA``: how a timeout is resolved.
- ``POST InvoiceAPI/InvoiceUtilsWS/getInvoiceRepresentationFile`` → base64 ``fileToBytes``.
- ``POST InvoiceAPI/InvoiceWS/cancelTransactionInvoice`` (form parameters).

Dates travel as milliseconds since the epoch. An answer with ``code``/``error``/``errorCode``
is a refusal; a timeout, a connection error or a 5xx is "unavailable". An expired token
(401, or Viettel's 500 ``GENERAL``) is renewed once.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shop.invoices.drafts import Draft, Issued, Original, PaymentKind, Seller, split_tax
from shop.invoices.providers.base import DuplicateTransaction, ProviderRefused, ProviderUnavailable

API_URL = "https://api-vinvoice.viettel.vn/services/einvoiceapplication/api/"
AUTH_URL = "https://api-vinvoice.viettel.vn/auth/login"
# Viettel's public page where a buyer looks an invoice up with its code (OCOP_SINVOICE_LOOKUP_URL).
LOOKUP_URL = "https://vinvoice.viettel.vn/utilities/invoice-search"
TIMEOUT = 60.0  # Viettel recommends 60 to 90 seconds
NOT_FOUND = "NOT_FOUND_DATA"
# Error codes that mean "this transactionUuid was used already".
DUPLICATE_CODES = frozenset(
    {"TRANSACTION_UUID_INVALID", "TRANSACTION_UUID_EXISTED", "DUPLICATE_TRANSACTION_UUID"}
)
NO_TAX = -2  # SInvoice's taxPercentage for goods not subject to VAT

if TYPE_CHECKING:  # httpx is imported by the adapter itself: with rich and pygments about 5 MiB
    import httpx


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str
    api_url: str = API_URL
    auth_url: str = AUTH_URL
    timeout: float = TIMEOUT

    @classmethod
    def from_env(cls, env: Mapping[str, str], tax_code: str) -> Credentials | None:
        """``OCOP_SINVOICE_USERNAME_<tax code>`` (a seller's own account) or ``OCOP_SINVOICE_USERNAME``."""
        suffix = tax_code.replace("-", "_")
        username = env.get(f"OCOP_SINVOICE_USERNAME_{suffix}") or env.get("OCOP_SINVOICE_USERNAME")
        password = env.get(f"OCOP_SINVOICE_PASSWORD_{suffix}") or env.get("OCOP_SINVOICE_PASSWORD")
        if not username or not password:
            return None
        api_url = env.get("OCOP_SINVOICE_API_URL") or API_URL
        return cls(
            username=username,
            password=password,
            api_url=api_url if api_url.endswith("/") else api_url + "/",
            auth_url=env.get("OCOP_SINVOICE_AUTH_URL") or AUTH_URL,
            timeout=float(env.get("OCOP_SINVOICE_TIMEOUT") or TIMEOUT),
        )


def millis(when: dt.datetime) -> int:
    return int(when.timestamp()) * 1000


def from_millis(value: Any, default: dt.datetime) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC)
    except (TypeError, ValueError):
        return default


def _error_code(answer: Mapping[str, Any]) -> str | None:
    """The error an answer carries, if any (SInvoice uses several shapes)."""
    for key in ("errorCode", "code", "error"):
        if answer.get(key):
            detail = answer.get("description") or answer.get("data") or answer.get("message") or ""
            return f"{answer[key]}: {detail}".strip(": ")
    return None


class ViettelSInvoice:
    """One SInvoice account (a login shared by its sellers' calls within one run)."""

    def __init__(
        self, credentials: Credentials, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        import httpx  # imported here: only a seller with SInvoice credentials needs it

        self.credentials = credentials
        self._client = httpx.AsyncClient(timeout=credentials.timeout, transport=transport)
        self._token: str | None = None

    async def close(self) -> None:
        await self._client.aclose()

    # -- the interface -------------------------------------------------------------------

    async def issue(self, draft: Draft) -> Issued:
        path = f"InvoiceAPI/InvoiceWS/createInvoice/{draft.seller.tax_code}"
        answer = await self._call(path, json=invoice_json(draft))
        if (error := _error_code(answer)) is not None:
            if error.split(":")[0] in DUPLICATE_CODES:
                raise DuplicateTransaction(error)
            raise ProviderRefused(error)
        return _issued(answer.get("result") or {}, draft.issued_at)

    async def find(self, seller: Seller, transaction_uuid: uuid.UUID) -> Issued | None:
        params = {"supplierTaxCode": seller.tax_code, "transactionUuid": str(transaction_uuid)}
        answer = await self._call("InvoiceAPI/InvoiceWS/searchInvoiceByTransactionUuid", params=params)
        error = _error_code(answer)
        if error is not None and NOT_FOUND in error:
            return None
        if error is not None:
            raise ProviderRefused(error)
        found = answer.get("result") or []
        if not found or not found[0].get("invoiceNo"):
            return None
        return _issued(found[0], dt.datetime.now(dt.UTC))

    async def cancel(self, seller: Seller, invoice: Original, reason: str) -> None:
        params = {
            "supplierTaxCode": seller.tax_code,
            "templateCode": invoice.template_code,
            "invoiceNo": invoice.invoice_no,
            "strIssueDate": str(millis(invoice.issued_at)),
            "additionalReferenceDesc": reason[:255],
            "additionalReferenceDate": str(millis(dt.datetime.now(dt.UTC))),
            "reasonDelete": reason[:255],
        }
        answer = await self._call("InvoiceAPI/InvoiceWS/cancelTransactionInvoice", params=params)
        if (error := _error_code(answer)) is not None:
            raise ProviderRefused(error)

    async def pdf(self, seller: Seller, invoice: Original) -> bytes:
        body = {
            "supplierTaxCode": seller.tax_code,
            "templateCode": invoice.template_code,
            "invoiceNo": invoice.invoice_no,
            "fileType": "PDF",
        }
        answer = await self._call("InvoiceAPI/InvoiceUtilsWS/getInvoiceRepresentationFile", json=body)
        if (error := _error_code(answer)) is not None:
            raise ProviderRefused(error)
        if not answer.get("fileToBytes"):
            raise ProviderUnavailable("the PDF is not ready yet")
        return base64.b64decode(answer["fileToBytes"])

    # -- HTTP ----------------------------------------------------------------------------

    async def _login(self) -> str:
        import httpx  # loaded already by __init__

        body = {"username": self.credentials.username, "password": self.credentials.password}
        try:
            response = await self._client.post(self.credentials.auth_url, json=body)
        except httpx.HTTPError as failure:
            raise ProviderUnavailable(f"login: {type(failure).__name__}") from failure
        if response.status_code >= 500:
            raise ProviderUnavailable(f"login: HTTP {response.status_code}")
        answer = _json(response)
        token = answer.get("access_token")
        if response.status_code >= 400 or not token:
            raise ProviderRefused(f"login refused: {_error_code(answer) or response.status_code}")
        self._token = str(token)
        return self._token

    async def _call(
        self, path: str, *, json: Any = None, params: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        import httpx  # loaded already by __init__

        for attempt in (1, 2):
            token = self._token or await self._login()
            # SInvoice reads the token from a cookie (set per request: each account its own).
            headers = {"Cookie": f"access_token={token}"}
            kwargs: dict[str, Any] = {"headers": headers}
            if json is not None:
                kwargs["json"] = json
            else:
                kwargs["params"] = params
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            try:
                response = await self._client.post(self.credentials.api_url + path, **kwargs)
            except httpx.HTTPError as failure:
                raise ProviderUnavailable(f"{path.rsplit('/', 1)[-1]}: {type(failure).__name__}") from failure
            answer = _json(response)
            expired = response.status_code == 401 or (
                response.status_code == 500 and answer.get("message") == "GENERAL"
            )
            if expired and attempt == 1:
                self._token = None
                continue
            if response.status_code >= 500 or response.status_code == 429:
                raise ProviderUnavailable(f"HTTP {response.status_code}: {_error_code(answer) or ''}")
            if response.status_code >= 400 and _error_code(answer) is None:
                answer = {"code": response.status_code, "message": response.text[:200]}
            return answer
        raise ProviderRefused("the provider refused a fresh token")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _issued(result: Mapping[str, Any], when: dt.datetime) -> Issued:
    number = result.get("invoiceNo")
    if not number:
        raise ProviderUnavailable("the provider answered without an invoice number")
    return Issued(
        invoice_no=str(number),
        lookup_code=result.get("reservationCode") or None,
        issued_at=from_millis(result.get("issueDate"), when),
        tax_authority_code=result.get("codeOfTax") or None,
    )


def invoice_json(draft: Draft) -> dict[str, Any]:
    """The createInvoice body for ``draft``."""
    seller, vat = draft.seller, draft.seller.vat_percent
    general: dict[str, Any] = {
        "transactionUuid": str(draft.transaction_uuid),
        "invoiceType": draft.seller.template_code.split("/")[0],
        "templateCode": seller.template_code,
        "invoiceSeries": seller.series,
        "invoiceIssuedDate": millis(draft.issued_at),
        "currencyCode": "VND",
        "adjustmentType": "1",
        "paymentStatus": True,
        "cusGetInvoiceRight": True,
    }
    if draft.original is not None:
        general |= {
            "adjustmentType": "5",
            "adjustmentInvoiceType": "1",  # a money adjustment (goods returned)
            "originalInvoiceId": draft.original.invoice_no,
            "originalInvoiceIssueDate": millis(draft.original.issued_at),
            "originalTemplateCode": draft.original.template_code,
            "additionalReferenceDesc": draft.reason[:255] or "Hàng trả lại",
            "additionalReferenceDate": millis(draft.issued_at),
        }
    buyer = draft.buyer
    items, before_total, tax_total = [], 0, 0
    for i, line in enumerate(draft.lines, start=1):
        before, tax = split_tax(line.total_vnd, vat)
        before_total, tax_total = before_total + before, tax_total + tax
        item: dict[str, Any] = {
            "lineNumber": i,
            "selection": 1,
            "itemCode": line.code,
            "itemName": line.name[:500],
            "unitName": line.unit,
            "quantity": line.quantity,
            "unitPrice": split_tax(line.unit_price_vnd, vat)[0],
            "discount": 0,
            "itemTotalAmountWithoutTax": before,
            "taxPercentage": NO_TAX if vat is None else vat,
            "taxAmount": tax,
            "itemTotalAmountAfterDiscount": before,
            "itemTotalAmountWithTax": line.total_vnd,
        }
        if draft.original is not None:
            item |= {"isIncreaseItem": False, "adjustmentTaxAmount": tax}
        items.append(item)
    increase = draft.original is None
    return {
        "generalInvoiceInfo": general,
        "buyerInfo": {
            "buyerName": buyer.name or "Khách lẻ",
            "buyerLegalName": buyer.name or "",
            "buyerTaxCode": buyer.tax_code or "",
            "buyerAddressLine": buyer.address or "",
            "buyerEmail": buyer.email or "",
            "buyerNotGetInvoice": 1 if buyer.anonymous else 0,
        },
        "sellerInfo": {
            "sellerLegalName": seller.name,
            "sellerTaxCode": seller.tax_code,
            "sellerAddressLine": seller.address,
        },
        "payments": [{"paymentMethodName": draft.payment.value}],
        "itemInfo": items,
        "taxBreakdowns": [
            {
                "taxPercentage": NO_TAX if vat is None else vat,
                "taxableAmount": before_total,
                "taxAmount": tax_total,
                "taxableAmountPos": increase,
                "taxAmountPos": increase,
            }
        ],
        "summarizeInfo": {
            "sumOfTotalLineAmountWithoutTax": before_total,
            "totalAmountWithoutTax": before_total,
            "totalTaxAmount": tax_total,
            "totalAmountWithTax": draft.total_vnd,
            "discountAmount": 0,
            "isTotalAmountPos": increase,
            "isTotalTaxAmountPos": increase,
            "isTotalAmtWithoutTaxPos": increase,
        },
    }


__all__ = ["Credentials", "PaymentKind", "ViettelSInvoice", "invoice_json"]
