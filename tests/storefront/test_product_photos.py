"""Photos on the tourist's pages and in the catalog API: cards, the product page's gallery,
link previews, producers and sales points; a product without a photo gets a placeholder."""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache
from shop.catalog.models import Producer, Product
from shop.inventory.models import Location
from tests.storefront.conftest import Shop
from tests.storefront.photos import add_photo, meta, pictures, stored

BASE = "http://127.0.0.1:8000"  # the tests' settings.base_url


def _card(html: str, slug: str) -> str:
    return next(c for c in re.findall(r"<article class=\"card.*?</article>", html, flags=re.S) if slug in c)


def _structured(html: str) -> dict:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
    assert found, "no structured data"
    return dict(json.loads(found.group(1)))


async def test_a_card_shows_the_main_photo_in_every_size_and_a_placeholder_without(
    shop: Shop, session: AsyncSession
) -> None:
    w = shop.world
    await add_photo(session, shop.client, w.honey.id, alt={"vi": "Hũ mật ong"})
    listing = await shop.client.get("/products", params={"lang": "en"})
    assert listing.status_code == 200
    honey_card = _card(listing.text, w.honey.slug)
    (photo,) = pictures(honey_card)
    assert '<source type="image/webp" srcset="/media/v1/' in photo
    assert "/thumb.webp 160w, /media/v1/" in photo and "/card.webp 480w" in photo
    assert "/page.webp" not in photo  # a card never asks for more than its size
    assert re.search(r'<img src="/media/v1/[^"]+/card\.jpg" srcset="[^"]+card\.jpg 480w"', photo)
    assert 'width="480" height="480"' in photo and 'decoding="async"' in photo
    tea_card = _card(listing.text, w.tea.slug)
    assert not pictures(tea_card) and "<img" not in tea_card  # nothing that could break
    assert 'class="pic pic-empty tone-' in tea_card and '<span class="initial">C</span>' in tea_card


async def test_the_first_cards_load_at_once_and_the_rest_as_they_scroll_in(
    shop: Shop, session: AsyncSession
) -> None:
    w = shop.world
    for product in (w.honey, w.noodles, w.tea):
        await add_photo(session, shop.client, product.id)
    listing = await shop.client.get("/products")
    loading = re.findall(r'<img [^>]*loading="(\w+)"', listing.text)
    assert loading == ["eager", "eager", "lazy"]
    assert "fetchpriority" not in listing.text


async def test_the_product_page_shows_its_gallery_and_opens_the_zoomed_photo(
    shop: Shop, session: AsyncSession
) -> None:
    w = shop.world
    await add_photo(session, shop.client, w.honey.id, alt={"vi": "Hũ mật ong", "en": "A jar of honey"})
    await add_photo(session, shop.client, w.honey.id, colour="blue", size=(1200, 800))
    page = await shop.client.get(f"/products/{w.honey.slug}", params={"lang": "en"})
    assert page.status_code == 200
    slides = re.findall(
        r'<li class="gallery-slide" id="photo-(\d)">\s*<a href="(/media/[^"]+/zoom\.jpg)"', page.text
    )
    assert [n for n, _ in slides] == ["1", "2"]
    assert (await shop.client.get(slides[0][1])).headers["content-type"] == "image/jpeg"
    main, second, *thumbs = pictures(page.text)
    assert 'alt="A jar of honey"' in main and 'fetchpriority="high"' in main and 'loading="eager"' in main
    assert "/page.webp 960w" in main and "/zoom" not in main  # the zoom is a link, not a download
    assert f'alt="{w.honey.name}"' in second and 'loading="lazy"' in second  # undescribed: its name
    assert 'width="960" height="640"' in second
    assert len(thumbs) == 2 and 'href="#photo-2"' in page.text
    assert '<script type="module" src="/static/gallery.js">' in page.text
    assert (await shop.client.get("/static/gallery.js")).status_code == 200


async def test_a_product_without_photo_shows_the_address_typed_by_the_office(
    shop: Shop, session: AsyncSession
) -> None:
    w = shop.world
    await session.execute(
        sa.update(Product).where(Product.id == w.tea.id).values(image_url="https://example.vn/che.jpg")
    )
    await cache.commit(session)
    page = await shop.client.get(f"/products/{w.tea.slug}")
    assert '<img src="https://example.vn/che.jpg"' in page.text and not pictures(page.text)
    assert meta(page.text, "og:image") == "https://example.vn/che.jpg"
    bare = await shop.client.get(f"/products/{w.noodles.slug}")
    assert 'class="pic pic-empty' in bare.text and meta(bare.text, "og:image") is None


