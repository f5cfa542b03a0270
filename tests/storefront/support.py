"""Helpers of the storefront tests: carts, checkout bodies, webhooks and stock read-outs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import sqlalchemy as sa

from shop.db import Database
from shop.inventory.models import StockLevel
from tests.stripe_server import Event

EN = {"Accept-Language": "en"}


async def cart_with(client: httpx.AsyncClient, *lines: tuple[int, int]) -> str:
    response = await client.post("/api/v1/carts")
    assert response.status_code == 201, response.text
    cart_id = response.json()["id"]
    for product_id, quantity in lines:
        added = await client.post(
            f"/api/v1/carts/{cart_id}/lines", json={"product_id": product_id, "quantity": quantity}
        )
        assert added.status_code == 200, added.text
    return str(cart_id)


def checkout_body(
    cart_id: str,
    *,
    payment: str = "cod",
    province: str | None = None,
    commune: str | None = None,
    pickup: str | None = None,
    key: str | None = None,
    language: str = "en",
) -> dict[str, Any]:
    delivery: dict[str, Any]
    if pickup:
        delivery = {"method": "pickup", "sales_point_code": pickup}
    else:
        delivery = {
            "method": "ship",
            "address": {"province_code": province, "commune_code": commune, "street": "1 Trần Hưng Đạo"},
        }
    return {
        "cart_id": cart_id,
        "idempotency_key": key or uuid.uuid4().hex,
        "language": language,
        "contact": {"name": "Jane Tourist", "email": "jane@example.com", "phone": "+84 912 345 678"},
        "delivery": delivery,
        "payment": {"method": payment},
    }


async def deliver_mail(client: httpx.AsyncClient) -> None:
    """What the scheduler's next round sends: the app has no SMTP host in the tests, so it
    delivers its outbox to ``var/mail`` with the jobs, not after each answer (issue 20)."""
    from shop.mail import outbox

    app = client.app  # type: ignore[attr-defined]
    await outbox.deliver_pending(app.state.db, app.state.settings)


async def post_event(
    client: httpx.AsyncClient, event: Event, *, signature: str | None = None
) -> httpx.Response:
    return await client.post(
        "/api/v1/payments/stripe/webhook",
        content=event.payload,
        headers={"content-type": "application/json", "stripe-signature": signature or event.signature},
    )


async def stock(database_url: str, product_id: int, location_id: int) -> tuple[int, int]:
    """(on hand, reserved) of a product at a location, read afresh."""
    db = Database.connect(database_url)
    try:
        async with db.read_sessions() as session:
            row = (
                await session.execute(
                    sa.select(sa.func.sum(StockLevel.on_hand), sa.func.sum(StockLevel.reserved)).where(
                        StockLevel.product_id == product_id, StockLevel.location_id == location_id
                    )
                )
            ).one()
            return int(row[0] or 0), int(row[1] or 0)
    finally:
        await db.dispose()
