"""Bank transfers confirmed by themselves: SePay's webhook, called over HTTP as SePay calls it.

An exact transfer pays an online order (its fulfilments go to the cooperatives) or a till sale,
once per SePay transaction id; anything else waits in the office's list, which attaches it to
an order or a receipt, or sets it aside with a note. A till's transfer that arrives before its
sale is matched when the sale is recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from shop.orders.models import Order, OrderEvent
from shop.payments.bank import sepay
from shop.payments.bank.models import BankCredit
from shop.payments.models import Payment
from shop.settings import Settings
from shop.till import vietqr
from tests import factories
from tests.inventory.test_pos_pages import _token, login
from tests.storefront.conftest import Shop
from tests.storefront.support import cart_with, checkout_body

API_KEY = "sepay-test-key-0123456789"
SECRET = "sepay-test-secret-abcdef"
OFFICE_ACCOUNT = "1234567890123"  # the storefront tests' office account
TILL_ACCOUNT = "8838701180001"
WEBHOOK = "/api/v1/payments/sepay/webhook"
_ids = iter(range(700_000, 800_000))


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, sepay_api_key=API_KEY, sepay_webhook_secret=SECRET)


def body(
    amount: int | float, content: str, *, tx: int | None = None, account: str = OFFICE_ACCOUNT, **extra: Any
) -> bytes:
    """A notification as SePay's documentation shows it (id, gateway, transactionDate, …)."""
    tx = next(_ids) if tx is None else tx
    fields = {
        "id": tx,
        "gateway": "Agribank",
        "transactionDate": "2026-12-04 20:15:09",
        "accountNumber": account,
        "code": None,
        "content": content,
        "transferType": "in",
        "transferAmount": amount,
        "accumulated": 99_000_000,
        "subAccount": None,
        "referenceCode": f"FT26338{tx}",
        "description": f"BankAPINotify {content}",
    }
    return json.dumps(fields | extra).encode()


async def notify(
    client: httpx.AsyncClient, payload: bytes, *, auth: str = "key", headers: dict[str, str] | None = None
) -> httpx.Response:
    sent = {"Content-Type": "application/json"}
    if auth == "key":
        sent["Authorization"] = f"Apikey {API_KEY}"
    elif auth == "signed":
        sent |= sepay.sign(payload, SECRET, int(time.time()))
    return await client.post(WEBHOOK, content=payload, headers=sent | (headers or {}))


async def transfers(shop: Shop, view: str = "all") -> list[dict[str, Any]]:
    answer = await shop.client.get("/api/v1/bank-transfers", params={"view": view}, headers=shop.admin)
    assert answer.status_code == 200, answer.text
    return list(answer.json()["items"])


async def transfer_order(shop: Shop, quantity: int = 1) -> dict[str, Any]:
    cart = await cart_with(shop.client, (shop.world.honey.id, quantity))
    placed = await shop.client.post(
        "/api/v1/checkout", json=checkout_body(cart, payment="bank_transfer", pickup="SP-A")
    )
    assert placed.status_code == 201, placed.text
    return dict(placed.json())


async def order_status(shop: Shop, order: dict[str, Any]) -> str:
    answer = await shop.client.get(f"/api/v1/orders/{order['number']}", params={"token": order["token"]})
    return str(answer.json()["status"])


async def coop_queue(shop: Shop) -> list[dict[str, Any]]:
    coop = await factories.bearer(shop.client, shop.world.coop)
    return list((await shop.client.get("/api/v1/fulfilments", headers=coop)).json()["items"])


