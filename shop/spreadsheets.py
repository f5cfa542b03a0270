"""Cells a spreadsheet will not run: every CSV and Excel file the project writes goes
through here (OWASP's guidance on CSV injection).

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read
by Excel and LibreOffice as a formula: a product named ``=HYPERLINK("http://…"&A1,"…")`` in
a report would run when the office opens it. In a CSV such a cell gets a leading single
quote; in an .xlsx file it is written as text with Excel's own quote prefix (what a person
typing ``'=`` gets), so it shows as typed and never runs. Numbers stay numbers, and text
that is only a number (``-12``, ``+84``) is left as it is: Excel reads it as a number.

Imports call :func:`is_formula_like` to flag such a value where it enters.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported only where a workbook is written
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+([.,][0-9]+)*")


def is_formula_like(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula (or the start of one)."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value: object) -> object:
    """A value as a CSV cell: nothing for None, a formula-like text quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def to_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as a CSV file Excel opens right: UTF-8 with a byte-order mark, CRLF lines."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def append_row(sheet: Worksheet, row: Sequence[object]) -> None:
    """``sheet.append(row)``, with formula-like text kept as text (openpyxl would otherwise
    store a text starting with ``=`` as a live formula)."""
    sheet.append(list(row))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and is_formula_like(cell.value):
            cell.data_type = "s"
            cell.quotePrefix = True
