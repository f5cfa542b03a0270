"""A buyer who asks for an e-invoice in their name at the till: what the API takes, what the
till's form is told to check (the same), and the receipt that names them."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess

import pytest
import sqlalchemy as sa

from shop.db import Database
from shop.invoices.models import Invoice
from shop.till.schemas import BUYER_EMAIL, BUYER_TAX_CODE
from tests.inventory.test_pos_pages import login
from tests.till.support import Till, cash, line, sale

PRICE = 50_000
# (tax code, what the law allows): an organisation, a branch, a person's 12-digit ID.
TAX_CODES = [
    ("4700123456", True),
    ("4700123456-001", True),
    ("001204012345", True),
    ("47001234", False),
    ("4700123456-01", False),
    ("4700123456001", False),
    ("0012040123456", False),
    ("47-1", False),
    ("4700123456 ", False),
]
EMAILS = [("ketoan@dulichbabe.vn", True), ("ketoan@", False), ("ke toan@a.vn", False), ("a@b", False)]


async def _last_invoice(till: Till) -> Invoice:
    db: Database = till.client.app.state.db  # type: ignore[attr-defined]
    async with db.read_sessions() as s:
        invoice = await s.scalar(sa.select(Invoice).order_by(Invoice.id.desc()).limit(1))
    assert invoice is not None
    return invoice


async def test_a_person_gives_a_citizen_id_and_leaves_the_rest_blank(till: Till) -> None:
    buyer = {"name": "  Nguyễn Thị Lan ", "tax_code": "001204012345", "address": "  "}  # no email
    sold = await till.sell(sale([line(till.world.noodles.id)], [cash(PRICE)], buyer=buyer))
    assert sold.status_code == 201, sold.text
    invoice = await _last_invoice(till)
    assert (invoice.buyer_name, invoice.buyer_tax_code) == ("Nguyễn Thị Lan", "001204012345")
    assert invoice.buyer_address is None and invoice.buyer_email is None


@pytest.mark.parametrize("name", ["", "   "])
async def test_a_buyer_without_a_name_is_refused(till: Till, name: str) -> None:
    refused = await till.sell(sale([line(till.world.noodles.id)], [cash(PRICE)], buyer={"name": name}))
    assert refused.status_code == 400 and "name" in refused.text


CASES = [("tax_code", v, ok) for v, ok in TAX_CODES] + [("email", v, ok) for v, ok in EMAILS]


async def test_the_till_form_is_given_the_api_s_own_checks(till: Till) -> None:
    """The page hands the buyer's form the patterns the API checks, and the API takes or
    refuses each value as the law allows."""
    await login(till.client, till.world.staff)
    page = (await till.client.get("/pos/SP-A/till")).text
    given = {
        field: html.unescape(found[1])
        for field in ("tax-code", "email")
        if (found := re.search(rf'id="buyer-{field}"[^>]*?data-pattern="([^"]+)"', page, re.S))
    }
    assert given == {"tax-code": BUYER_TAX_CODE, "email": BUYER_EMAIL}
    for field, value, ok in CASES:
        body = sale([line(till.world.noodles.id)], [cash(PRICE)], buyer={"name": "Lan", field: value})
        answer = await till.sell(body)
        assert answer.status_code == (201 if ok else 400), (field, value, answer.text)


def test_the_browser_reads_the_patterns_as_the_api_does() -> None:
    """The same values through JavaScript's regular expressions, as the till's form runs them
    (``new RegExp(pattern, "u")``): a pattern only Python reads would fail the till silently."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    script = (
        "const [p, cases] = JSON.parse(process.argv[1]);"
        "console.log(JSON.stringify(cases.map(([f, v]) => new RegExp(p[f], 'u').test(v))));"
    )
    argument = json.dumps([{"tax_code": BUYER_TAX_CODE, "email": BUYER_EMAIL}, [[f, v] for f, v, _ in CASES]])
    command = [node, "-e", script, argument]
    out = subprocess.run(command, capture_output=True, text=True, check=True, timeout=30)  # noqa: S603 - our own script
    assert json.loads(out.stdout) == [ok for _, _, ok in CASES]


async def test_the_receipt_names_the_buyer(till: Till) -> None:
    buyer = {"name": "Công ty TNHH Du lịch Ba Bể", "tax_code": "4700123456-001", "address": "Chợ Rã, Ba Bể"}
    sold = await till.sell(sale([line(till.world.honey.id)], [cash(PRICE)], buyer=buyer))
    assert sold.status_code == 201, sold.text
    anonymous = await till.sell(sale([line(till.world.honey.id)], [cash(PRICE)]))
    await login(till.client, till.world.staff)
    receipt = (await till.client.get(f"/pos/SP-A/sales/{sold.json()['id']}")).text
    assert "data-buyer" in receipt and "Công ty TNHH Du lịch Ba Bể" in receipt
    assert "4700123456-001" in receipt and "Chợ Rã, Ba Bể" in receipt
    plain = (await till.client.get(f"/pos/SP-A/sales/{anonymous.json()['id']}")).text
    assert "data-buyer" not in plain
