"""The shopping feeds Google Merchant Center and Meta fetch: only sellable products, stock per
sales point as a pickup there would find it, regenerated when certificates or stock change,
and files that parse whatever the product names contain."""

from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import httpx
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from shop import jobs
from shop.catalog import certificates
from shop.catalog.models import Certificate, CertificateStatus, Product
from shop.catalog.schemas import RevocationIn
from shop.catalog.sellability import today
from shop.db_types import utcnow
from shop.storefront.feeds import files
from tests import factories
from tests.inventory.support import receipt_body
from tests.storefront.conftest import Shop
from tests.storefront.support import cart_with, checkout_body

G = "{http://base.google.com/ns/1.0}"
BASE = "http://127.0.0.1:8000"  # the test settings' base URL


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), "goldenrod").save(buffer, "JPEG")
    return buffer.getvalue()


async def google_items(client: httpx.AsyncClient) -> dict[str, ET.Element]:
    response = await client.get("/feeds/google/products.xml")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == "rss"
    return {item.findtext(f"{G}id") or "": item for item in root.iter("item")}


async def local_rows(
    client: httpx.AsyncClient, path: str = "/feeds/google/local-inventory.tsv"
) -> list[dict]:
    response = await client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/tab-separated-values")
    lines = response.text.splitlines()
    header = lines[0].split("\t")
    assert header == ["store code", "id", "availability", "quantity", "price", "pickup method", "pickup sla"]
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]