async def count(shop: Shop, model: Any) -> int:
    async with shop.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        return int(await fresh.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


# --- authentication and bad input -----------------------------------------------------------


async def test_a_notification_without_the_key_or_signature_changes_nothing(shop: Shop):
    order = await transfer_order(shop)
    payload = body(order["total_vnd"], order["number"])
    stale = sepay.sign(payload, SECRET, int(time.time()) - 600)
    for headers in (
        {},
        {"Authorization": "Apikey wrong-key"},
        {"Authorization": f"Bearer {API_KEY}"},
        sepay.sign(payload, "another-secret", int(time.time())),
        stale,  # a replay: SePay refuses timestamps more than 5 minutes off
        sepay.sign(body(order["total_vnd"], order["number"], tx=1), SECRET, int(time.time())),  # other body
    ):
        refused = await notify(shop.client, payload, auth="none", headers=headers)
        assert refused.status_code == 401, (headers, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] in ("bad_credentials", "unauthenticated")
    assert await count(shop, BankCredit) == 0
    assert await order_status(shop, order) == "awaiting_payment"


async def test_a_webhook_not_configured_answers_503(shop: Shop):
    app = shop.client.app  # type: ignore[attr-defined]
    app.state.settings = dataclasses.replace(
        app.state.settings, sepay_api_key=None, sepay_webhook_secret=None
    )
    answer = await notify(shop.client, body(1000, "OC000001"))
    assert answer.status_code == 503 and answer.json()["code"] == "webhook_not_configured"


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        b"[1, 2]",
        json.dumps({"id": 5, "content": "x"}).encode(),  # no transactionDate, amount, type
        body(150_000.5, "OC000001"),  # not whole đồng
        body(0, "OC000001"),
        body(-5, "OC000001"),
        body(1000, "OC000001", transferType="sideways"),
        body(1000, "OC000001", transactionDate="yesterday"),
        body(1000, "OC000001", id=""),
        body(1000, "OC000001", transferAmount="1000"),
    ],
)
async def test_a_body_sepay_would_not_send_is_a_problem_not_a_credit(shop: Shop, payload: bytes):
    answer = await notify(shop.client, payload)
    assert answer.status_code == 400, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == "malformed_notification"
    assert await count(shop, BankCredit) == 0


async def test_money_going_out_is_acknowledged_and_not_kept(shop: Shop):
    answer = await notify(shop.client, body(500_000, "OC000001", transferType="out"))
    assert answer.status_code == 200 and answer.json() == {"success": True}
    assert await count(shop, BankCredit) == 0


# --- online orders ----------------------------------------------------------------------------


async def test_a_signed_exact_transfer_pays_the_order_once_and_its_fulfilments_go_out(shop: Shop):
    order = await transfer_order(shop)
    assert await coop_queue(shop) == []  # an unpaid transfer order is nobody's work yet
    # The bank gives the text back its own way: its prefix, lower case, a dash.
    payload = body(order["total_vnd"], f"MBVCB.3278907687.{order['number'].lower()}.CT tu 0912 NGUYEN VAN A")
    first = await notify(shop.client, payload, auth="signed")
    assert first.status_code == 201 and first.json() == {"success": True}
    assert await order_status(shop, order) == "paid"
    queue = await coop_queue(shop)
    assert [f["status"] for f in queue] == ["new"]  # Tài Hoan's cooperative prepares it now
    events = await count(shop, OrderEvent)
    async with shop.client.app.state.db.read_sessions() as fresh:  # type: ignore[attr-defined]
        payment = await fresh.scalar(
            sa.select(Payment)
            .join(Order, Order.id == Payment.order_id)
            .where(Order.number == order["number"])
        )
        assert payment is not None
        assert (payment.status.value, payment.received_vnd, payment.confirmed_by) == (
            "succeeded",
            order["total_vnd"],
            "sepay",
        )
        assert payment.bank_reference and payment.bank_reference.startswith("FT26338")
    # SePay retries (our answer was lost): success, and nothing happens again.
    for auth in ("signed", "key"):
        again = await notify(shop.client, payload, auth=auth)
        assert again.status_code == 200 and again.json() == {"success": True}
    assert await count(shop, BankCredit) == 1 and await count(shop, OrderEvent) == events
    (credit,) = await transfers(shop, "matched")
    assert (credit["order_number"], credit["status"], credit["problem"]) == (order["number"], "matched", None)
    assert credit["reference"] == order["number"] and credit["expected_vnd"] == order["total_vnd"]
    one = await shop.client.get(f"/api/v1/bank-transfers/{credit['id']}", headers=shop.admin)
    assert one.status_code == 200 and one.json() == credit
    missing = await shop.client.get("/api/v1/bank-transfers/999999", headers=shop.admin)
    assert missing.status_code == 404


