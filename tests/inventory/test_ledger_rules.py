"""The ledger's rules: append-only, checked by ``ocop check ledger``, and the stock rules a
manager relies on (ownership of consigned goods, average cost, FEFO, idempotent documents,
reservations, counts, fairs, expiry, compliance, reordering)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from shop.cli import main
from shop.db import Database
from shop.inventory import reservations
from shop.inventory.models import DocumentKind, Movement, MovementKind, StockLevel
from shop.inventory.stock_changes import InsufficientStock
from tests import factories
from tests.inventory.support import batch, ledger_report, receipt_body, snapshot


class Api:
    """Requests that must succeed, as one user."""

    def __init__(self, client: httpx.AsyncClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers

    async def post(self, path: str, body: dict[str, Any] | None = None, status: int = 201) -> Any:
        response = await self.client.post(path, headers=self.headers, json=body)
        assert response.status_code == status, response.text
        return response.json()

    async def get(self, path: str) -> Any:
        response = await self.client.get(path, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def stock(self, code: str, product_id: int) -> dict[str, Any]:
        items = (await self.get(f"/api/v1/sales-points/{code}/stock?product_id={product_id}"))["items"]
        return (
            items[0]
            if items
            else {"on_hand": 0, "reserved": 0, "available": 0, "consigned": 0, "batches": []}
        )

    async def transfer(self, source: str, destination: str, product_id: int, quantity: int) -> dict[str, Any]:
        body = {
            "from_location": source,
            "to_location": destination,
            "lines": [{"product_id": product_id, "quantity": quantity}],
            "send": True,
        }
        sent = await self.post("/api/v1/transfers", body)
        return await self.post(f"/api/v1/transfers/{sent['id']}/receive", status=200)


@pytest.fixture
async def api(client: httpx.AsyncClient, world) -> Api:
    return Api(client, await factories.bearer(client, world.admin))


# ── append-only ledger and ``ocop check ledger`` ──────────────────────────────────────────


async def test_the_ledger_is_append_only_on_the_database_itself(database: Database, api: Api, world):
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 3))
    for statement in ("UPDATE stock_movement SET quantity = 99", "DELETE FROM stock_movement"):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            async with database.engine.begin() as conn:
                await conn.execute(sa.text(statement))
    assert (await snapshot(database)).movements == 1
    assert (await ledger_report(database)).ok


@pytest.fixture
def ocop(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> Any:
    """Runs ``ocop …`` against the test database (in a thread: the command runs its own loop)."""
    monkeypatch.setenv("OCOP_DATABASE_URL", database_url)
    monkeypatch.setenv("OCOP_VAR_DIR", str(tmp_path / "var"))
    runner = CliRunner()

    async def run(*args: str) -> Any:
        return await asyncio.to_thread(runner.invoke, main, list(args))

    return run


async def test_check_ledger_is_clean_after_operations_and_exits_1_after_tampering(
    database: Database, api: Api, world, ocop
):
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 8, batch=batch("L1")))
    await api.transfer("SP-A", "FAIR-1", world.noodles.id, 3)
    await api.post(
        "/api/v1/sales-points/SP-A/write-offs",
        {"reason": "damaged", "lines": [{"product_id": world.noodles.id, "quantity": 1}]},
    )
    clean = await ocop("check", "ledger")
    assert clean.exit_code == 0, clean.output
    assert "Ledger is consistent: 2 stock levels, 4 movements" in clean.output

    async with database.engine.begin() as conn:
        await conn.execute(
            sa.update(StockLevel)
            .where(StockLevel.location_id == world.shop.id)
            .values(on_hand=StockLevel.on_hand + 5)
        )
    tampered = await ocop("check", "ledger")
    assert tampered.exit_code == 1, tampered.output
    assert "differs" in tampered.output
    assert "SP-A" in tampered.output and "on hand 9 but movements sum to 4" in tampered.output
    report = await ledger_report(database)
    assert [(m.location, m.on_hand, m.ledger_on_hand) for m in report.mismatches] == [("SP-A", 9, 4)]


# ── whose the goods are, and what they cost ───────────────────────────────────────────────


async def test_consigned_goods_stay_their_producers_until_they_come_home(api: Api, world):
    noodles = world.noodles.id
    await api.post(
        "/api/v1/sales-points/SP-A/receipts",
        receipt_body(noodles, 10, kind="consignment", unit_cost=None) | {"commission_rate_bp": 1500},
    )
    shop = await api.stock("SP-A", noodles)
    assert (shop["on_hand"], shop["consigned"]) == (10, 10)
    assert shop["batches"][0]["commission_bp"] == 1500

    await api.transfer("SP-A", "FAIR-1", noodles, 4)
    fair = await api.stock("FAIR-1", noodles)
    assert (fair["on_hand"], fair["consigned"]) == (4, 4)
    assert fair["batches"][0]["commission_bp"] == 1500

    await api.transfer("SP-A", "KHO-TH", noodles, 6)
    home = await api.stock("KHO-TH", noodles)
    assert (home["on_hand"], home["consigned"]) == (6, 0)
    assert home["batches"][0]["ownership"] == "owned"
    assert home["batches"][0]["commission_bp"] is None


async def test_a_producers_own_stock_sent_to_a_shop_arrives_consigned(api: Api, world):
    honey = world.honey.id
    await api.post("/api/v1/sales-points/KHO-TH/receipts", receipt_body(honey, 12, unit_cost=90_000))
    assert (await api.stock("KHO-TH", honey))["consigned"] == 0
    await api.transfer("KHO-TH", "SP-A", honey, 5)
    shop = await api.stock("SP-A", honey)
    assert (shop["on_hand"], shop["consigned"]) == (5, 5)
    assert shop["batches"][0]["unit_cost_vnd"] == 90_000  # the producer's price travels with it


async def test_two_purchases_give_the_weighted_average_unit_cost(api: Api, world):
    noodles = world.noodles.id
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 10, unit_cost=30_000))
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 30, unit_cost=40_000))
    stock = await api.stock("SP-A", noodles)
    assert stock["batches"][0]["unit_cost_vnd"] == (10 * 30_000 + 30 * 40_000) // 40 == 37_500
    assert stock["value_vnd"] == 40 * 37_500


async def test_decrements_pick_the_first_expiring_batch_first(api: Api, world):
    noodles = world.noodles.id
    body = receipt_body(noodles, 5, batch=batch("LATE", expires_in=300))
    body["lines"] += [
        {"product_id": noodles, "quantity": 5, "unit_cost": 30_000, "batch": batch("SOON", expires_in=60)},
        {"product_id": noodles, "quantity": 5, "unit_cost": 30_000, "batch": batch("MID", expires_in=120)},
    ]
    await api.post("/api/v1/sales-points/SP-A/receipts", body)
    write_off = await api.post(
        "/api/v1/sales-points/SP-A/write-offs",
        {"reason": "damaged", "lines": [{"product_id": noodles, "quantity": 12}]},
    )
    assert [(line["batch_code"], line["quantity"]) for line in write_off["lines"]] == [
        ("SOON", 5),
        ("MID", 5),
        ("LATE", 2),
    ]
    stock = await api.stock("SP-A", noodles)
    assert [(b["batch"]["code"], b["on_hand"]) for b in stock["batches"]] == [("LATE", 3)]
    # A named batch is taken even when another expires sooner.
    await api.post(
        "/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 2, batch=batch("SOONER", expires_in=20))
    )
    named = await api.post(
        "/api/v1/sales-points/SP-A/write-offs",
        {"reason": "lost", "lines": [{"product_id": noodles, "quantity": 1, "batch": {"code": "LATE"}}]},
    )
    assert [line["batch_code"] for line in named["lines"]] == ["LATE"]


# ── retried documents ─────────────────────────────────────────────────────────────────────


async def test_the_same_client_id_twice_makes_one_document_and_one_set_of_movements(
    database: Database, api: Api, world
):
    noodles = world.noodles.id
    receipt = receipt_body(noodles, 10) | {"client_id": str(uuid.uuid4())}
    first = await api.post("/api/v1/sales-points/SP-A/receipts", receipt)
    again = await api.post("/api/v1/sales-points/SP-A/receipts", receipt)
    assert again["id"] == first["id"]
    assert (await snapshot(database)).movements == 1

    write_off = {
        "reason": "damaged",
        "lines": [{"product_id": noodles, "quantity": 2}],
        "client_id": str(uuid.uuid4()),
    }
    first = await api.post("/api/v1/sales-points/SP-A/write-offs", write_off)
    again = await api.post("/api/v1/sales-points/SP-A/write-offs", write_off)
    assert again["id"] == first["id"] and again["lines"] == first["lines"]
    assert (await snapshot(database)).movements == 2

    transfer = {
        "from_location": "SP-A",
        "to_location": "FAIR-1",
        "lines": [{"product_id": noodles, "quantity": 3}],
        "send": True,
        "client_id": str(uuid.uuid4()),
    }
    first = await api.post("/api/v1/transfers", transfer)
    again = await api.post("/api/v1/transfers", transfer)
    assert again["id"] == first["id"] and again["status"] == "sent"
    assert (await snapshot(database)).movements == 3
    assert (await api.stock("SP-A", noodles))["on_hand"] == 10 - 2 - 3
    assert (await ledger_report(database)).ok


# ── reservations for online orders ────────────────────────────────────────────────────────


async def test_reservations_hold_release_and_fulfil_without_overselling(database: Database, api: Api, world):
    noodles = world.noodles.id
    names = {noodles: world.noodles.name}
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 10))
    async with database.write_sessions() as s:
        held = await reservations.reserve(s, world.shop.id, [(noodles, 6)], order_id=1, names=names)
        await s.commit()
    stock = await api.stock("SP-A", noodles)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (10, 6, 4)

    before = await snapshot(database)
    async with database.write_sessions() as s:
        with pytest.raises(InsufficientStock) as refused:
            await reservations.reserve(s, world.shop.id, [(noodles, 5)], order_id=2, names=names)
        await s.rollback()
    assert (refused.value.requested, refused.value.available) == (5, 4)
    assert await snapshot(database) == before
    # Reserved units cannot be written off or sent away either.
    too_many = await api.client.post(
        "/api/v1/sales-points/SP-A/write-offs",
        headers=api.headers,
        json={"reason": "lost", "lines": [{"product_id": noodles, "quantity": 5}]},
    )
    assert too_many.status_code == 409 and too_many.json()["errors"][0]["available"] == 4

    async with database.write_sessions() as s:
        await reservations.release(
            s, [reservations.Held(held[0].level_id, noodles, 2)], order_id=1, reason="bớt"
        )
        await reservations.fulfil(s, [reservations.Held(held[0].level_id, noodles, 4)], order_id=1)
        await s.commit()
    stock = await api.stock("SP-A", noodles)
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (6, 0, 6)
    kinds = [m["kind"] for m in (await api.get("/api/v1/sales-points/SP-A/movements"))["items"]]
    assert kinds == ["online_sale", "release", "reservation", "receipt"]
    assert (await ledger_report(database)).ok


async def test_a_reservation_of_several_lines_records_what_one_by_one_would(
    database: Database, api: Api, world
):
    """On PostgreSQL one statement sets every line aside and writes its movements; on SQLite
    each line is its own update: the levels and the movement rows come out the same, in the
    lines' order, and a line that does not fit refuses the whole reservation."""
    noodles, honey = world.noodles.id, world.honey.id
    names = {noodles: world.noodles.name, honey: world.honey.name}
    for product_id, units in ((noodles, 10), (honey, 4)):
        await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(product_id, units))
    async with database.write_sessions() as s:
        held = await reservations.reserve(
            s, world.shop.id, [(honey, 3), (noodles, 6)], order_id=7, names=names
        )
        await s.commit()
    assert [(h.product_id, h.quantity) for h in held] == [(honey, 3), (noodles, 6)]
    async with database.read_sessions() as s:
        movements = (
            await s.execute(
                sa.select(
                    Movement.product_id,
                    Movement.kind,
                    Movement.quantity,
                    Movement.reserved_change,
                    Movement.on_hand_after,
                    Movement.unit_value_vnd,
                    Movement.document_kind,
                    Movement.document_id,
                )
                .where(Movement.kind == MovementKind.reservation)
                .order_by(Movement.id)
            )
        ).all()
    assert [tuple(m) for m in movements] == [
        (honey, MovementKind.reservation, 0, 3, 4, None, DocumentKind.order, 7),
        (noodles, MovementKind.reservation, 0, 6, 10, None, DocumentKind.order, 7),
    ]
    for product_id, reserved in ((honey, 3), (noodles, 6)):
        assert (await api.stock("SP-A", product_id))["reserved"] == reserved

    before = await snapshot(database)
    async with database.write_sessions() as s:
        with pytest.raises(InsufficientStock) as refused:
            await reservations.reserve(s, world.shop.id, [(noodles, 4), (honey, 2)], order_id=8, names=names)
        await s.rollback()
    assert (refused.value.product_id, refused.value.available) == (honey, 1)
    assert await snapshot(database) == before
    assert (await ledger_report(database)).ok