async def meta_rows(client: httpx.AsyncClient) -> dict[str, dict[str, str]]:
    response = await client.get("/feeds/meta/products.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(response.text))}


async def receive(shop: Shop, code: str, product: Product, quantity: int, **line: object) -> None:
    producer = "HTX-DV" if product.id == shop.world.tea.id else "HTX-TH"
    body = receipt_body(product.id, quantity, producer=producer, **line)
    response = await shop.client.post(f"/api/v1/sales-points/{code}/receipts", json=body, headers=shop.admin)
    assert response.status_code == 201, response.text


async def test_the_google_feed_lists_each_sellable_product_with_its_merchant_fields(
    shop: Shop, session: AsyncSession
) -> None:
    w = shop.world
    uncertified = await factories.product(session, w.maker, name="Chưa chứng nhận")
    await session.commit()
    items = await google_items(shop.client)
    assert set(items) == {str(w.noodles.id), str(w.honey.id), str(w.tea.id)}
    assert str(uncertified.id) not in items
    noodles = {child.tag.removeprefix(G): child.text for child in items[str(w.noodles.id)]}
    assert noodles == {
        "id": str(w.noodles.id),
        "title": "Miến dong Tài Hoan",
        "description": noodles["description"],
        "link": f"{BASE}/products/{w.noodles.slug}?lang=vi",
        "availability": "in_stock",
        "price": "50000 VND",
        "condition": "new",
        "brand": "HTX Tài Hoan",
        "gtin": "8930000000011",
        "google_product_category": "Food, Beverages & Tobacco > Food Items",
        "product_type": "Thực phẩm > Thực phẩm chế biến",
    }
    assert noodles["description"]  # Google requires one: made up when the product has none
    honey = items[str(w.honey.id)]
    assert honey.findtext(f"{G}identifier_exists") == "no" and honey.find(f"{G}gtin") is None
    assert honey.find(f"{G}image_link") is None  # no photo: left out, never empty


async def test_the_main_photo_is_each_feeds_image(shop: Shop) -> None:
    w, client = shop.world, shop.client
    first = await client.post(
        f"/api/v1/products/{w.honey.id}/images",
        files={"file": ("honey.jpg", jpeg(), "image/jpeg")},
        headers=shop.admin,
    )
    assert first.status_code == 201, first.text
    link = (await google_items(client))[str(w.honey.id)].findtext(f"{G}image_link") or ""
    assert link == BASE + first.json()["urls"]["jpg"]["zoom"]
    assert (await meta_rows(client))[str(w.honey.id)]["image_link"] == link
    photo = await client.get(link.removeprefix(BASE))
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert (await meta_rows(client))[str(w.tea.id)]["image_link"] == ""


async def test_local_inventory_says_what_each_sales_point_holds_for_a_pickup(shop: Shop) -> None:
    w, client = shop.world, shop.client
    await receive(shop, "SP-B", w.honey, 2)
    soon = (today() + dt.timedelta(days=5)).isoformat()
    batch = {"code": "L-SOON", "produced_on": today().isoformat(), "expires_on": soon}
    await receive(shop, "FAIR-1", w.tea, 4)
    await receive(shop, "SP-A", w.honey, 6, batch=batch)
    await receive(shop, "SP-B", w.tea, 1)
    # A pickup order for SP-B's one tea reserves it: on hand 1, reserved 1, none to promise.
    cart = await cart_with(client, (w.tea.id, 1))
    placed = await client.post("/api/v1/checkout", json=checkout_body(cart, pickup="SP-B"))
    assert placed.status_code == 201, placed.text

    rows = await local_rows(client)
    found = {(r["store code"], int(r["id"])): r for r in rows}
    assert set(found) == {
        ("SP-A", w.noodles.id),
        ("SP-A", w.honey.id),
        ("SP-B", w.honey.id),
        ("SP-B", w.tea.id),
        ("FAIR-1", w.tea.id),
    }  # no producer warehouse: the public cannot pick up there
    assert found["SP-A", w.noodles.id] == {
        "store code": "SP-A",
        "id": str(w.noodles.id),
        "availability": "in_stock",
        "quantity": "3",
        "price": "50000 VND",
        "pickup method": "reserve",
        "pickup sla": "next day",
    }
    assert found["SP-B", w.honey.id]["availability"] == "limited_availability"
    sold_out = found["SP-B", w.tea.id]
    assert (sold_out["availability"], sold_out["quantity"], sold_out["pickup method"]) == (
        "out_of_stock",
        "0",
        "",
    )
    assert found["FAIR-1", w.tea.id]["quantity"] == "4"

    assert found["SP-A", w.honey.id]["quantity"] == "6"

    # Ten days on, SP-A's honey has expired (listed, nothing to sell) and the fair has closed.
    app = client.app  # type: ignore[attr-defined]
    later = utcnow() + dt.timedelta(days=10)
    await files.generate(app.state.db, app.state.settings, now=later)
    expired = {(r["store code"], int(r["id"])): r for r in await local_rows(client)}
    assert expired["SP-A", w.honey.id]["availability"] == "out_of_stock"
    assert expired["SP-A", w.noodles.id]["quantity"] == "3"
    assert not any(store == "FAIR-1" for store, _ in expired)


async def test_a_sales_point_has_a_feed_of_its_own(shop: Shop) -> None:
    w, client = shop.world, shop.client
    await receive(shop, "SP-B", w.honey, 5)
    own = await local_rows(client, "/feeds/google/local-inventory/SP-B.tsv")
    assert [(r["store code"], r["id"], r["quantity"]) for r in own] == [("SP-B", str(w.honey.id), "5")]
    assert [r["store code"] for r in await local_rows(client, "/feeds/google/local-inventory/SP-A.tsv")] == [
        "SP-A"
    ]
    empty = await local_rows(client, "/feeds/google/local-inventory/FAIR-1.tsv")
    assert empty == []  # open, nothing stocked: a header and no rows
    for wrong in ("NOPE.tsv", "KHO-TH.tsv", "SP-A", "SP-A.csv"):
        assert (await client.get(f"/feeds/google/local-inventory/{wrong}")).status_code == 404


async def test_the_meta_catalog_feed_is_a_csv_with_metas_columns(shop: Shop) -> None:
    w = shop.world
    response = await shop.client.get("/feeds/meta/products.csv")
    header = next(csv.reader(io.StringIO(response.text)))
    assert header[:9] == [
        "id",
        "title",
        "description",
        "availability",
        "condition",
        "price",
        "link",
        "image_link",
        "brand",
    ]
    rows = await meta_rows(shop.client)
    assert set(rows) == {str(w.noodles.id), str(w.honey.id), str(w.tea.id)}
    honey = rows[str(w.honey.id)]
    assert (honey["availability"], honey["condition"], honey["price"]) == ("in stock", "new", "50000 VND")
    assert honey["link"] == f"{BASE}/products/{w.honey.slug}?lang=vi" and honey["brand"] == "HTX Tài Hoan"


async def test_a_revoked_certificate_leaves_every_feed_when_they_are_regenerated(
    shop: Shop, session: AsyncSession
) -> None:
    w, client = shop.world, shop.client
    app = client.app  # type: ignore[attr-defined]
    db, settings = app.state.db, app.state.settings
    assert str(w.honey.id) in await google_items(client)  # the first request generates them
    state = files.read_state(settings)
    assert files.complete(settings) and state is not None
    generated = state.generated_at
    after_interval = generated + dt.timedelta(seconds=settings.feeds_interval + 1)
    assert (await jobs.run_due(db, settings, now=after_interval))["shopping feeds regenerated"] == 0

    cert = await session.scalar(
        sa.select(Certificate).where(
            Certificate.product_id == w.honey.id, Certificate.status == CertificateStatus.active
        )
    )
    assert cert is not None
    await certificates.revoke(session, cert.id, RevocationIn(reason="Kiểm tra không đạt"), today=today())
    await session.commit()
    soon = generated + dt.timedelta(seconds=10)  # at most one regeneration per interval
    assert (await jobs.run_due(db, settings, now=soon))["shopping feeds regenerated"] == 0
    assert str(w.honey.id) in await google_items(client)

    assert (await jobs.run_due(db, settings, now=after_interval))["shopping feeds regenerated"] == 1
    assert str(w.honey.id) not in await google_items(client)
    assert str(w.honey.id) not in await meta_rows(client)
    assert str(w.noodles.id) in await meta_rows(client)


async def test_a_pickup_order_empties_the_shelf_in_the_next_regeneration(shop: Shop) -> None:
    client = shop.client
    app = client.app  # type: ignore[attr-defined]
    await local_rows(client)
    state = files.read_state(app.state.settings)
    assert state is not None
    cart = await cart_with(client, (shop.world.noodles.id, 3))
    placed = await client.post("/api/v1/checkout", json=checkout_body(cart, pickup="SP-A"))
    assert placed.status_code == 201, placed.text
    later = state.generated_at + dt.timedelta(seconds=app.state.settings.feeds_interval)
    assert await files.refresh(app.state.db, app.state.settings, now=later)
    (row,) = [r for r in await local_rows(client) if r["store code"] == "SP-A"]
    assert (row["availability"], row["quantity"]) == ("out_of_stock", "0")  # all 3 reserved


async def test_names_with_markup_and_vietnamese_survive_every_feed(shop: Shop, session: AsyncSession) -> None:
    name = 'Bánh đa & "kẹo" <lạc> Hà Tĩnh'
    odd = await factories.product(
        session, shop.world.maker, name=name, description="Giòn\ttan,\nthơm\x01 mùi lạc; 100% tự nhiên"
    )
    await factories.certificate(session, odd, 3, today=today())
    await session.commit()
    await receive(shop, "SP-A", odd, 7)

    item = (await google_items(shop.client))[str(odd.id)]
    assert item.findtext(f"{G}title") == name
    assert item.findtext(f"{G}description") == "Giòn tan, thơm mùi lạc; 100% tự nhiên"
    assert item.findtext(f"{G}price") == "50000 VND"
    raw = (await shop.client.get("/feeds/google/products.xml")).text
    assert 'Bánh đa &amp; "kẹo" &lt;lạc&gt; Hà Tĩnh' in raw
    row = (await meta_rows(shop.client))[str(odd.id)]
    assert row["title"] == name and row["description"] == "Giòn tan, thơm mùi lạc; 100% tự nhiên"
    rows = [r for r in await local_rows(shop.client) if r["id"] == str(odd.id)]
    assert [(r["store code"], r["quantity"]) for r in rows] == [("SP-A", "7")]