async def test_link_previews_and_search_engines_get_the_photos_as_absolute_urls(
    shop: Shop, session: AsyncSession
) -> None:
    w = shop.world
    await add_photo(session, shop.client, w.honey.id, alt={"en": "A jar of honey"})
    await add_photo(session, shop.client, w.honey.id, colour="blue")
    page = (await shop.client.get(f"/products/{w.honey.slug}", params={"lang": "en"})).text
    image = meta(page, "og:image")
    assert image and image.startswith(f"{BASE}/media/v1/") and image.endswith("/zoom.jpg")
    assert meta(page, "twitter:image") == image and meta(page, "twitter:card") == "summary_large_image"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "1200")
    assert meta(page, "og:image:alt") == "A jar of honey"
    data = _structured(page)
    assert data["image"][0] == image and len(data["image"]) == 2
    assert all(url.startswith(f"{BASE}/media/") for url in data["image"])


async def test_the_api_adds_the_main_photo_to_lists_and_every_photo_to_a_product(
    shop: Shop, session: AsyncSession
) -> None:
    w, client = shop.world, shop.client
    await add_photo(session, client, w.honey.id, alt={"vi": "Hũ mật ong", "en": "A jar of honey"})
    await add_photo(session, client, w.honey.id, colour="blue", alt={"vi": "Nhãn"})
    listed = (await client.get("/api/v1/products", params={"lang": "fr"})).json()["items"]
    by_id = {p["id"]: p for p in listed}
    honey = by_id[w.honey.id]
    assert honey["image_url"] is None  # the typed address keeps its meaning
    image = honey["image"]
    assert image["alt"] == "A jar of honey"  # French: none, so English
    assert (image["width"], image["height"]) == (1200, 1200)
    assert set(image["urls"]["webp"]) == {"thumb", "card", "page", "zoom"}
    assert image["urls"]["jpg"]["card"].endswith(f"/{image['digest']}/card.jpg")
    assert by_id[w.tea.id]["image"] is None
    detail = (await client.get(f"/api/v1/products/{w.honey.id}", params={"lang": "ko"})).json()
    assert [i["alt"] for i in detail["images"]] == ["A jar of honey", "Nhãn"]  # then Vietnamese
    assert detail["image"] == detail["images"][0]
    vietnamese = (await client.get(f"/api/v1/products/{w.honey.id}", params={"lang": "vi"})).json()
    assert [i["alt"] for i in vietnamese["images"]] == ["Hũ mật ong", "Nhãn"]
    cart = (await client.post("/api/v1/carts")).json()["id"]
    added = await client.post(f"/api/v1/carts/{cart}/lines", json={"product_id": w.honey.id, "quantity": 1})
    assert added.json()["lines"][0]["product"]["image"]["id"] == image["id"]


def _counting(client) -> tuple[list[str], object]:
    seen: list[str] = []

    def listener(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(client.app.state.db.engine.sync_engine, "before_cursor_execute", listener)
    return seen, listener


async def test_photos_cost_no_statement_of_their_own_on_a_list(shop: Shop, session: AsyncSession) -> None:
    client, w = shop.client, shop.world
    counts = []
    for with_photos in (False, True):
        if with_photos:
            for product in (w.honey, w.noodles, w.tea):
                await add_photo(session, client, product.id)
        cache.catalog_changed()  # nothing read before counts
        cache.forget_place_names()
        seen, listener = _counting(client)
        try:
            page = await client.get("/products")
            api = await client.get("/api/v1/products")
        finally:
            event.remove(client.app.state.db.engine.sync_engine, "before_cursor_execute", listener)
        assert page.status_code == api.status_code == 200
        assert (len(pictures(page.text)) == 3) is with_photos
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


async def test_the_producer_and_the_sales_point_show_their_photo(shop: Shop, session: AsyncSession) -> None:
    w, client = shop.world, shop.client
    banner = await stored(session, client, "green")
    front = await stored(session, client, "red")
    await session.execute(sa.update(Producer).where(Producer.id == w.maker.id).values(image_id=banner.id))
    await session.execute(sa.update(Location).where(Location.id == w.shop.id).values(image_id=front.id))
    await add_photo(session, client, w.noodles.id)  # commits all three
    producer = (await client.get(f"/producers/{w.maker.code}")).text
    assert f"/{banner.digest}/zoom.webp 1600w" in pictures(producer)[0]
    assert meta(producer, "og:image") == f"{BASE}/media/v1/{banner.digest[:2]}/{banner.digest}/zoom.jpg"
    assert _structured(producer)["image"] == meta(producer, "og:image")
    point = (await client.get(f"/sales-points/{w.shop.code}")).text
    assert front.digest in pictures(point)[0] and meta(point, "og:image").endswith(f"{front.digest}/zoom.jpg")
    assert w.noodles.slug in point  # its products as cards (3 noodles in stock there)
    assert "/card.webp 480w" in point
    listed = (await client.get("/sales-points")).text
    assert front.digest in listed