# ── counts ────────────────────────────────────────────────────────────────────────────────


async def test_a_blind_count_hides_the_expected_figures_until_it_is_posted(api: Api, world):
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 10))
    count = await api.post("/api/v1/sales-points/SP-A/counts", {"scope": "full", "blind": True})
    assert [(line["expected"], line["counted"]) for line in count["lines"]] == [(None, None)]
    recorded = await api.client.put(
        f"/api/v1/counts/{count['id']}/lines",
        headers=api.headers,
        json={"lines": [{"product_id": world.noodles.id, "counted": 7, "reason": "mất"}]},
    )
    assert [(line["expected"], line["difference"]) for line in recorded.json()["lines"]] == [(None, None)]
    assert (await api.get(f"/api/v1/counts/{count['id']}"))["lines"][0]["expected"] is None
    posted = await api.post(f"/api/v1/counts/{count['id']}/post", status=200)
    assert [(line["expected"], line["counted"], line["difference"]) for line in posted["lines"]] == [
        (10, 7, -3)
    ]
    assert posted["adjusted_units"] == -3
    assert (await api.stock("SP-A", world.noodles.id))["on_hand"] == 7


async def test_a_full_count_is_not_posted_while_lines_are_uncounted(database: Database, api: Api, world):
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 10))
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.honey.id, 4))
    count = await api.post(
        "/api/v1/sales-points/SP-A/counts",
        {"scope": "full", "lines": [{"product_id": world.noodles.id, "counted": 10}]},
    )
    before = await snapshot(database)
    refused = await api.client.post(f"/api/v1/counts/{count['id']}/post", headers=api.headers)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "lines"
    assert await snapshot(database) == before
    assert (await api.get(f"/api/v1/counts/{count['id']}"))["status"] == "open"