async def test_partial_and_over_payments_wait_for_the_office(shop: Shop):
    order = await transfer_order(shop, quantity=2)
    total = order["total_vnd"]
    half = total // 2
    first = await notify(shop.client, body(half, f"{order['number']} lan 1"))
    second = await notify(shop.client, body(total - half, f"{order['number']} lan 2"))
    assert first.status_code == second.status_code == 201
    assert await order_status(shop, order) == "awaiting_payment"  # never paid by a part
    waiting = await transfers(shop, "to_resolve")
    assert [(t["problem"], t["order_number"], t["expected_vnd"]) for t in waiting] == [
        ("amount_differs", order["number"], total)
    ] * 2
    # The office attaches both halves: the first leaves the order flagged, the second pays it.
    for item in reversed(waiting):
        attached = await shop.client.post(
            f"/api/v1/bank-transfers/{item['id']}/attach",
            json={"order_number": order["number"], "note": "paid in two parts"},
            headers=shop.admin,
        )
        assert attached.status_code == 200, attached.text
        assert attached.json()["status"] == "attached"
    assert await order_status(shop, order) == "paid"
    assert await transfers(shop, "to_resolve") == []
    again = await shop.client.post(
        f"/api/v1/bank-transfers/{waiting[0]['id']}/dismiss", json={"note": "twice"}, headers=shop.admin
    )
    assert again.status_code == 409 and again.json()["code"] == "already_resolved"

    over_order = await transfer_order(shop)
    over = await notify(shop.client, body(over_order["total_vnd"] + 20_000, over_order["number"]))
    assert over.status_code == 201
    assert await order_status(shop, over_order) == "awaiting_payment"
    (item,) = await transfers(shop, "to_resolve")
    assert item["problem"] == "amount_differs" and item["amount_vnd"] > item["expected_vnd"]
    short = await shop.client.post(
        f"/api/v1/bank-transfers/{item['id']}/dismiss", json={"note": ""}, headers=shop.admin
    )
    assert short.status_code == 422
    dismissed = await shop.client.post(
        f"/api/v1/bank-transfers/{item['id']}/dismiss",
        json={"note": "refunded 20.000 and confirmed by hand"},
        headers=shop.admin,
    )
    assert dismissed.status_code == 200 and dismissed.json()["status"] == "dismissed"
    # Confirming by hand stays: the office does it in the online orders, as before.
    by_hand = await shop.client.post(
        f"/api/v1/orders/{over_order['number']}/transfer-received",
        json={"amount_vnd": over_order["total_vnd"], "bank_reference": "FT-BY-HAND"},
        headers=shop.admin,
    )
    assert by_hand.status_code == 200 and await order_status(shop, over_order) == "paid"


async def test_an_unknown_reference_waits_for_the_office(shop: Shop):
    for content in ("OC999999 thanh toan", "chuyen tien an trua", "ck cho co Lan"):
        assert (await notify(shop.client, body(120_000, content))).status_code == 201
    problems = sorted(t["problem"] for t in await transfers(shop, "to_resolve"))
    assert problems == ["no_reference", "no_reference", "unknown_reference"]
    item = (await transfers(shop, "to_resolve"))[0]
    for refused, status in (
        ({}, 422),
        ({"order_number": "OC000001", "receipt": "SP-A-000001"}, 422),
        ({"order_number": "OC999999"}, 404),
        ({"receipt": "SP-A-000999"}, 404),
        ({"receipt": "SP-A-000001", "colour": "blue"}, 400),
    ):
        answer = await shop.client.post(
            f"/api/v1/bank-transfers/{item['id']}/attach", json=refused, headers=shop.admin
        )
        assert answer.status_code == status, (refused, answer.text)
    staff = await factories.bearer(shop.client, shop.world.staff)
    assert (await shop.client.get("/api/v1/bank-transfers", headers=staff)).status_code == 403


async def test_a_transfer_to_another_account_or_for_a_paid_order_is_not_taken(shop: Shop):
    order = await transfer_order(shop)
    other = await notify(shop.client, body(order["total_vnd"], order["number"], account="999888777"))
    assert other.status_code == 201 and await order_status(shop, order) == "awaiting_payment"
    paid = await notify(shop.client, body(order["total_vnd"], order["number"]))
    assert paid.status_code == 201 and await order_status(shop, order) == "paid"
    twice = await notify(shop.client, body(order["total_vnd"], f"{order['number']} lan nua"))
    assert twice.status_code == 201
    problems = sorted(t["problem"] for t in await transfers(shop, "to_resolve"))
    assert problems == ["already_paid", "other_account"]


