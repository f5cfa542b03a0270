"""A small Stripe-compatible HTTP server for the tests (and for trying card payments locally).

It answers the requests the official SDK really sends (form-encoded bodies with Stripe's
``a[b][0]`` keys, bearer key, ``Idempotency-Key``) with Stripe-shaped JSON, keeps Checkout
Sessions, PaymentIntents, charges and refunds in memory, hosts the payment page a Checkout
Session's ``url`` points to, and sends webhooks signed the way Stripe signs them.

Only what OCOP Market uses is implemented: Checkout Sessions (create, retrieve, expire),
refunds, and the events checkout.session.completed / expired, payment_intent.payment_failed
and charge.refunded. It is not a mock of the SDK: the SDK talks HTTP to it.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

MIN_LIFE, MAX_LIFE = 30 * 60, 24 * 3600


def decode_form(body: str) -> dict[str, Any]:
    """``line_items[0][price_data][currency]=vnd`` → nested dicts and lists, as Stripe reads it."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node: Any = root
        for part, nxt in itertools.pairwise(parts):
            if isinstance(node, list):
                index = int(part)
                while len(node) <= index:
                    node.append({} if not nxt.isdigit() else [])
                node = node[index]
            else:
                node = node.setdefault(part, [] if nxt.isdigit() else {})
        last = parts[-1]
        if isinstance(node, list):
            index = int(last)
            while len(node) <= index:
                node.append(None)
            node[index] = value
        else:
            node[last] = value
    return root


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``."""
    t = timestamp or int(time.time())
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class StripeError(Exception):
    def __init__(
        self, status: int, message: str, code: str = "parameter_invalid", type_: str = "invalid_request_error"
    ):
        super().__init__(message)
        self.status, self.message, self.code, self.type = status, message, code, type_


@dataclass
class Event:
    id: str
    type: str
    payload: bytes
    signature: str


@dataclass
class FakeStripe:
    """The server's state; ``start()`` serves it on a free local port."""

    api_key: str = "sk_test_ocop"
    webhook_secret: str = "whsec_test_ocop"
    webhook_url: str | None = None  # where events are POSTed; None: only kept in ``events``
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    charges: dict[str, dict[str, Any]] = field(default_factory=dict)
    refunds: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)  # method, path, idempotency key
    fail_next: int = 0  # answer the next N API calls with a 500 (a Stripe outage)
    _idempotent: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    base_url: str = ""
    _server: ThreadingHTTPServer | None = None

    # ----- serving -----
    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                fake._dispatch(self, "GET")

            def do_POST(self) -> None:
                fake._dispatch(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def _dispatch(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(handler.path).path
        length = int(handler.headers.get("content-length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        if path.startswith("/pay/"):
            return self._payment_page(handler, method, path.removeprefix("/pay/"), decode_form(body))
        key = handler.headers.get("idempotency-key")
        with self._lock:
            self.requests.append((method, path, key))
            try:
                if handler.headers.get("authorization") != f"Bearer {self.api_key}":
                    raise StripeError(
                        401, "Invalid API Key provided.", "api_key_invalid", "authentication_error"
                    )
                if self.fail_next > 0:
                    self.fail_next -= 1
                    raise StripeError(500, "An unknown error occurred.", "api_error", "api_error")
                status, out = self._idempotent_call(method, path, body, key)
            except StripeError as error:
                status, out = (
                    error.status,
                    {"error": {"type": error.type, "code": error.code, "message": error.message}},
                )
        self._send_json(handler, status, out)

    def _idempotent_call(
        self, method: str, path: str, body: str, key: str | None
    ) -> tuple[int, dict[str, Any]]:
        if method == "POST" and key:
            if key in self._idempotent:
                seen_body, status, out = self._idempotent[key]
                if seen_body != body:
                    raise StripeError(
                        400,
                        "Keys for idempotent requests can only be used with the same parameters "
                        "they were first used with.",
                        "idempotency_key_in_use",
                        "idempotency_error",
                    )
                return status, out
            status, out = 200, self._route(method, path, decode_form(body))
            self._idempotent[key] = (body, status, out)
            return status, out
        return 200, self._route(method, path, decode_form(body))

    def _route(self, method: str, path: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "POST" and path == "/v1/checkout/sessions":
            return self._create_session(params)
        if m := re.fullmatch(r"/v1/checkout/sessions/(cs_[\w]+)", path):
            return self._session(m.group(1))
        if method == "POST" and (m := re.fullmatch(r"/v1/checkout/sessions/(cs_[\w]+)/expire", path)):
            return self.expire(m.group(1))
        if method == "POST" and path == "/v1/refunds":
            return self._refund(params)
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).", "resource_missing")

    @staticmethod
    def _send_json(handler: BaseHTTPRequestHandler, status: int, out: dict[str, Any]) -> None:
        data = json.dumps(out).encode()
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("request-id", "req_" + secrets.token_hex(8))
        handler.send_header("content-length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    # ----- the API -----
    def _create_session(self, p: dict[str, Any]) -> dict[str, Any]:
        items = p.get("line_items") or []
        if not items:
            raise StripeError(400, "Missing required param: line_items.")
        total = 0
        for item in items:
            price = item["price_data"]
            if price.get("currency") != "vnd":
                raise StripeError(400, "This test server only takes VND.")
            unit = int(price["unit_amount"])
            if unit < 0:
                raise StripeError(400, "Invalid integer: unit_amount.")
            total += unit * int(item.get("quantity", 1))
        now = int(time.time())
        expires_at = int(p.get("expires_at") or now + MAX_LIFE)
        if not (now + MIN_LIFE - 120 <= expires_at <= now + MAX_LIFE):
            raise StripeError(
                400, "The `expires_at` timestamp must be between 30 minutes and 24 hours from now."
            )
        sid = "cs_test_" + secrets.token_hex(12)
        session = {
            "id": sid,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "currency": "vnd",
            "client_reference_id": p.get("client_reference_id"),
            "customer_email": p.get("customer_email"),
            "expires_at": expires_at,
            "livemode": False,
            "locale": p.get("locale"),
            "metadata": p.get("metadata") or {},
            "mode": p.get("mode", "payment"),
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": p.get("success_url"),
            "cancel_url": p.get("cancel_url"),
            "url": f"{self.base_url}/pay/{sid}",
            "_line_items": items,
            "_intent_metadata": (p.get("payment_intent_data") or {}).get("metadata") or {},
        }
        self.sessions[sid] = session
        return self._public(session)

    def _session(self, sid: str) -> dict[str, Any]:
        if sid not in self.sessions:
            raise StripeError(404, f"No such checkout.session: '{sid}'", "resource_missing")
        return self._public(self.sessions[sid])

    @staticmethod
    def _public(session: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in session.items() if not k.startswith("_")}

    def expire(self, sid: str) -> dict[str, Any]:
        with self._lock:
            session = self.sessions.get(sid)
            if session is None:
                raise StripeError(404, f"No such checkout.session: '{sid}'", "resource_missing")
            if session["status"] == "complete":
                raise StripeError(400, "Only Checkout Sessions with a status of open can be expired.")
            if session["status"] == "open":
                session["status"] = "expired"
                self._emit("checkout.session.expired", self._public(session))
            return self._public(session)

    def _refund(self, p: dict[str, Any]) -> dict[str, Any]:
        intent = self.intents.get(p.get("payment_intent", ""))
        if intent is None:
            raise StripeError(404, "No such payment_intent.", "resource_missing")
        charge = self.charges[intent["latest_charge"]]
        amount = int(p.get("amount") or charge["amount"] - charge["amount_refunded"])
        if amount <= 0 or charge["amount_refunded"] + amount > charge["amount"]:
            raise StripeError(
                400, "Refund amount is greater than the unrefunded amount.", "charge_already_refunded"
            )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund = {
            "id": "re_" + secrets.token_hex(12),
            "object": "refund",
            "amount": amount,
            "currency": "vnd",
            "charge": charge["id"],
            "payment_intent": intent["id"],
            "status": "succeeded",
        }
        self.refunds.append(refund)
        self._emit("charge.refunded", dict(charge))
        return refund

    # ----- what a card holder does on the payment page -----
    def pay(self, sid: str, *, amount: int | None = None) -> Event:
        """The customer pays (``amount`` overrides what is charged: a tampered amount)."""
        with self._lock:
            session = self.sessions[sid]
            if session["status"] != "open":
                raise StripeError(400, f"This Checkout Session is {session['status']}.")
            charged = session["amount_total"] if amount is None else amount
            pi, ch = "pi_" + secrets.token_hex(12), "ch_" + secrets.token_hex(12)
            meta = session["_intent_metadata"]
            self.intents[pi] = {
                "id": pi,
                "object": "payment_intent",
                "amount": charged,
                "currency": "vnd",
                "status": "succeeded",
                "latest_charge": ch,
                "metadata": meta,
            }
            self.charges[ch] = {
                "id": ch,
                "object": "charge",
                "amount": charged,
                "amount_refunded": 0,
                "currency": "vnd",
                "payment_intent": pi,
                "refunded": False,
                "metadata": meta,
            }
            session.update(status="complete", payment_status="paid", payment_intent=pi, amount_total=charged)
            return self._emit("checkout.session.completed", self._public(session))

    def decline(self, sid: str) -> Event:
        with self._lock:
            session = self.sessions[sid]
            pi = "pi_" + secrets.token_hex(12)
            error = {"code": "card_declined", "message": "Your card was declined."}
            intent = {
                "id": pi,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "currency": "vnd",
                "status": "requires_payment_method",
                "last_payment_error": error,
                "metadata": session["_intent_metadata"],
            }
            self.intents[pi] = intent
            return self._emit("payment_intent.payment_failed", intent)

    def _payment_page(
        self, handler: BaseHTTPRequestHandler, method: str, sid: str, form: dict[str, Any]
    ) -> None:
        session = self.sessions.get(sid)
        if session is None:
            handler.send_error(404)
            return
        message = ""
        if method == "POST":
            try:
                if form.get("outcome") == "decline":
                    self.decline(sid)
                    message = "Your card was declined."
                else:
                    self.pay(sid)
                    handler.send_response(303)
                    handler.send_header("location", session["success_url"])
                    handler.end_headers()
                    return
            except StripeError as error:
                message = error.message
        names = "".join(
            f"<li>{int(i.get('quantity', 1))} × {html.escape(i['price_data']['product_data']['name'])}</li>"
            for i in session["_line_items"]
        )
        page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Test payment</title></head>
<body><h1>Test card payment</h1><ul>{names}</ul>
<p id="amount">{session["amount_total"]} VND</p><p id="message">{html.escape(message)}</p>
<form method="post"><button name="outcome" value="pay" id="pay">Pay</button>
<button name="outcome" value="decline" id="decline">Decline</button></form>
<p><a href="{html.escape(session["cancel_url"] or "/")}">Back</a></p></body></html>""".encode()
        handler.send_response(200)
        handler.send_header("content-type", "text/html; charset=utf-8")
        handler.send_header("content-length", str(len(page)))
        handler.end_headers()
        handler.wfile.write(page)

    # ----- webhooks -----
    def event(self, type_: str, obj: dict[str, Any], *, event_id: str | None = None) -> Event:
        """A signed event (not sent): for tests that post it themselves, in any order."""
        body = {
            "id": event_id or "evt_" + secrets.token_hex(12),
            "object": "event",
            "api_version": "2024-06-20",
            "created": int(time.time()),
            "livemode": False,
            "type": type_,
            "data": {"object": obj},
        }
        payload = json.dumps(body).encode()
        return Event(body["id"], type_, payload, sign(payload, self.webhook_secret))

    def _emit(self, type_: str, obj: dict[str, Any]) -> Event:
        event = self.event(type_, obj)
        self.events.append(event)
        if self.webhook_url:
            httpx.post(
                self.webhook_url,
                content=event.payload,
                headers={"content-type": "application/json", "stripe-signature": event.signature},
                timeout=20,
            )
        return event

    def last(self, type_: str) -> Event:
        return next(e for e in reversed(self.events) if e.type == type_)


def main() -> None:
    """Serve a local Stripe for trying card payments by hand (see README)."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/api/v1/payments/stripe/webhook")
    args = parser.parse_args()
    fake = FakeStripe(webhook_url=args.webhook_url).start()
    print(f"OCOP_STRIPE_API_BASE={fake.base_url}")
    print(f"OCOP_STRIPE_SECRET_KEY={fake.api_key}")
    print(f"OCOP_STRIPE_WEBHOOK_SECRET={fake.webhook_secret}")
    print("Serving; Ctrl-C stops.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        fake.stop()


if __name__ == "__main__":
    main()
