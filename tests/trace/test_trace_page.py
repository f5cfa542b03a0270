"""The page a QR code opens: a product's or a batch's record in the visitor's language, a
prominent warning when the certificate expired or was revoked, where to buy it, a scan
counter; the QR codes hold the absolute link."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import segno
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates, schemas
from shop.catalog.models import Certificate, Producer, Product
from shop.catalog.sellability import today
from shop.inventory.models import Batch
from shop.settings import Settings
from shop.trace import services
from shop.trace.models import TraceScan
from tests import factories
from tests.inventory.support import receipt_body

EN = {"Accept-Language": "en"}


async def _product(session: AsyncSession, *, valid_until: dt.date | None = None) -> Product:
    item = await factories.product(session, name="Mật ong bạc hà Mèo Vạc")
    decided = today() - dt.timedelta(days=400)
    await factories.certificate(
        session, item, 4, decision_date=decided, valid_from=decided, valid_until=valid_until, today=decided
    )
    await session.commit()
    return item


async def test_a_certified_product_says_so_and_counts_its_scans(
    client: httpx.AsyncClient, session: AsyncSession
):
    item = await _product(session)
    code = item.trace_code
    first = await client.get(f"/t/{code}", headers=EN)
    assert first.status_code == 200
    assert 'data-warning="none"' in first.text and "Genuine OCOP product, certified until" in first.text
    assert "★★★★" in first.text and "scanned 1 time" in first.text
    second = await client.get(f"/t/{code.lower()}?lang=vi")
    assert second.status_code == 200 and "Sản phẩm OCOP chính hãng" in second.text
    api = await client.get(f"/api/v1/trace/{code}", headers=EN)
    body = api.json()
    assert body["kind"] == "product" and body["warning"] is None and body["scans"] == 2
    assert body["url"].endswith(f"/t/{code}") and body["url"].startswith("http")
    assert body["product"]["certificate"]["stars"] == 4


async def test_an_expired_certificate_warns_in_both_languages(
    client: httpx.AsyncClient, session: AsyncSession
):
    item = await _product(session, valid_until=today() - dt.timedelta(days=2))
    en = await client.get(f"/t/{item.trace_code}", headers=EN)
    assert 'data-warning="expired"' in en.text and 'role="alert"' in en.text
    assert "Warning: the OCOP certificate of this product expired on" in en.text
    vi = await client.get(f"/t/{item.trace_code}", headers={"Accept-Language": "vi"})
    assert "Cảnh báo: giấy chứng nhận OCOP của sản phẩm này đã hết hạn" in vi.text
    assert (await client.get(f"/api/v1/trace/{item.trace_code}")).json()["warning"] == "expired"


async def test_a_revoked_certificate_warns_with_its_reason(client: httpx.AsyncClient, session: AsyncSession):
    item = await _product(session)
    cert = await session.scalar(sa.select(Certificate.id).where(Certificate.product_id == item.id))
    assert cert is not None
    await certificates.revoke(
        session, cert, schemas.RevocationIn(reason="Vi phạm quy định ghi nhãn"), today=today()
    )
    await session.commit()
    en = await client.get(f"/t/{item.trace_code}", headers=EN)
    assert 'data-warning="revoked"' in en.text and "was revoked on" in en.text
    assert "Vi phạm quy định ghi nhãn" in en.text and "Buy it online" not in en.text
    vi = await client.get(f"/t/{item.trace_code}", headers={"Accept-Language": "vi"})
    assert "đã bị thu hồi" in vi.text


async def test_a_batch_code_shows_its_dates_and_where_to_buy(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
):
    item = await _product(session)
    await factories.location(session, code="SP-A", name="Điểm bán A")
    maker = await session.scalar(sa.select(Producer.code).where(Producer.id == item.producer_id))
    admin = await factories.admin_headers(session, client)  # commits
    body = receipt_body(
        item.id,
        6,
        producer=maker,
        batch={"code": "L2611", "produced_on": "2026-11-01", "expires_on": "2027-11-01"},
    )
    received = await client.post("/api/v1/sales-points/SP-A/receipts", json=body, headers=admin)
    assert received.status_code == 201, received.text
    batch = await session.scalar(sa.select(Batch).where(Batch.product_id == item.id, Batch.code == "L2611"))
    assert batch is not None
    await session.commit()  # the page counts its scan in a write of its own
    page = await client.get(f"/t/{batch.trace_code}", headers=EN)
    assert page.status_code == 200 and "L2611" in page.text and "Best before" in page.text
    assert "Điểm bán A" in page.text and "6 units available" in page.text
    api = (await client.get(f"/api/v1/trace/{batch.trace_code}", headers=EN)).json()
    assert api["kind"] == "batch" and api["batch"] == {
        "code": "L2611",
        "produced_on": "2026-11-01",
        "expires_on": "2027-11-01",
    }

    png = await client.get(f"/t/{batch.trace_code}/qr.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    svg = await client.get(f"/t/{batch.trace_code}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    expected = segno.make(f"{settings.base_url}/t/{batch.trace_code}", error="m")
    assert expected.designator == segno.make(api["url"], error="m").designator  # the link it holds


async def test_an_unknown_code_is_a_clear_404(client: httpx.AsyncClient):
    page = await client.get("/t/ZZZZZZZZ", headers=EN)
    assert page.status_code == 404
    api = await client.get("/api/v1/trace/ZZZZZZZZ", headers=EN)
    assert api.status_code == 404 and api.json()["code"] == "trace_not_found"
    assert "ZZZZZZZZ" in api.json()["detail"]
    assert (await client.get("/t/ZZZZZZZZ/qr.png")).status_code == 404
    assert (await client.get("/api/v1/trace/bad-code!")).status_code == 400


@pytest.mark.parametrize("code", ["NO-SUCH-CODE", "x", "A" * 40, "bad code!"])
async def test_a_code_of_the_wrong_shape_is_not_found_on_the_page(client: httpx.AsyncClient, code: str):
    """A person types the address or follows a damaged link: "not found", never "invalid"."""
    page = await client.get(f"/t/{code}", headers=EN)
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert "No product or batch has the trace code" in page.text
    assert (await client.get(f"/t/{code}/qr.svg")).status_code == 404


async def test_scans_are_counted_in_memory_and_written_in_one_upsert(database):
    counter = services.ScanCounter(interval=0)
    assert [counter.add("AB12") for _ in range(3)] == [1, 2, 3] and counter.due()
    await counter.flush(database)
    counter.add("AB12")
    await counter.flush(database)
    assert not counter.pending and not counter.due()
    async with database.read_sessions() as s:
        assert await services.scans(s, "AB12") == 4
        rows = (await s.execute(sa.select(TraceScan.day, TraceScan.scans))).all()
    assert rows == [(today(), 4)]  # one row per code and day