# --- till sales ---------------------------------------------------------------------------------


async def _till(shop: Shop) -> dict[str, str]:
    """SP-A with its own bank account and an open shift; its staff's headers."""
    account = {"bank_bin": "970405", "bank_account_number": TILL_ACCOUNT, "bank_account_name": "DIEM BAN A"}
    patched = await shop.client.patch("/api/v1/sales-points/SP-A", json=account, headers=shop.admin)
    assert patched.status_code == 200, patched.text
    staff = await factories.bearer(shop.client, shop.world.staff)
    opened = await shop.client.post(
        "/api/v1/sales-points/SP-A/shifts", json={"opening_float": 0}, headers=staff
    )
    assert opened.status_code == 201, opened.text
    return staff


def _sale(price: int, reference: str, *, sale_id: uuid.UUID, minutes_ago: int = 0) -> dict[str, Any]:
    sold_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes_ago)
    return {
        "id": str(sale_id),
        "sold_at": sold_at.isoformat(),
        "lines": [{"product_id": 0, "quantity": 1}],
        "payments": [{"method": "bank_transfer", "amount": price, "reference": reference}],
        **({"offline": True} if minutes_ago else {}),
    }


async def _status(shop: Shop, staff: dict[str, str], reference: str, amount: int) -> dict[str, Any]:
    answer = await shop.client.get(
        "/api/v1/sales-points/SP-A/transfer-status",
        params={"reference": reference, "amount": amount},
        headers=staff,
    )
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def test_a_transfer_before_its_offline_sale_is_matched_when_the_sale_syncs(shop: Shop):
    staff = await _till(shop)
    price = shop.world.noodles.price_vnd
    sale_id = uuid.uuid4()
    reference = f"SP-A {str(sale_id)[:8].upper()}"  # what till.js puts in the code
    assert await _status(shop, staff, reference, price) == {
        "reference": reference,
        "received_vnd": 0,
        "transfers": 0,
        "state": "waiting",
    }
    # The till was offline (a static code, the reference typed by the customer, spaces lost).
    content = f"IBFT {reference.replace(' ', '').lower()} mua mien dong"
    arrived = await notify(shop.client, body(price, content, account=TILL_ACCOUNT))
    assert arrived.status_code == 201
    (waiting,) = await transfers(shop, "to_resolve")
    assert (waiting["problem"], waiting["sales_point"], waiting["reference"]) == (
        "awaiting_sale",
        "SP-A",
        reference,
    )
    assert (await _status(shop, staff, reference, price))["state"] == "paid"  # the till turns green
    other = await factories.bearer(shop.client, shop.world.other_manager)
    asked = await shop.client.get(
        "/api/v1/sales-points/SP-A/transfer-status", params={"reference": reference}, headers=other
    )
    assert asked.status_code == 404  # another sales point's staff learns nothing

    sale = _sale(price, reference, sale_id=sale_id, minutes_ago=8)  # sold offline, minutes ago
    sale["lines"][0]["product_id"] = shop.world.noodles.id
    synced = await shop.client.post("/api/v1/sales-points/SP-A/sales", json=sale, headers=staff)
    assert synced.status_code == 201, synced.text
    receipt = synced.json()["number"]
    (matched,) = await transfers(shop, "matched")
    assert (matched["receipt"], matched["expected_vnd"], matched["id"]) == (receipt, price, waiting["id"])
    assert await transfers(shop, "to_resolve") == []
    resent = await shop.client.post("/api/v1/sales-points/SP-A/sales", json=sale, headers=staff)
    assert resent.status_code == 200  # the same sale again: nothing matched twice
    assert len(await transfers(shop, "matched")) == 1


