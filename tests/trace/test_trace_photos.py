"""The trace page shows the product's photos, so a shopper can match the pack in their hand
with the one the office certified."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests import factories
from tests.storefront.photos import add_photo, pictures


async def test_the_trace_page_shows_the_products_photos(client: httpx.AsyncClient, session: AsyncSession):
    honey = await factories.certified_product(session, 4, name="Mật ong bạc hà Mèo Vạc")
    plain = await factories.certified_product(session, 4, name="Chè Shan tuyết")
    await session.commit()
    await add_photo(session, client, honey.id, alt={"vi": "Hũ mật ong", "en": "A jar of honey"})
    await add_photo(session, client, honey.id, colour="blue")

    page = await client.get(f"/t/{honey.trace_code}", params={"lang": "en"})
    assert page.status_code == 200
    main, second, *thumbs = pictures(page.text)
    assert 'alt="A jar of honey"' in main and 'fetchpriority="high"' in main and "/page.webp 960w" in main
    assert 'loading="lazy"' in second and len(thumbs) == 2
    assert '<script type="module" src="/static/gallery.js">' in page.text
    api = (await client.get(f"/api/v1/trace/{honey.trace_code}", params={"lang": "en"})).json()
    assert [i["alt"] for i in api["product"]["images"]] == ["A jar of honey", ""]

    bare = await client.get(f"/t/{plain.trace_code}")
    assert bare.status_code == 200 and not pictures(bare.text) and "pic-empty" not in bare.text
    assert "gallery.js" not in bare.text
