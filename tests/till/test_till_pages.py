"""The till's pages over the same services: open a shift, the till shell, a receipt in both
layouts, a return by form, closing a shift with its Z-report; in vi and en; scope enforced."""

from __future__ import annotations

import re

import httpx

from tests.inventory.conftest import World
from tests.inventory.test_pos_pages import login, submit
from tests.till.support import Till, cash, line, sale

PRICE = 50_000


async def test_staff_open_a_shift_from_the_till_page(client: httpx.AsyncClient, world: World) -> None:
    await login(client, world.staff, lang="vi")
    assert (await client.get("/pos/till")).headers["location"].endswith("/pos/SP-A/till")
    page = await client.get("/pos/SP-A/till")
    assert page.status_code == 200 and "Mở ca làm việc" in page.text
    bad = await submit(client, "/pos/SP-A/till", "/pos/SP-A/shifts/open", {"opening_float": "nhiều"})
    assert bad.status_code == 422 and "Hãy nhập số tiền" in bad.text
    opened = await submit(client, "/pos/SP-A/till", "/pos/SP-A/shifts/open", {"opening_float": "500.000"})
    assert opened.status_code == 303
    till = await client.get("/pos/SP-A/till")
    assert 'id="till"' in till.text and 'data-manager="no"' in till.text and "/static/till.js" in till.text


async def test_a_receipt_prints_in_two_layouts_with_trace_codes(till: Till, world: World) -> None:
    sold = await till.sell(sale([line(world.noodles.id, 2, discount=0)], [cash(2 * PRICE, tendered=200_000)]))
    sale_id = sold.json()["id"]
    await login(till.client, world.staff)
    roll = await till.client.get(f"/pos/SP-A/sales/{sale_id}")
    assert roll.status_code == 200 and "receipt-80mm" in roll.text and "SP-A-000001" in roll.text
    assert roll.text.count("<svg") == 1 and "Thank you" in roll.text
    a5 = await till.client.get(f"/pos/SP-A/sales/{sale_id}?layout=a5")
    assert "receipt-a5" in a5.text and "Unit price" in a5.text
    listing = await till.client.get("/pos/SP-A/sales/?q=1")
    assert "SP-A-000001" in listing.text


async def test_a_return_by_form_and_a_shift_closed_by_form(till: Till, world: World) -> None:
    sold = await till.sell(sale([line(world.noodles.id, 2)], [cash(2 * PRICE)]))
    sale_id = sold.json()["id"]
    await login(till.client, world.staff)
    form_page = f"/pos/SP-A/sales/{sale_id}/return"
    page = await till.client.get(form_page)
    line_id = re.search(r'name="qty-(\d+)"', page.text)
    assert line_id
    too_many = await submit(till.client, form_page, form_page, {f"qty-{line_id[1]}": "3", "reason": "Hỏng"})
    assert too_many.status_code == 422 and "Only 2 can still be returned" in too_many.text
    damaged = {f"qty-{line_id[1]}": "1", "reason": "Hỏng", f"damaged-{line_id[1]}": "on"}
    done = await submit(till.client, form_page, form_page, damaged)
    assert done.status_code == 303
    assert await till.stock(world.noodles.id) == 18  # written off, not back on the shelf
    shift_page = f"/pos/SP-A/shifts/{till.shift_id}"
    report = await till.client.get(shift_page)
    assert "X-report" in report.text and 'id="close-shift"' in report.text
    closed = await submit(
        till.client, shift_page, f"{shift_page}/close", {"cash": "550.000", "bank_transfer": "0", "card": "0"}
    )
    assert closed.status_code == 303
    z = await till.client.get(shift_page)
    assert "Z-report" in z.text and 'id="ledger-check" class="flash"' in z.text
    assert 'id="close-shift"' not in z.text


async def test_other_sales_points_and_warehouses_have_no_till_for_them(till: Till, world: World) -> None:
    sold = await till.sell(sale([line(world.honey.id)], [cash(PRICE)]))
    await login(till.client, world.other_manager)
    assert (await till.client.get("/pos/SP-A/till")).status_code == 404
    assert (await till.client.get(f"/pos/SP-A/sales/{sold.json()['id']}")).status_code == 404
    await login(till.client, world.coop)
    assert (await till.client.get("/pos/KHO-TH/till")).status_code == 404
