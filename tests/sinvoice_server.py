"""A small Viettel SInvoice-compatible HTTP server for the tests (and for trying e-invoices locally).

It answers the requests the adapter really sends, in SInvoice's shapes: a login that hands
out an ``access_token`` the other calls carry as a cookie; ``createInvoice/{taxCode}`` that
checks the template and series, that the lines add up, and that the ``transactionUuid`` was
never used (else ``TRANSACTION_UUID_INVALID``); ``searchInvoiceByTransactionUuid`` (form or
query parameters; ``NOT_FOUND_DATA`` when unknown); ``getInvoiceRepresentationFile`` with a
base64 PDF; ``cancelTransactionInvoice``. It can be told to be down (503), to hang past the
client's timeout after creating the invoice (the lost answer), to refuse a call, or to let
its tokens expire (Viettel's ``500 GENERAL``). Not a mock of our code: the adapter talks
HTTP to it.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API = "/services/einvoiceapplication/api/"
PDF = b"%PDF-1.4\n% SInvoice test representation\n%%EOF\n"


@dataclass
class Issued:
    tax_code: str
    body: dict[str, Any]
    invoice_no: str
    reservation_code: str
    issue_date: int
    status: str = "issued"


@dataclass
class State:
    username: str = "0100109106-509"
    password: str = "test-password"
    tax_code: str = "0100109106"
    templates: dict[str, set[str]] = field(
        default_factory=lambda: {"1/001": {"1C25MBH", "1C25TAA"}, "2/001": {"2C25MBH"}}
    )
    tokens: set[str] = field(default_factory=set)
    invoices: dict[str, Issued] = field(default_factory=dict)  # by transactionUuid
    numbers: dict[str, itertools.count[int]] = field(default_factory=dict)  # per series
    create_calls: int = 0
    search_calls: int = 0
    down: bool = False  # every call answers 503
    hang_seconds: float = 0.0  # createInvoice issues, then answers this late
    refuse_next: str | None = None  # the next createInvoice answers this errorCode
    files_down: bool = False  # getInvoiceRepresentationFile answers 503 (the rest works)
    file_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class SInvoiceServer:
    def __init__(self) -> None:
        self.state = State()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def env(self, *, timeout: float = 2.0) -> dict[str, str]:
        """The environment that points the app at this server."""
        return {
            "OCOP_SINVOICE_API_URL": self.url + API,
            "OCOP_SINVOICE_AUTH_URL": self.url + "/auth/login",
            "OCOP_SINVOICE_USERNAME": self.state.username,
            "OCOP_SINVOICE_PASSWORD": self.state.password,
            "OCOP_SINVOICE_TIMEOUT": str(timeout),
        }

    def issued_per_uuid(self) -> dict[str, int]:
        return {u: 1 for u in self.state.invoices}

    def start(self) -> SInvoiceServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    state: State

    def log_message(self, *_args: Any) -> None:
        pass

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _params(self, raw: bytes) -> dict[str, str]:
        params = dict(parse_qsl(urlsplit(self.path).query))
        if raw and "json" not in self.headers.get("Content-Type", ""):
            params |= dict(parse_qsl(raw.decode()))
        return params

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        if self.state.down:
            self._send(503, {"code": 503, "message": "Service Unavailable"})
            return
        if path == "/auth/login":
            self._login(json.loads(raw or b"{}"))
            return
        cookie = self.headers.get("Cookie", "")
        token = dict(p.strip().split("=", 1) for p in cookie.split(";") if "=" in p).get("access_token")
        if token not in self.state.tokens:
            self._send(500, {"timestamp": int(time.time() * 1000), "status": 500, "message": "GENERAL"})
            return
        name = path.removeprefix(API)
        if name.startswith("InvoiceAPI/InvoiceWS/createInvoice/"):
            self._create(name.rsplit("/", 1)[-1], json.loads(raw))
        elif name == "InvoiceAPI/InvoiceWS/searchInvoiceByTransactionUuid":
            self._search(self._params(raw))
        elif name == "InvoiceAPI/InvoiceUtilsWS/getInvoiceRepresentationFile":
            self.state.file_calls += 1
            if self.state.files_down:
                self._send(503, {"code": 503, "message": "Service Unavailable"})
                return
            self._file(json.loads(raw))
        elif name == "InvoiceAPI/InvoiceWS/cancelTransactionInvoice":
            self._cancel(self._params(raw))
        else:
            self._send(404, {"code": 404, "message": "Not Found", "data": path})

    def _login(self, body: dict[str, Any]) -> None:
        if body.get("username") != self.state.username or body.get("password") != self.state.password:
            self._send(401, {"error": "invalid_grant", "error_description": "Bad credentials"})
            return
        token = secrets.token_hex(16)
        self.state.tokens.add(token)
        self._send(200, {"access_token": token, "token_type": "bearer", "expires_in": 599, "scope": "openid"})

    def _error(self, code: str, description: str) -> None:
        self._send(200, {"errorCode": code, "description": description, "result": None})

    def _create(self, tax_code: str, body: dict[str, Any]) -> None:
        general = body.get("generalInvoiceInfo") or {}
        uuid = general.get("transactionUuid")
        with self.state.lock:
            self.state.create_calls += 1
            if (refused := self.state.refuse_next) is not None:
                self.state.refuse_next = None
                self._error(refused, "Refused as the test asked")
                return
            if problem := _check(self.state, tax_code, body):
                self._error(*problem)
                return
            if uuid in self.state.invoices:
                self._error("TRANSACTION_UUID_INVALID", "transactionUuid đã tồn tại")
                return
            series = general["invoiceSeries"]
            number = next(self.state.numbers.setdefault(series, itertools.count(1)))
            issued = Issued(
                tax_code=tax_code,
                body=body,
                invoice_no=f"{series}{number:08d}",
                reservation_code=secrets.token_hex(5).upper(),
                issue_date=int(general["invoiceIssuedDate"]),
            )
            self.state.invoices[uuid] = issued
        if self.state.hang_seconds:
            time.sleep(self.state.hang_seconds)  # the client gave up: its answer is lost
        self._send(200, {"errorCode": None, "description": None, "result": _result(issued, uuid)})

    def _search(self, params: dict[str, str]) -> None:
        self.state.search_calls += 1
        found = self.state.invoices.get(params.get("transactionUuid", ""))
        if found is None or found.tax_code != params.get("supplierTaxCode"):
            self._error("NOT_FOUND_DATA", "Không tìm thấy dữ liệu")
            return
        row = _result(found, params["transactionUuid"]) | {"status": "Đã thanh toán"}
        self._send(200, {"errorCode": None, "description": None, "result": [row]})

    def _by_number(self, tax_code: str, number: str) -> Issued | None:
        return next(
            (i for i in self.state.invoices.values() if i.invoice_no == number and i.tax_code == tax_code),
            None,
        )

    def _file(self, body: dict[str, Any]) -> None:
        found = self._by_number(body.get("supplierTaxCode", ""), body.get("invoiceNo", ""))
        if found is None:
            self._error("NOT_FOUND_DATA", "Không tìm thấy hóa đơn")
            return
        data = PDF.replace(b"representation", found.invoice_no.encode())
        encoded = base64.b64encode(data).decode()
        self._send(200, {"fileName": f"{found.invoice_no}.pdf", "fileToBytes": encoded})

    def _cancel(self, params: dict[str, str]) -> None:
        found = self._by_number(params.get("supplierTaxCode", ""), params.get("invoiceNo", ""))
        if found is None or not params.get("reasonDelete"):
            self._error("NOT_FOUND_DATA" if found is None else "REASON_REQUIRED", "Không hủy được")
            return
        found.status = "cancelled"
        self._send(200, {"errorCode": None, "description": None, "result": None})


def _result(issued: Issued, uuid: str) -> dict[str, Any]:
    return {
        "supplierTaxCode": issued.tax_code,
        "invoiceNo": issued.invoice_no,
        "transactionID": uuid,
        "reservationCode": issued.reservation_code,
        "issueDate": issued.issue_date,
        "codeOfTax": None,
    }


def _check(state: State, tax_code: str, body: dict[str, Any]) -> tuple[str, str] | None:
    """SInvoice's own validations, the ones our data could break."""
    general = body.get("generalInvoiceInfo") or {}
    if tax_code != state.tax_code or (body.get("sellerInfo") or {}).get("sellerTaxCode") != tax_code:
        return "INVALID_SUPPLIER_TAX_CODE", "Mã số thuế người bán không đúng"
    if not general.get("transactionUuid"):
        return "TRANSACTION_UUID_REQUIRED", "transactionUuid là bắt buộc"
    if general.get("invoiceSeries") not in state.templates.get(general.get("templateCode", ""), set()):
        return "TEMPLATE_NOT_FOUND", "Mẫu số hoặc ký hiệu hóa đơn không tồn tại"
    items = body.get("itemInfo") or []
    summary = body.get("summarizeInfo") or {}
    if not items:
        return "ITEM_REQUIRED", "Hóa đơn phải có hàng hóa"
    if sum(i["itemTotalAmountWithTax"] for i in items) != summary.get("totalAmountWithTax"):
        return "INVALID_TOTAL_AMOUNT", "Tổng tiền không khớp"
    for item in items:
        if item["itemTotalAmountWithoutTax"] + item["taxAmount"] != item["itemTotalAmountWithTax"]:
            return "INVALID_ITEM_AMOUNT", f"Dòng {item.get('lineNumber')}: tiền thuế không khớp"
    if general.get("adjustmentType") == "5" and not any(
        i.invoice_no == general.get("originalInvoiceId") for i in state.invoices.values()
    ):
        return "ORIGINAL_INVOICE_NOT_FOUND", "Không tìm thấy hóa đơn gốc"
    return None


if __name__ == "__main__":  # python -m tests.sinvoice_server: a local SInvoice to try e-invoices
    server = SInvoiceServer().start()
    for key, value in server.env(timeout=10).items():
        print(f"export {key}={value}")
    print(f"# seller tax code {server.state.tax_code}, template 1/001, series 1C25MBH and 1C25TAA")
    try:
        server.thread.join()
    except KeyboardInterrupt:
        server.stop()
