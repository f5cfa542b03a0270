"""A report as a table (translated headers, typed cells) and its CSV and Excel files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import msgspec

from shop import paging, spreadsheets

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


class TablePage(msgspec.Struct):
    """A report's table as a list (API.md's shape): a page of its rows, with its title and columns."""

    key: str
    title: str
    summary: str | None
    columns: list[str]
    items: list[list[Cell]]
    total: int
    page: int
    page_size: int


def as_page(table: Table, *, page: int, page_size: int) -> TablePage:
    """The rows are aggregates (one per province, month, product…) computed by the database."""
    rows = paging.page_of_list(table.rows, page=page, page_size=page_size)
    return TablePage(
        key=table.key,
        title=table.title,
        summary=table.summary,
        columns=table.columns,
        items=rows.items,
        total=rows.total,
        page=page,
        page_size=page_size,
    )


def to_csv(table: Table) -> bytes:
    return spreadsheets.to_csv([table.columns, *table.rows])


def to_xlsx(table: Table) -> bytes:
    from openpyxl import Workbook  # imported here: openpyxl costs a worker about 30 MiB
    from openpyxl.styles import Font

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
