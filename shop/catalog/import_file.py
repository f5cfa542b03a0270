"""Reading an import file: a province's list as .csv (UTF-8) or .xlsx, into raw rows.

Only the file's shape is checked here (its kind, its encoding, its header, its length); the
rows' values are checked by ``shop.catalog.import_rows``. A file that cannot be read raises
``ImportFileError`` before any row is looked at.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from shop.i18n import N_, translate_in
from shop.text import fold

MAX_ROWS = 20_000

# Accepted column headers (folded) → field.
HEADERS = {
    "product": "product",
    "ten san pham": "product",
    "san pham": "product",
    "producer": "producer",
    "chu the": "producer",
    "ten chu the": "producer",
    "producer_kind": "producer_kind",
    "loai hinh": "producer_kind",
    "loai hinh chu the": "producer_kind",
    "producer_code": "producer_code",
    "ma chu the": "producer_code",
    "place": "place",
    "dia chi": "place",
    "dia ban": "place",
    "noi san xuat": "place",
    "group": "group",
    "nhom": "group",
    "nhom san pham": "group",
    "stars": "stars",
    "so sao": "stars",
    "hang sao": "stars",
    "score": "score",
    "diem": "score",
    "decision_number": "decision_number",
    "so quyet dinh": "decision_number",
    "decision_date": "decision_date",
    "ngay quyet dinh": "decision_date",
    "issuer": "issuer",
    "co quan cap": "issuer",
    "price_vnd": "price_vnd",
    "gia": "price_vnd",
    "gia ban": "price_vnd",
    "unit": "unit",
    "don vi": "unit",
    "don vi tinh": "unit",
}
REQUIRED = (
    "product",
    "producer",
    "producer_kind",
    "place",
    "group",
    "stars",
    "decision_number",
    "decision_date",
)


class ImportFileError(ValueError):
    """The file itself cannot be read (not the rows in it)."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params))
        self.message, self.params = message, params

    def text(self, lang: str) -> str:
        return translate_in(lang, self.message).format(**self.params)


def read_rows(filename: str, content: bytes) -> list[dict[str, Any]]:
    """Rows as dicts keyed by our field names, from .csv (UTF-8) or .xlsx."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportFileError(N_("The CSV file must be UTF-8.")) from exc
        raw = list(csv.reader(io.StringIO(text)))
    elif suffix == ".xlsx":
        from openpyxl import load_workbook  # imported here: openpyxl costs a worker about 30 MiB

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(N_("The Excel file cannot be read.")) from exc
        raw = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    else:
        raise ImportFileError(N_("Use a .xlsx or .csv file."))
    if not raw:
        raise ImportFileError(N_("The file is empty."))
    header = [HEADERS.get(fold(str(h)).replace("_", " "), HEADERS.get(fold(str(h)), "")) for h in raw[0]]
    if missing := [f for f in REQUIRED if f not in header]:
        raise ImportFileError(N_("Missing columns: {columns}."), columns=", ".join(missing))
    rows = [
        dict(zip(header, values, strict=False)) for values in raw[1:] if any(str(v).strip() for v in values)
    ]
    if len(rows) > MAX_ROWS:
        raise ImportFileError(N_("Too many rows (at most 20,000)."))
    return rows
