"""Helpers for the till tests: sale bodies and a till that sends them."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.inventory.conftest import World

SALES = "/api/v1/sales-points/SP-A/sales"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def line(product_id: int, quantity: int = 1, **extra: Any) -> dict[str, Any]:
    return {"product_id": product_id, "quantity": quantity, **extra}


def sale(lines: list[dict[str, Any]], payments: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "sold_at": now().isoformat(),
        "lines": lines,
        "payments": payments,
        **extra,
    }


def cash(amount: int, tendered: int | None = None) -> dict[str, Any]:
    return {"method": "cash", "amount": amount} | ({"tendered": tendered} if tendered else {})


@dataclass
class Till:
    client: httpx.AsyncClient
    staff: dict[str, str]
    manager: dict[str, str]
    shift_id: int
    world: World

    async def sell(self, body: dict[str, Any], *, headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.client.post(SALES, json=body, headers=headers or self.staff)

    async def stock(self, product_id: int) -> int:
        """Available at SP-A, as the stock list says."""
        response = await self.client.get(
            "/api/v1/sales-points/SP-A/stock", params={"product_id": product_id}, headers=self.manager
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        return int(items[0]["available"]) if items else 0
