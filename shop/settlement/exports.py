"""A statement as a CSV or Excel file: its figures, then one row per line.

Money stays integer đồng in both (Excel formats it with thousands separators), dates are
Vietnam's local time, and headers are in the reader's language. The CSV starts with a
byte-order mark so that Excel opens the Vietnamese names as UTF-8.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

from shop import spreadsheets
from shop.catalog.sellability import VIETNAM
from shop.i18n import gettext
from shop.settlement.schemas import StatementLineOut, StatementOut
from shop.settlement.views import kind_label, status_label


def filename(statement: StatementOut, extension: str) -> str:
    return f"statement-{statement.producer}-{statement.month}.{extension}"


def _summary(statement: StatementOut) -> list[tuple[str, object]]:
    return [
        (gettext("Producer"), f"{statement.producer} · {statement.producer_name}"),
        (gettext("Month"), statement.month),
        (gettext("Status"), status_label(statement.status)),
        (gettext("Consigned goods sold"), statement.consignment_sales_vnd),
        (gettext("Consigned goods returned"), statement.consignment_returns_vnd),
        (gettext("Online sales"), statement.online_sales_vnd),
        (gettext("Commission"), statement.commission_vnd),
        (gettext("Delivery fees"), statement.shipping_fees_vnd),
        (gettext("Cash collected on delivery"), statement.cash_collected_vnd),
        (gettext("Refunds (not delivered)"), statement.refunds_vnd),
        (gettext("Amount due"), statement.amount_due_vnd),
    ]


def _header() -> list[str]:
    return [
        gettext("Date"),
        gettext("Kind"),
        gettext("Location"),
        gettext("Product"),
        gettext("Receipt or order"),
        gettext("Quantity"),
        gettext("Amount (VND)"),
        gettext("Agreed price (VND)"),
        gettext("Commission rate (%)"),
        gettext("Commission (VND)"),
        gettext("Due (VND)"),
    ]


def _row(line: StatementLineOut) -> list[object]:
    return [
        line.at.astimezone(VIETNAM).strftime("%Y-%m-%d %H:%M"),
        kind_label(line.kind),
        line.location or "",
        line.product or "",
        line.reference,
        line.quantity,
        line.amount_vnd,
        line.unit_cost_vnd if line.unit_cost_vnd is not None else "",
        line.commission_bp / 100 if line.commission_bp is not None else "",
        line.commission_vnd,
        line.due_vnd,
    ]


def _rows(statement: StatementOut) -> Iterator[Sequence[object]]:
    for label, value in _summary(statement):
        yield [label, value]
    yield []
    yield _header()
    for line in statement.lines or []:
        yield _row(line)


def to_csv(statement: StatementOut) -> bytes:
    return spreadsheets.to_csv(_rows(statement))


def to_xlsx(statement: StatementOut) -> bytes:
    from openpyxl import Workbook  # imported here: openpyxl costs a worker about 30 MiB
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = statement.month
    bold = Font(bold=True)
    for label, value in _summary(statement):
        spreadsheets.append_row(sheet, [label, value])
        sheet.cell(sheet.max_row, 1).font = bold
        if isinstance(value, int):
            sheet.cell(sheet.max_row, 2).number_format = "#,##0"
    sheet.append([])
    spreadsheets.append_row(sheet, _header())
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    first = sheet.max_row + 1
    for line in statement.lines or []:
        spreadsheets.append_row(sheet, _row(line))
    for row in sheet.iter_rows(min_row=first, min_col=7, max_col=11):
        for cell in row:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    for column, width in zip("ABCDEFGHIJK", (17, 28, 14, 34, 20, 9, 14, 14, 12, 14, 14), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = sheet.cell(first, 1)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
