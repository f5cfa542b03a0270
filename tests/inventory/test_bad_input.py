"""Bad input gets a clear 4xx (RFC 9457 problem details naming the fields) and changes nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from shop.db import Database
from tests.inventory.support import PROBLEM_JSON, batch, receipt_body, snapshot

RECEIPTS = "/api/v1/sales-points/SP-A/receipts"
WRITE_OFFS = "/api/v1/sales-points/SP-A/write-offs"


class Refusals:
    """Sends requests that must be refused and checks that the stock is exactly as before."""

    def __init__(self, client: httpx.AsyncClient, database: Database, headers: dict[str, str]) -> None:
        self.client, self.database, self.headers = client, database, headers

    async def check(
        self,
        method: str,
        path: str,
        *,
        status: int,
        code: str,
        fields: list[str] | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        before = await snapshot(self.database)
        response = await self.client.request(method, path, headers=self.headers | kw.pop("headers", {}), **kw)
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        problem = response.json()
        assert problem["status"] == status
        assert problem["code"] == code
        assert isinstance(problem["detail"], str) and problem["detail"] and "{" not in problem["detail"]
        if fields is not None:
            assert [e["field"] for e in problem.get("errors", [])] == fields
        assert await snapshot(self.database) == before, "a refused request changed the stock"
        return problem


@pytest.fixture
async def refusals(client, database, world, as_manager) -> Refusals:
    """SP-A holds 10 units of noodles (batch L1) bought from their producer."""
    response = await client.post(
        RECEIPTS, headers=as_manager, json=receipt_body(world.noodles.id, 10, batch=batch("L1"))
    )
    assert response.status_code == 201, response.text
    return Refusals(client, database, as_manager)


async def test_bad_receipts_are_refused_with_the_offending_fields(refusals: Refusals, world):
    noodles = world.noodles.id
    await refusals.check(
        "POST",
        RECEIPTS,
        json=receipt_body(999_999, 5),
        status=422,
        code="invalid_input",
        fields=["lines[0].product_id"],
    )
    await refusals.check(
        "POST",
        RECEIPTS,
        json=receipt_body(noodles, 5, producer="NO-SUCH"),
        status=422,
        code="invalid_input",
        fields=["producer_code"],
    )
    for quantity in (0, -3):
        await refusals.check(
            "POST",
            RECEIPTS,
            json=receipt_body(noodles, quantity),
            status=400,
            code="invalid_request",
            fields=["lines[0].quantity"],
        )
    await refusals.check(
        "POST",
        RECEIPTS,
        json=receipt_body(noodles, 5, batch=batch("L9", expires_in=-30, produced_ago=5)),
        status=422,
        code="invalid_input",
        fields=["lines[0].batch.expires_on"],
    )
    await refusals.check(
        "POST",
        RECEIPTS,
        json=receipt_body(noodles, 5, unit_cost=None),
        status=422,
        code="invalid_input",
        fields=["lines[0].unit_cost"],
    )
    problem = await refusals.check(
        "POST",
        RECEIPTS,
        json=receipt_body(world.tea.id, 5),
        status=422,
        code="invalid_input",
        fields=["lines[0].product_id"],
    )
    assert world.tea.name in problem["errors"][0]["message"]


async def test_every_bad_line_of_a_receipt_is_reported_at_once(refusals: Refusals, world):
    body = receipt_body(999_999, 5)
    body["lines"].append({"product_id": world.honey.id, "quantity": 2})  # no unit cost
    body["lines"].append({"product_id": world.tea.id, "quantity": 2, "unit_cost": 1})  # other producer
    await refusals.check(
        "POST",
        RECEIPTS,
        json=body,
        status=422,
        code="invalid_input",
        fields=["lines[0].product_id", "lines[1].unit_cost", "lines[2].product_id"],
    )


async def test_an_unknown_location_is_404_naming_it(refusals: Refusals, world):
    for method, path, body in (
        ("POST", "/api/v1/sales-points/NO-SUCH/receipts", receipt_body(world.noodles.id, 1)),
        ("GET", "/api/v1/sales-points/NO-SUCH/stock", None),
        ("GET", "/api/v1/sales-points/NO-SUCH/movements", None),
    ):
        problem = await refusals.check(method, path, json=body, status=404, code="not_found")
        assert "NO-SUCH" in problem["detail"]
    transfer = {
        "from_location": "NO-SUCH",
        "to_location": "SP-A",
        "lines": [{"product_id": 1, "quantity": 1}],
    }
    await refusals.check("POST", "/api/v1/transfers", json=transfer, status=404, code="not_found")
    transfer |= {"from_location": "SP-A", "to_location": "NO-SUCH"}
    await refusals.check(
        "POST", "/api/v1/transfers", json=transfer, status=422, code="invalid_input", fields=["to_location"]
    )


async def test_bad_transfers_are_refused_and_move_nothing(refusals: Refusals, world):
    client, headers = refusals.client, refusals.headers
    line = {"product_id": world.noodles.id, "quantity": 2}
    await refusals.check(
        "POST",
        "/api/v1/transfers",
        json={"from_location": "SP-A", "to_location": "SP-A", "lines": [line]},
        status=422,
        code="invalid_input",
        fields=["to_location"],
    )
    await refusals.check(
        "POST",
        "/api/v1/transfers",
        json={"from_location": "SP-A", "to_location": "FAIR-1", "lines": [line | {"product_id": 999_999}]},
        status=422,
        code="invalid_input",
        fields=["lines[0].product_id"],
    )
    await refusals.check(
        "POST",
        "/api/v1/transfers",
        json={
            "from_location": "SP-A",
            "to_location": "FAIR-1",
            "lines": [line | {"quantity": 11}],
            "send": True,
        },
        status=409,
        code="insufficient_stock",
    )
    draft = (
        await client.post(
            "/api/v1/transfers",
            headers=headers,
            json={"from_location": "SP-A", "to_location": "FAIR-1", "lines": [line]},
        )
    ).json()
    await refusals.check("POST", f"/api/v1/transfers/{draft['id']}/receive", status=409, code="conflict")
    sent = await client.post(f"/api/v1/transfers/{draft['id']}/send", headers=headers)
    assert sent.status_code == 200, sent.text
    await refusals.check("POST", f"/api/v1/transfers/{draft['id']}/send", status=409, code="conflict")
    await refusals.check("POST", f"/api/v1/transfers/{draft['id']}/cancel", status=409, code="conflict")
    for quantity in (3, 1):  # more, then less, than was sent, without saying why
        await refusals.check(
            "POST",
            f"/api/v1/transfers/{draft['id']}/receive",
            json={"lines": [{"product_id": world.noodles.id, "quantity": quantity}]},
            status=422,
            code="invalid_input",
            fields=["lines[0].reason"],
        )
    await refusals.check(
        "POST",
        f"/api/v1/transfers/{draft['id']}/receive",
        json={"lines": [{"product_id": world.honey.id, "quantity": 1}]},
        status=422,
        code="invalid_input",
        fields=["lines[0].product_id"],
    )
    await refusals.check("POST", "/api/v1/transfers/999999/send", status=404, code="not_found")


async def test_posting_a_posted_count_again_is_409(refusals: Refusals, world):
    client, headers = refusals.client, refusals.headers
    count = await client.post(
        "/api/v1/sales-points/SP-A/counts",
        headers=headers,
        json={
            "scope": "partial",
            "lines": [{"product_id": world.noodles.id, "counted": 9, "reason": "vỡ"}],
            "post": True,
        },
    )
    assert count.status_code == 201, count.text
    assert count.json()["status"] == "posted"
    await refusals.check("POST", f"/api/v1/counts/{count.json()['id']}/post", status=409, code="conflict")
    await refusals.check(
        "PUT",
        f"/api/v1/counts/{count.json()['id']}/lines",
        json={"lines": [{"product_id": world.noodles.id, "counted": 1}]},
        status=409,
        code="conflict",
    )


async def test_a_count_of_an_unknown_product_is_refused(refusals: Refusals, world):
    await refusals.check(
        "POST",
        "/api/v1/sales-points/SP-A/counts",
        json={"scope": "partial", "product_ids": [world.noodles.id, 999_999]},
        status=422,
        code="invalid_input",
        fields=["product_ids[1]"],
    )
    await refusals.check(
        "POST",
        "/api/v1/sales-points/SP-A/counts",
        json={"scope": "partial", "lines": [{"product_id": world.noodles.id, "counted": -1}]},
        status=400,
        code="invalid_request",
        fields=["lines[0].counted"],
    )


async def test_writing_off_more_than_available_is_409_with_the_available_figure(refusals: Refusals, world):
    problem = await refusals.check(
        "POST",
        WRITE_OFFS,
        json={"reason": "damaged", "lines": [{"product_id": world.noodles.id, "quantity": 11}]},
        status=409,
        code="insufficient_stock",
    )
    assert problem["errors"] == [
        {"field": "lines", "product_id": world.noodles.id, "requested": 11, "available": 10}
    ]
    assert world.noodles.name in problem["detail"]
    # Two lines of one product cannot both promise the same units either.
    await refusals.check(
        "POST",
        WRITE_OFFS,
        json={
            "reason": "lost",
            "lines": [
                {"product_id": world.noodles.id, "quantity": 6},
                {"product_id": world.noodles.id, "quantity": 6},
            ],
        },
        status=409,
        code="insufficient_stock",
    )
    await refusals.check(
        "POST",
        WRITE_OFFS,
        json={
            "reason": "damaged",
            "lines": [{"product_id": world.noodles.id, "quantity": 1, "batch": {"code": "NOPE"}}],
        },
        status=422,
        code="invalid_input",
        fields=["lines[0].batch.code"],
    )
    await refusals.check(
        "POST",
        WRITE_OFFS,
        json={"reason": "stolen by ghosts", "lines": [{"product_id": world.noodles.id, "quantity": 1}]},
        status=400,
        code="invalid_request",
        fields=["reason"],
    )


async def test_a_body_that_is_not_json_is_415(refusals: Refusals):
    await refusals.check(
        "POST",
        WRITE_OFFS,
        content=b"reason=damaged&product_id=1&quantity=1",
        headers={"content-type": "application/x-www-form-urlencoded"},
        status=415,
        code="unsupported_media_type",
    )
    await refusals.check(
        "POST",
        RECEIPTS,
        content=b'{"kind": "purchase"}',
        headers={"content-type": "text/plain"},
        status=415,
        code="unsupported_media_type",
    )
