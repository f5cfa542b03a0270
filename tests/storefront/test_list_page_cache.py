"""The product list is drawn once for every visitor within the catalog cache's few seconds
(shop/storefront/catalog_pages.py, listing): a change made in the app shows on the next visit
all the same, a photo uploaded, made the main one or deleted, and a new price."""

from __future__ import annotations

import io
import re

import httpx
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories as f


def _jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _card(html: str, slug: str) -> str:
    cards = re.findall(r'<article class="card product-card">.*?</article>', html, flags=re.S)
    return next(c for c in cards if f'href="/products/{slug}"' in c)


def _digest(photo: dict) -> str:
    return str(photo["urls"]["jpg"]["card"].split("/")[4])


async def _listed(client: httpx.AsyncClient, slug: str) -> str:
    page = await client.get("/products", params={"lang": "en"})
    assert page.status_code == 200
    return _card(page.text, slug)


async def test_the_list_shows_a_photo_change_on_the_next_visit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    office = await f.admin_headers(session, client)
    product = await f.certified_product(session, 4)
    await session.commit()
    images = f"/api/v1/products/{product.id}/images"
    assert "pic-empty" in await _listed(client, product.slug)  # drawn, and kept for a while

    first = await client.post(images, files={"file": ("a.jpg", _jpeg("red"), "image/jpeg")}, headers=office)
    assert first.status_code == 201, first.text
    card = await _listed(client, product.slug)
    assert _digest(first.json()) in card and "pic-empty" not in card

    second = await client.post(images, files={"file": ("b.jpg", _jpeg("blue"), "image/jpeg")}, headers=office)
    assert second.status_code == 201, second.text
    assert _digest(second.json()) not in await _listed(client, product.slug)  # not the main one
    moved = await client.patch(f"{images}/{second.json()['id']}", json={"position": 0}, headers=office)
    assert moved.status_code == 200, moved.text
    card = await _listed(client, product.slug)
    assert _digest(second.json()) in card and _digest(first.json()) not in card

    gone = await client.delete(f"{images}/{second.json()['id']}", headers=office)
    assert gone.status_code == 204
    assert _digest(first.json()) in await _listed(client, product.slug)
    gone = await client.delete(f"{images}/{first.json()['id']}", headers=office)
    assert gone.status_code == 204
    assert "pic-empty" in await _listed(client, product.slug)


async def test_the_list_shows_a_new_price_on_the_next_visit(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    office = await f.admin_headers(session, client)
    product = await f.certified_product(session, 4, price_vnd=50_000)
    await session.commit()
    assert "50,000" in await _listed(client, product.slug)
    changed = await client.patch(f"/api/v1/products/{product.id}", json={"price_vnd": 65_000}, headers=office)
    assert changed.status_code == 200, changed.text
    card = await _listed(client, product.slug)
    assert "65,000" in card and "50,000" not in card


async def test_the_list_drawn_in_one_language_is_not_shown_in_another(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await f.certified_product(session, 4)
    await session.commit()
    english = await client.get("/products", params={"lang": "en"})
    vietnamese = await client.get("/products", params={"lang": "vi"})
    assert "Certified OCOP products" in english.text and 'lang="en"' in english.text
    assert "Certified OCOP products" not in vietnamese.text and 'lang="vi"' in vietnamese.text
    assert english.text.count('class="card product-card"') == vietnamese.text.count(
        'class="card product-card"'
    )
