"""Printable labels: an A4 sheet of 24 and 50 × 30 mm thermal labels for a receipt's units
or chosen products, with Vietnamese text as text, rendered to an image and looked at."""

from __future__ import annotations

import datetime as dt

import httpx
import pypdfium2 as pdfium
import sqlalchemy as sa
import zxingcpp
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.models import Role
from shop.catalog.models import Producer
from shop.catalog.sellability import today
from shop.inventory.documents.models import Receipt
from shop.trace import labels
from tests import factories
from tests.inventory.support import receipt_body
from tests.inventory.test_pos_pages import login

NAME = "Mật ong bạc hà Mèo Vạc thượng hạng"


def _look(body: bytes) -> tuple[int, list[tuple[float, float]], str, float]:
    """Pages, their sizes in points, the first page's text, and its share of dark pixels."""
    doc = pdfium.PdfDocument(body)
    sizes = [doc[i].get_size() for i in range(len(doc))]
    page = doc[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=2).to_pil().convert("L")
    dark = sum(1 for value in image.getdata() if value < 128) / (image.width * image.height)
    return len(doc), sizes, text, dark


def test_a4_sheet_and_thermal_labels_render():
    items = [
        labels.Label(
            NAME, 185_000, 4, "AB12CD34", "https://ocop.example.vn/t/AB12CD34", "L2611 · HSD 01/11/2027"
        )
    ] * 25
    pages, sizes, text, dark = _look(labels.render(items, "a4"))
    assert pages == 2 and all(round(w) == 595 and round(h) == 842 for w, h in sizes)  # 24 a sheet
    assert "Mật ong bạc hà" in text and "185.000" in text and "AB12CD34" in text
    assert 0.02 < dark < 0.6  # printed, not blank, not a black page
    pages, sizes, text, dark = _look(labels.render(items[:3], "thermal"))
    assert pages == 3 and all(round(w) == 142 and round(h) == 85 for w, h in sizes)  # 50 × 30 mm
    assert "Mật ong" in text and dark > 0.05
    uncertified = labels.render([labels.Label("Trà", 1, None, "X1", "https://x/t/X1")], "thermal")
    assert "OCOP" not in _look(uncertified)[2]


async def test_labels_of_a_receipt_and_of_chosen_products(client: httpx.AsyncClient, session: AsyncSession):
    item = await factories.product(session, name=NAME, price_vnd=185_000)
    decided = today() - dt.timedelta(days=30)
    await factories.certificate(session, item, 4, decision_date=decided, today=decided)
    await factories.location(session, code="SP-A", name="Điểm bán A")
    maker = await session.scalar(sa.select(Producer.code).where(Producer.id == item.producer_id))
    manager = await factories.user(session, Role.manager, location_codes=["SP-A"])
    await session.commit()
    headers = await factories.bearer(client, manager)
    body = receipt_body(item.id, 5, producer=maker, batch={"code": "L2611", "expires_on": "2027-11-01"})
    received = await client.post("/api/v1/sales-points/SP-A/receipts", json=body, headers=headers)
    assert received.status_code == 201, received.text
    receipt_id = await session.scalar(sa.select(sa.func.max(Receipt.id)))
    await session.commit()  # the test's session lets go of the database before the app writes

    chosen = await client.get(f"/api/v1/labels?product={item.id}&copies=3&layout=thermal", headers=headers)
    assert chosen.headers["content-type"] == "application/pdf"
    pages, _, text, _ = _look(chosen.content)
    assert pages == 3 and item.trace_code in text
    five = "&".join([f"product={item.id}"] * 5)
    too_many = await client.get(f"/api/v1/labels?{five}&copies=500", headers=headers)
    assert too_many.status_code == 422
    assert (await client.get("/api/v1/labels?product=999999", headers=headers)).status_code == 422

    await login(client, manager, lang="vi")
    page = await client.get(f"/pos/SP-A/receipts/{receipt_id}")
    assert f"/pos/SP-A/receipts/{receipt_id}/labels?layout=a4" in page.text
    sheet = await client.get(f"/pos/SP-A/receipts/{receipt_id}/labels?layout=a4")
    assert sheet.status_code == 200 and sheet.headers["content-type"] == "application/pdf"
    pages, _, text, _ = _look(sheet.content)
    assert pages == 1 and text.count("L2611") == 5 and "HSD 01/11/2027" in text  # one per unit
    assert (await client.get(f"/pos/SP-B/receipts/{receipt_id}/labels")).status_code in (403, 404)


async def test_scanning_a_label_opens_the_right_trace_page(client: httpx.AsyncClient, session: AsyncSession):
    """The done-when of the trace issue, with a real QR decoder on the printed label."""
    item = await factories.product(session, name=NAME, price_vnd=185_000)
    decided = today() - dt.timedelta(days=30)
    await factories.certificate(session, item, 4, decision_date=decided, today=decided)
    other = await factories.product(session, name="Miến dong Tài Hoan")
    await session.commit()
    admin = await factories.admin_headers(session, client)
    sheet = await client.get(
        f"/api/v1/labels?product={other.id}&product={item.id}&layout=thermal", headers=admin
    )
    page = pdfium.PdfDocument(sheet.content)[1]  # the second label: the honey
    found = zxingcpp.read_barcodes(page.render(scale=4).to_pil())
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    url = found[0].text
    assert url.endswith(f"/t/{item.trace_code}") and url.startswith("http")
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]  # the page, on this test server
    opened = await client.get(path, headers={"Accept-Language": "en"})
    assert opened.status_code == 200 and NAME in opened.text and "Genuine OCOP product" in opened.text
