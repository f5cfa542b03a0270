"""Importing the province's list from the browser: upload, preview row by row, confirm.

The same importer as ``ocop import products``, all or nothing. The preview checks every row
and rehearses the import in a savepoint it rolls back, so it tells exactly what confirming
will do while nothing is written. The file waits on the server (``var/office-imports``)
under a random token between preview and confirm; confirming claims it by renaming it, so a
second confirm (a double click, the back button) finds nothing and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from shop.accounts.guards import requires_admin
from shop.catalog import cache, import_file, import_rows, import_template, importer
from shop.catalog.sellability import today
from shop.i18n import N_, current_language, gettext
from shop.office.forms import day_text
from shop.web import CSV_TYPE, XLSX_TYPE, download

MAX_BYTES = 8 * 1024 * 1024  # a province's list is far smaller; the app refuses 10 MB bodies
KEEP_SECONDS = 24 * 3600  # a preview not confirmed within a day is forgotten
PREVIEW_ROWS = 200  # good rows shown; every row with an error is always shown
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_SUFFIXES = (".xlsx", ".csv")


def field_labels() -> dict[str, str]:
    """The file's columns in words (an error names the column, never a field name)."""
    return {
        "product": gettext(N_("Product name")),
        "producer": gettext(N_("Producer")),
        "producer_kind": gettext(N_("Kind of producer")),
        "producer_code": gettext(N_("Producer code")),
        "place": gettext(N_("Place")),
        "group": gettext(N_("Product group")),
        "stars": gettext(N_("Number of stars")),
        "score": gettext(N_("Score")),
        "decision_number": gettext(N_("Decision number")),
        "decision_date": gettext(N_("Decision date")),
        "issuer": gettext(N_("Issued by")),
        "price_vnd": gettext(N_("Price")),
        "unit": gettext(N_("Unit")),
    }


# ---- the file between preview and confirm ----


def _folder(request: Request[Any, Any, Any]) -> Path:
    folder = Path(request.app.state.settings.var_dir) / "office-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _forget_old(folder: Path) -> None:
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def keep(folder: Path, suffix: str, content: bytes) -> str:
    """Store an uploaded file until it is confirmed; the token names it."""
    _forget_old(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}{suffix}"
    path.write_bytes(content)
    path.chmod(0o600)
    return token


def claim(folder: Path, token: str) -> Path | None:
    """Take the file for one confirmation only: a rename succeeds once."""
    if not _TOKEN.match(token):
        return None
    for suffix in _SUFFIXES:
        path = folder / f"{token}{suffix}"
        claimed = path.with_name(path.name + ".claimed")
        try:
            os.rename(path, claimed)
        except FileNotFoundError:
            continue
        return claimed
    return None


def release(claimed: Path) -> None:
    """Put a claimed file back (its import was refused; it can be confirmed again)."""
    os.rename(claimed, claimed.with_name(claimed.name.removesuffix(".claimed")))


# ---- the pages ----


@dataclass
class Preview:
    filename: str
    rows: list[dict[str, Any]]  # as read, each with "row" (its line in the file) and "errors"
    report: importer.ImportReport
    shown_good: int  # how many error-free rows are listed
    token: str | None = None


async def _check(session: AsyncSession, filename: str, content: bytes) -> Preview:
    """Every row checked, and the import rehearsed in a savepoint rolled back at once."""
    raw = import_file.read_rows(filename, content)
    report = importer.ImportReport(rows=len(raw))
    good, report.errors = await import_rows.check_rows(session, raw)
    if not report.errors and good:
        async with session.begin_nested() as rehearsal:
            await importer.apply_rows(session, good, report, today=today())
            await rehearsal.rollback()
    return _preview(filename, raw, report)


def _preview(filename: str, raw: list[dict[str, Any]], report: importer.ImportReport) -> Preview:
    lang, labels = current_language(), field_labels()
    by_row: dict[int, list[str]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(f"{labels.get(error.field, '')}: {error.text(lang)}")
    rows, good = [], 0
    for index, values in enumerate(raw):
        line = index + 2
        errors = by_row.get(line, [])
        if not errors:
            good += 1
            if good > PREVIEW_ROWS:
                continue
        rows.append({"row": line, "errors": errors, **{k: _cell(v) for k, v in values.items()}})
    return Preview(filename, rows, report, min(good, PREVIEW_ROWS))


def _cell(value: Any) -> str:
    """A cell as the person wrote it; Excel's dates as dates, not timestamps."""
    if isinstance(value, dt.datetime | dt.date):
        return day_text(value if not isinstance(value, dt.datetime) else value.date())
    return str(value)


def _upload_page(
    error: str | None = None, status: int = 200, done: importer.ImportReport | None = None
) -> Template:
    return Template(
        "office/import.html",
        context={"error": error, "report": done, "columns": import_template.TEMPLATE_COLUMNS},
        status_code=status,
    )


class OfficeImportPages(Controller):
    path = "/office/import"
    include_in_schema = False
    guards = (requires_admin,)

    @get("/")
    async def index(self) -> Template:
        return _upload_page()

    @get("/template.xlsx")
    async def template_xlsx(self) -> Response[bytes]:
        return download(import_template.template_xlsx(), XLSX_TYPE, "mau-danh-sach-ocop.xlsx")

    @get("/template.csv")
    async def template_csv(self) -> Response[bytes]:
        return download(import_template.template_csv(), CSV_TYPE, "mau-danh-sach-ocop.csv")

    @post("/")
    async def preview(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        upload = (await request.form()).get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return _upload_page(gettext(N_("Choose the file to import (.xlsx or .csv).")), 422)
        filename = Path(upload.filename).name
        content = await upload.read(MAX_BYTES + 1)
        if len(content) > MAX_BYTES:
            return _upload_page(gettext(N_("The file is too large (at most 8 MB).")), 413)
        try:
            preview = await _check(session, filename, content)
        except import_file.ImportFileError as refused:
            return _upload_page(refused.text(current_language()), 422)
        await session.rollback()  # nothing of the rehearsal stays, whatever happened
        if not preview.report.rows:
            return _upload_page(gettext(N_("The file has no rows under its header row.")), 422)
        if preview.report.ok:
            preview.token = keep(_folder(request), Path(filename).suffix.lower(), content)
        return Template(
            "office/import_preview.html",
            context={"preview": preview, "labels": field_labels()},
            status_code=200 if preview.report.ok else 422,
        )

    @post("/confirm")
    async def confirm(self, request: Request[Any, Any, Any], session: AsyncSession) -> Template:
        form = await request.form()
        token, filename = str(form.get("token") or ""), Path(str(form.get("filename") or "")).name
        claimed = claim(_folder(request), token)
        if claimed is None:
            message = N_(
                "This list was already imported, or its preview is more than a day old. Nothing was changed."
            )
            return _upload_page(gettext(message), 409)
        try:
            content = claimed.read_bytes()
            report = await importer.import_products(
                session, claimed.name.removesuffix(".claimed"), content, today=today()
            )
            if not report.ok:  # the data changed since the preview: nothing is written
                await session.rollback()
                release(claimed)
                raw = import_file.read_rows(claimed.name.removesuffix(".claimed"), content)
                preview = _preview(filename, raw, report)
                return Template(
                    "office/import_preview.html",
                    context={"preview": preview, "labels": field_labels()},
                    status_code=422,
                )
            await cache.commit(session)
        except BaseException:
            if claimed.exists():
                release(claimed)
            raise
        claimed.unlink(missing_ok=True)
        return _upload_page(done=report)