async def test_a_full_count_can_count_an_unlabelled_lot_next_to_a_labelled_one(api: Api, world):
    """Without a batch code the line is the product's unlabelled lot, as on a receipt."""
    noodles = world.noodles.id
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 5))
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 5, batch=batch("L1")))
    count = await api.post(
        "/api/v1/sales-points/SP-A/counts",
        {
            "scope": "full",
            "lines": [
                {"product_id": noodles, "counted": 4, "reason": "vỡ"},
                {"product_id": noodles, "batch_code": "L1", "counted": 5},
            ],
            "post": True,
        },
    )
    assert count["status"] == "posted"
    assert [(line["batch_code"], line["difference"]) for line in count["lines"]] == [(None, -1), ("L1", 0)]
    assert (await api.stock("SP-A", noodles))["on_hand"] == 9


# ── fairs, expiry, compliance, reordering ─────────────────────────────────────────────────


async def test_fair_reconciliation_shows_where_what_is_left_came_from(api: Api, world):
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(world.noodles.id, 10))
    await api.transfer("SP-A", "FAIR-1", world.noodles.id, 4)
    await api.post("/api/v1/sales-points/FAIR-1/receipts", receipt_body(world.tea.id, 3, producer="HTX-DV"))
    pending = {
        "from_location": "SP-A",
        "to_location": "FAIR-1",
        "lines": [{"product_id": world.noodles.id, "quantity": 2}],
        "send": True,
    }
    await api.post("/api/v1/transfers", pending)
    reconciliation = await api.get("/api/v1/sales-points/FAIR-1/reconciliation")
    assert reconciliation["units_left"] == 7 and reconciliation["in_transit_in"] == 2
    assert reconciliation["ended"] is False
    assert sorted(
        (line["product"]["id"], line["came_from_kind"], line["came_from"]) for line in reconciliation["lines"]
    ) == sorted([(world.noodles.id, "location", "SP-A"), (world.tea.id, "producer", "HTX-DV")])


