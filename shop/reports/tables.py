"""A report as a table (translated headers, typed cells) and its CSV and Excel files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import msgspec
from openpyxl import Workbook
from openpyxl.styles import Font

from shop import spreadsheets

Cell = str | int | float | dt.date | None


@dataclass
class Table:
    key: str  # names the file: report-<key>.csv
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    summary: str | None = None
    # For a stacked bar chart: (label, values in the order of ``series``).
    series: list[str] = field(default_factory=list)
    bars: list[tuple[str, list[int]]] = field(default_factory=list)


class TableOut(msgspec.Struct):
    key: str
    title: str
    summary: str | None
    columns: list[str]
    rows: list[list[Cell]]


def as_json(table: Table) -> TableOut:
    return TableOut(table.key, table.title, table.summary, table.columns, table.rows)


def to_csv(table: Table) -> bytes:
    return spreadsheets.to_csv([table.columns, *table.rows])


def to_xlsx(table: Table) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.key[:31]
    spreadsheets.append_row(sheet, [table.title])
    sheet.cell(1, 1).font = Font(bold=True, size=13)
    if table.summary:
        spreadsheets.append_row(sheet, [table.summary])
    sheet.append([])
    spreadsheets.append_row(sheet, table.columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first = sheet.max_row + 1
    for row in table.rows:
        spreadsheets.append_row(sheet, row)
    for row in sheet.iter_rows(min_row=first):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
            elif isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for i, _ in enumerate(table.columns, start=1):
        sheet.column_dimensions[sheet.cell(first - 1, i).column_letter].width = 18 if i > 1 else 34
    sheet.freeze_panes = sheet.cell(first, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