async def test_a_transfer_after_its_sale_pays_it_at_once_and_a_second_one_waits(shop: Shop):
    staff = await _till(shop)
    price = shop.world.noodles.price_vnd
    sale_id = uuid.uuid4()
    reference = vietqr.purpose(f"SP-A {str(sale_id)[:8]}")
    sale = _sale(price, reference, sale_id=sale_id)
    sale["lines"][0]["product_id"] = shop.world.noodles.id
    recorded = await shop.client.post("/api/v1/sales-points/SP-A/sales", json=sale, headers=staff)
    assert recorded.status_code == 201, recorded.text
    assert (await notify(shop.client, body(price, reference, account=TILL_ACCOUNT))).status_code == 201
    (matched,) = await transfers(shop, "matched")
    assert matched["receipt"] == recorded.json()["number"]
    assert (await notify(shop.client, body(price, reference, account=TILL_ACCOUNT))).status_code == 201
    (twice,) = await transfers(shop, "to_resolve")
    assert twice["problem"] == "already_paid"
    assert (await _status(shop, staff, reference, price))["state"] == "over"


async def test_a_partial_till_transfer_is_shown_and_left_to_the_office(shop: Shop):
    staff = await _till(shop)
    price = shop.world.noodles.price_vnd
    sale_id = uuid.uuid4()
    reference = f"SP-A {str(sale_id)[:8].upper()}"
    assert (
        await notify(shop.client, body(price - 10_000, reference, account=TILL_ACCOUNT))
    ).status_code == 201
    answer = await _status(shop, staff, reference, price)
    assert (answer["state"], answer["received_vnd"]) == ("partial", price - 10_000)
    # The customer paid the rest in cash; the cashier ticked the transfer for its part.
    sale = _sale(price, reference, sale_id=sale_id)
    sale["lines"][0]["product_id"] = shop.world.noodles.id
    sale["payments"] = [
        {"method": "bank_transfer", "amount": price - 10_000, "reference": reference},
        {"method": "cash", "amount": 10_000},
    ]
    recorded = await shop.client.post("/api/v1/sales-points/SP-A/sales", json=sale, headers=staff)
    assert recorded.status_code == 201, recorded.text
    (matched,) = await transfers(shop, "matched")  # the transfer's part is what was paid by transfer
    assert matched["expected_vnd"] == price - 10_000


# --- the office's screen ----------------------------------------------------------------------


async def test_the_office_resolves_transfers_on_its_screen_in_vietnamese(shop: Shop):
    staff = await _till(shop)
    price = shop.world.noodles.price_vnd
    sale = _sale(price, "SP-A typed by hand", sale_id=uuid.uuid4())
    sale["lines"][0]["product_id"] = shop.world.noodles.id
    recorded = await shop.client.post("/api/v1/sales-points/SP-A/sales", json=sale, headers=staff)
    assert recorded.status_code == 201
    receipt = recorded.json()["number"]
    await notify(shop.client, body(price, "chuyen khoan mua hang", account=TILL_ACCOUNT))
    await notify(shop.client, body(77_000, "khong ro"))
    client = shop.client
    await login(client, shop.world.admin, lang="vi")
    page = await client.get("/office/bank-transfers/")
    assert page.status_code == 200
    assert "Tiền chuyển khoản đã nhận" in page.text and "Cần xử lý (2)" in page.text
    first, second = (t["id"] for t in await transfers(shop, "to_resolve"))
    missing = await client.post(
        f"/office/bank-transfers/{second}/attach",
        data={"_csrf_token": _token(page.text), "target": "SP-A-999999"},
    )
    assert missing.status_code == 404 and "SP-A-999999" in missing.text
    attached = await client.post(
        f"/office/bank-transfers/{second}/attach",
        data={"_csrf_token": _token(page.text), "target": receipt.lower(), "note": "khách chuyển khoản"},
    )
    assert attached.status_code == 303, attached.text
    short = await client.post(
        f"/office/bank-transfers/{first}/dismiss", data={"_csrf_token": _token(page.text), "note": "x"}
    )
    assert short.status_code == 422, (short.headers, short.text[:3000])
    dismissed = await client.post(
        f"/office/bank-transfers/{first}/dismiss",
        data={"_csrf_token": _token(page.text), "note": "không phải của chúng tôi"},
    )
    assert dismissed.status_code == 303
    done = await client.get("/office/bank-transfers/?view=resolved")
    assert receipt in done.text and "không phải của chúng tôi" in done.text
    assert [t["status"] for t in await transfers(shop)] == ["dismissed", "attached"]
