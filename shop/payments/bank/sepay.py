"""SePay's webhook (developer.sepay.vn/vi/sepay-webhooks): one POST per transaction on a
linked account, JSON of this shape::

    {"id": 92704, "gateway": "Vietcombank", "transactionDate": "2023-03-25 14:02:37",
     "accountNumber": "0123499999", "code": null, "content": "OC000123 chuyen tien",
     "transferType": "in", "transferAmount": 2277000, "accumulated": 19077000,
     "subAccount": null, "referenceCode": "MBVCB.3278907687", "description": "…"}

``transactionDate`` is the bank's time in Vietnam, without an offset. SePay authenticates each
request with the API key chosen for the webhook (``Authorization: Apikey <key>``) or, when
HMAC-SHA256 is chosen, signs ``"{X-SePay-Timestamp}.{raw body}"`` with the webhook's secret
into ``X-SePay-Signature: sha256=<hex>``, the timestamp in Unix seconds; SePay asks that a
timestamp more than 5 minutes off be refused (a replay). It retries a delivery that does not
answer 2xx up to 7 times over about 33 minutes, so the same ``id`` can come more than once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Annotated

import msgspec

from shop.catalog.sellability import VIETNAM
from shop.payments.bank.credits import IncomingCredit
from shop.payments.bank.models import CreditSource

# SePay refuses timestamps further off than this (its security page says 5 minutes).
MAX_SKEW_SECONDS = 5 * 60
# Far above any transfer, well inside the 64-bit columns amounts are kept in.
MAX_AMOUNT = 1_000_000_000_000


class Malformed(ValueError):
    """The body is not a SePay notification we can read; the message says why (English)."""


Text = Annotated[str, msgspec.Meta(max_length=5000)]


class Notification(msgspec.Struct, rename="camel"):
    """The fields we read (SePay may add others: ignored)."""

    id: int | Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    transaction_date: Annotated[str, msgspec.Meta(max_length=40)]
    transfer_type: Annotated[str, msgspec.Meta(max_length=10)]
    transfer_amount: float  # whole đồng; JSON integers decode into it exactly
    content: Text | None = None
    gateway: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    account_number: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    code: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    accumulated: float | None = None
    sub_account: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    reference_code: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    description: Text | None = None


def authentic(
    headers: Mapping[str, str],
    body: bytes,
    *,
    api_key: str | None,
    secret: str | None,
    now: float | None = None,
) -> bool:
    """Whether the request comes from SePay: its API key, or its signature over the body
    with a fresh timestamp. Either method configured here is enough."""
    if api_key:
        given = headers.get("authorization", "")
        scheme, _, value = given.partition(" ")
        if scheme.lower() == "apikey" and hmac.compare_digest(value.strip().encode(), api_key.encode()):
            return True
    if secret:
        signature = headers.get("x-sepay-signature", "").strip()
        stamp = headers.get("x-sepay-timestamp", "").strip()
        if not (signature and stamp.isdigit() and len(stamp) <= 12):
            return False
        if abs((time.time() if now is None else now) - int(stamp)) > MAX_SKEW_SECONDS:
            return False
        digest = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        given_digest = signature.removeprefix("sha256=").strip().lower()
        return hmac.compare_digest(given_digest.encode(), digest.encode())
    return False


def sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """The headers SePay sends with a signed notification (tests and the README's example)."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-SePay-Signature": f"sha256={digest}", "X-SePay-Timestamp": str(timestamp)}


def _clean(text: str | None, length: int) -> str | None:
    text = " ".join((text or "").split())
    return text[:length] or None


def _when(text: str) -> dt.datetime:
    """``transactionDate``: Vietnam's time as "YYYY-MM-DD HH:MM:SS" (an ISO time with an
    offset is taken as it says)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise Malformed(f"transactionDate {text!r} is not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VIETNAM)
    return moment.astimezone(dt.UTC)


def parse(body: bytes) -> IncomingCredit | None:
    """The credit the notification reports; None for money going out (not ours to match).
    Raises :class:`Malformed` for a body of another shape."""
    try:
        note = msgspec.json.decode(body, type=Notification)
    except msgspec.MsgspecError as bad:
        raise Malformed(str(bad)) from None
    kind = note.transfer_type.strip().lower()
    if kind == "out":
        return None
    if kind != "in":
        raise Malformed(f"transferType {note.transfer_type!r} is neither 'in' nor 'out'")
    if not note.transfer_amount.is_integer():
        raise Malformed("transferAmount is not a whole number of đồng")
    amount = int(note.transfer_amount)
    if not 0 < amount <= MAX_AMOUNT:
        raise Malformed("transferAmount must be a positive number of đồng")
    transaction_id = str(note.id).strip()
    if not transaction_id:
        raise Malformed("id is empty")
    content = _clean(note.content, 1000) or _clean(note.description, 1000) or ""
    return IncomingCredit(
        source=CreditSource.sepay,
        transaction_id=transaction_id,
        amount_vnd=amount,
        content=content,
        transacted_at=_when(note.transaction_date),
        account_number=_clean(note.account_number, 40),
        sub_account=_clean(note.sub_account, 40),
        bank=_clean(note.gateway, 60),
        code=_clean(note.code, 60),
        bank_reference=_clean(note.reference_code, 100),
        payload=body.decode("utf-8", "replace")[:20_000],
    )
