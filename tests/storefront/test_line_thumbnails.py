"""A small photo beside each line of the cart, the checkout, the customer's order page and
the cooperative's queue, parcel and packing slip; a line without a photo shows its initial."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from tests.inventory.test_pos_pages import login
from tests.storefront.conftest import Shop
from tests.storefront.photos import add_photo, pictures
from tests.storefront.support import cart_with, checkout_body


def _thumbs(html: str) -> list[str]:
    """The small pictures of a page's lines, in order."""
    return [p for p in pictures(html) if "thumb" in p.split(">", 1)[0]]


def _initials(html: str) -> list[str]:
    return re.findall(r'<span class="initial">(.)</span>', html)


async def test_every_line_of_an_order_shows_its_product(shop: Shop, session: AsyncSession) -> None:
    client, w = shop.client, shop.world
    await add_photo(session, client, w.noodles.id)
    cart = await cart_with(client, (w.noodles.id, 2), (w.honey.id, 1))
    client.cookies.set("cart", cart)

    page = (await client.get("/cart")).text
    photo = next(p for p in pictures(page) if "/thumb.jpg" in p)
    assert 'sizes="3.5rem"' in photo and 'width="160" height="160"' in photo and 'alt=""' in photo
    assert _initials(page) == ["M"]  # the honey has no photo: its initial
    checkout = (await client.get("/checkout")).text
    assert len(pictures(checkout)) == 1 and _initials(checkout) == ["M"]

    placed = await client.post(
        "/api/v1/checkout", json=checkout_body(cart, province=shop.province, commune=shop.commune)
    )
    order = placed.json()
    tracking = (await client.get(f"/orders/{order['number']}", params={"token": order["token"]})).text
    assert len(_thumbs(tracking)) == 1 and _initials(tracking) == ["M"]

    await login(client, w.coop, lang="vi")
    queue = (await client.get("/coop/")).text
    assert len(_thumbs(queue)) == 1 and _initials(queue) == ["M"]
    fid = int(re.search(r'data-fulfilment="(\d+)"', queue).group(1))
    parcel = (await client.get(f"/coop/fulfilments/{fid}")).text
    assert len(_thumbs(parcel)) == 1 and _initials(parcel) == ["M"]
    slip = (await client.get(f"/coop/fulfilments/{fid}/slip")).text
    (small,) = _thumbs(slip)
    assert 'loading="eager"' in small  # printed at once, not when scrolled to