async def test_near_expiry_goods_are_listed_soonest_first(api: Api, world):
    body = receipt_body(world.noodles.id, 3, batch=batch("OLD", expires_in=10))
    body["lines"] += [
        {"product_id": world.honey.id, "quantity": 2, "unit_cost": 1, "batch": batch("H", expires_in=25)},
        {
            "product_id": world.noodles.id,
            "quantity": 4,
            "unit_cost": 1,
            "batch": batch("NEW", expires_in=100),
        },
    ]
    await api.post("/api/v1/sales-points/SP-A/receipts", body)
    expiring = await api.get("/api/v1/sales-points/SP-A/expiring?days=30")
    assert [(e["batch"]["code"], e["on_hand"], e["days_left"]) for e in expiring["items"]] == [
        ("OLD", 3, 10),
        ("H", 2, 25),
    ]
    filtered = await api.get("/api/v1/sales-points/SP-A/stock?expiring_within=30")
    assert {s["product"]["id"] for s in filtered["items"]} == {world.noodles.id, world.honey.id}


async def test_compliance_counts_the_share_of_certified_products(api: Api, session, world):
    plain = await factories.product(session, world.maker, name="Bánh chưa chứng nhận")
    await session.commit()
    body = receipt_body(world.noodles.id, 6)
    body["lines"].append({"product_id": plain.id, "quantity": 2, "unit_cost": 1})
    await api.post("/api/v1/sales-points/SP-A/receipts", body)
    compliance = await api.get("/api/v1/sales-points/SP-A/compliance")
    assert compliance["products_on_hand"] == 2 and compliance["certified_products"] == 1
    assert compliance["certified_share"] == 0.5
    assert (compliance["units_on_hand"], compliance["certified_units"]) == (8, 6)


async def test_reorder_suggests_what_falls_below_the_minimum_or_a_week_of_sales(
    database: Database, api: Api, world
):
    noodles, honey = world.noodles.id, world.honey.id
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(noodles, 3))
    await api.post("/api/v1/sales-points/SP-A/receipts", receipt_body(honey, 34))
    response = await api.client.put(
        "/api/v1/sales-points/SP-A/thresholds",
        headers=api.headers,
        json={"lines": [{"product_id": noodles, "minimum": 5}]},
    )
    assert response.status_code == 200
    async with database.write_sessions() as s:  # 30 jars of honey sold online this month
        held = await reservations.reserve(s, world.shop.id, [(honey, 30)], order_id=7, names={honey: "Honey"})
        await reservations.fulfil(s, held, order_id=7)
        await s.commit()
    suggestions = await api.get("/api/v1/sales-points/SP-A/reorder")
    by_product = {r["product"]["id"]: r for r in suggestions["items"]}
    assert by_product[noodles]["suggested_quantity"] == 5 - 3
    assert by_product[honey]["sold_last_30_days"] == 30
    assert by_product[honey]["days_of_cover"] == 4.0
    assert by_product[honey]["suggested_quantity"] == 30 - 4  # 30 days of sales, less what is left
