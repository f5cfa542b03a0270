"""The Viettel SInvoice adapter speaks SInvoice's protocol to a server that answers like it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest

from shop.invoices.drafts import Buyer, Draft, Line, Original, PaymentKind, Seller, split_tax
from shop.invoices.providers.base import DuplicateTransaction, ProviderRefused, ProviderUnavailable
from shop.invoices.providers.viettel import Credentials, ViettelSInvoice
from tests.sinvoice_server import SInvoiceServer

SELLER = Seller("HTX Thái Hòa", "0100109106", "Bắc Kạn", "1/001", "1C25MBH", 8)


@pytest.fixture
def sinvoice() -> Iterator[SInvoiceServer]:
    server = SInvoiceServer().start()
    yield server
    server.stop()


def adapter(server: SInvoiceServer, *, timeout: float = 2.0, **env: str) -> ViettelSInvoice:
    credentials = Credentials.from_env(server.env(timeout=timeout) | env, SELLER.tax_code)
    assert credentials is not None
    return ViettelSInvoice(credentials)


def draft(*, seller: Seller = SELLER, original: Original | None = None, buyer: Buyer | None = None) -> Draft:
    return Draft(
        transaction_uuid=uuid.uuid4(),
        seller=seller,
        issued_at=dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC),
        payment=PaymentKind.cash,
        lines=(
            Line("P1", "Mật ong bạc hà", "chai", 2, 120_000, 0, 240_000),
            Line("P2", "Miến dong", "gói", 3, 45_000, 5_000, 130_000),
        ),
        buyer=buyer or Buyer(),
        original=original,
    )


def test_vat_included_prices_split_exactly():
    for total in (1, 99, 45_000, 130_000, 9_999_999):
        for rate in (None, 0, 5, 8, 10):
            before, tax = split_tax(total, rate)
            assert before + tax == total and tax >= 0
    assert split_tax(108_000, 8) == (100_000, 8_000)


async def test_an_invoice_is_issued_with_its_number_and_lookup_code(sinvoice):
    provider = adapter(sinvoice)
    sent = draft(buyer=Buyer("Công ty Du lịch Ba Bể", "4700123456", "Ba Bể, Bắc Kạn", "ketoan@babe.vn"))
    issued = await provider.issue(sent)
    await provider.close()
    assert issued.invoice_no == "1C25MBH00000001"
    assert issued.lookup_code and issued.issued_at == sent.issued_at
    body = sinvoice.state.invoices[str(sent.transaction_uuid)].body
    assert body["summarizeInfo"]["totalAmountWithTax"] == 370_000
    assert body["buyerInfo"]["buyerTaxCode"] == "4700123456" and body["buyerInfo"]["buyerNotGetInvoice"] == 0
    assert body["generalInvoiceInfo"]["adjustmentType"] == "1"


async def test_an_anonymous_retail_buyer_does_not_get_the_invoice_sent(sinvoice):
    provider = adapter(sinvoice)
    sent = draft()
    await provider.issue(sent)
    await provider.close()
    buyer = sinvoice.state.invoices[str(sent.transaction_uuid)].body["buyerInfo"]
    assert buyer["buyerNotGetInvoice"] == 1 and buyer["buyerName"] == "Khách lẻ"


async def test_a_duplicate_transaction_uuid_is_refused_and_found_by_search(sinvoice):
    provider = adapter(sinvoice)
    sent = draft()
    first = await provider.issue(sent)
    with pytest.raises(DuplicateTransaction):
        await provider.issue(sent)
    found = await provider.find(SELLER, sent.transaction_uuid)
    assert found is not None and found.invoice_no == first.invoice_no
    assert found.lookup_code == first.lookup_code
    assert await provider.find(SELLER, uuid.uuid4()) is None
    await provider.close()
    assert len(sinvoice.state.invoices) == 1


async def test_a_refusal_is_not_mistaken_for_an_outage(sinvoice):
    provider = adapter(sinvoice)
    wrong_series = Seller("HTX", SELLER.tax_code, "Bắc Kạn", "1/001", "1C25XYZ", 8)
    with pytest.raises(ProviderRefused, match="TEMPLATE_NOT_FOUND"):
        await provider.issue(draft(seller=wrong_series))
    sinvoice.state.refuse_next = "INVALID_BUYER_TAX_CODE"
    with pytest.raises(ProviderRefused, match="INVALID_BUYER_TAX_CODE"):
        await provider.issue(draft())
    await provider.close()
    bad = adapter(sinvoice, OCOP_SINVOICE_PASSWORD="wrong")
    with pytest.raises(ProviderRefused, match="login refused"):
        await bad.issue(draft())
    await bad.close()


async def test_an_outage_and_a_timeout_are_unavailable_and_the_timed_out_invoice_is_found(sinvoice):
    provider = adapter(sinvoice, timeout=0.3)
    sinvoice.state.down = True
    with pytest.raises(ProviderUnavailable):
        await provider.issue(draft())
    sinvoice.state.down = False
    sinvoice.state.hang_seconds = 1.0
    sent = draft()
    with pytest.raises(ProviderUnavailable):
        await provider.issue(sent)  # issued there, but the answer never came back
    sinvoice.state.hang_seconds = 0
    found = await provider.find(SELLER, sent.transaction_uuid)
    assert found is not None and found.invoice_no == "1C25MBH00000001"
    await provider.close()
    closed = adapter(sinvoice, OCOP_SINVOICE_API_URL="http://127.0.0.1:9/api/")
    with pytest.raises(ProviderUnavailable):
        await closed.issue(draft())
    await closed.close()


async def test_an_expired_token_is_renewed_once(sinvoice):
    provider = adapter(sinvoice)
    await provider.issue(draft())
    sinvoice.state.tokens.clear()  # Viettel answers 500 GENERAL to an expired token
    issued = await provider.issue(draft())
    await provider.close()
    assert issued.invoice_no == "1C25MBH00000002"


async def test_a_return_is_an_adjustment_of_the_original_and_it_has_a_pdf_and_can_be_cancelled(sinvoice):
    provider = adapter(sinvoice)
    first = await provider.issue(draft())
    original = Original(first.invoice_no, "1/001", first.issued_at)
    sent = draft(original=original)
    adjustment = await provider.issue(sent)
    general = sinvoice.state.invoices[str(sent.transaction_uuid)].body["generalInvoiceInfo"]
    assert general["adjustmentType"] == "5" and general["originalInvoiceId"] == first.invoice_no
    items = sinvoice.state.invoices[str(sent.transaction_uuid)].body["itemInfo"]
    assert all(item["isIncreaseItem"] is False for item in items)
    assert adjustment.invoice_no != first.invoice_no
    pdf = await provider.pdf(SELLER, original)
    assert pdf.startswith(b"%PDF") and first.invoice_no.encode() in pdf
    await provider.cancel(SELLER, original, "Khách hủy đơn")
    assert sinvoice.state.invoices[next(iter(sinvoice.state.invoices))].status == "cancelled"
    missing = Original("1C25MBH09999999", "1/001", first.issued_at)
    with pytest.raises(ProviderRefused, match="NOT_FOUND_DATA"):
        await provider.pdf(SELLER, missing)
    await provider.close()


def test_credentials_come_from_the_environment_per_seller_or_shared():
    assert Credentials.from_env({}, "0100109106") is None
    shared = {"OCOP_SINVOICE_USERNAME": "a", "OCOP_SINVOICE_PASSWORD": "b"}
    own = shared | {"OCOP_SINVOICE_USERNAME_0100109106": "c", "OCOP_SINVOICE_PASSWORD_0100109106": "d"}
    assert Credentials.from_env(shared, "0100109106").username == "a"
    assert Credentials.from_env(own, "0100109106").username == "c"
    assert Credentials.from_env(own, "4700123456").username == "a"
