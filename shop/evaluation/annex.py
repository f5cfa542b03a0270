"""A decision's annex (phụ lục): the list of the products it ranks, as a printable PDF
(A4 landscape, Roboto for Vietnamese, as the labels) and as an .xlsx for the office's files.

Both are drawn from one table of texts in the request's language, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import font_roboto

from shop import spreadsheets
from shop.catalog.models import CouncilLevel
from shop.evaluation.decisions import AnnexRow
from shop.evaluation.models.results import EvaluationDecision
from shop.evaluation.results import points_text
from shop.i18n import current_language, format_date, gettext

WIDTHS = (10, 58, 50, 40, 17, 17, 17, 19, 14, 35)  # mm, 277 in all (A4 landscape, 10 mm margins)


@dataclass(frozen=True)
class Line:
    number: int
    product: str
    producer: str
    address: str
    points: tuple[int, int, int, int]  # parts A, B, C and the total, in hundredths
    stars: int
    outcome: str


@dataclass(frozen=True)
class Annex:
    title: str
    subtitle: str
    columns: list[str]
    lines: list[Line]
    signer: str
    issuer: str


def _day(value: dt.date | None) -> str:
    if value is None:
        return ""
    return format_date(value, fmt="dd/MM/yyyy" if current_language() == "vi" else "medium")


def _outcome(row: AnnexRow) -> str:
    if row.certificate is not None:
        text = gettext("Certified, valid {start} – {end}").format(
            start=_day(row.certificate.valid_from), end=_day(row.certificate.valid_until)
        )
        if row.certificate.council_level is CouncilLevel.central:
            text += "; " + gettext("recognised by the central level ({reference})").format(
                reference=row.result.central_reference or ""
            )
        return text
    reasons = ", ".join(row.result.failed_mandatory)
    text = gettext("Not certified")
    return f"{text}: {reasons}" if reasons else text


def build(decision: EvaluationDecision, rows: list[AnnexRow]) -> Annex:
    columns = [
        gettext("No."),
        gettext("Product"),
        gettext("Producer"),
        gettext("Address"),
        gettext("Part A"),
        gettext("Part B"),
        gettext("Part C"),
        gettext("Score"),
        gettext("Stars"),
        gettext("Result"),
    ]
    lines = [
        Line(
            i,
            row.product.name,
            row.producer.name,
            row.producer.address or "",
            (
                row.result.part_a_hundredths,
                row.result.part_b_hundredths,
                row.result.part_c_hundredths,
                row.result.mean_hundredths,
            ),
            row.line.stars,
            _outcome(row),
        )
        for i, row in enumerate(rows, start=1)
    ]
    subtitle = gettext("Attached to decision {number} of {date} of {issuer}").format(
        number=decision.number, date=_day(decision.decided_on), issuer=decision.issuer
    )
    title = gettext("Annex: OCOP products evaluated and ranked")
    return Annex(title, subtitle, columns, lines, decision.signer, decision.issuer)


@cache
def _font(style: str) -> str:
    files = Path(font_roboto.__file__).parent / "files"
    return str(files / ("Roboto-Bold.ttf" if style == "B" else "Roboto-Regular.ttf"))


def to_pdf(annex: Annex) -> bytes:
    # Imported here: fpdf and its fontTools cost a worker about 50 MiB, for an occasional annex.
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_margins(10, 12, 10)
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font("Roboto", "", _font(""))
    pdf.add_font("Roboto", "B", _font("B"))
    pdf.set_title(annex.title)
    pdf.add_page()
    pdf.set_font("Roboto", "B", 10)
    pdf.cell(0, 5, annex.issuer.upper(), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Roboto", "B", 14)
    pdf.multi_cell(0, 7, annex.title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Roboto", "", 10)
    pdf.multi_cell(0, 5, annex.subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Roboto", "", 8.5)
    with pdf.table(
        col_widths=WIDTHS,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 240, 235)),
        line_height=4.6,
        text_align=("CENTER", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "CENTER", "LEFT"),
        repeat_headings=1,
    ) as table:
        table.row(annex.columns)
        for line in annex.lines:
            points = [points_text(value) for value in line.points]
            table.row(
                [
                    str(line.number),
                    line.product,
                    line.producer,
                    line.address,
                    *points,
                    str(line.stars),
                    line.outcome.replace("★", "*"),  # Roboto has no star: "C.1 (3*)"
                ]
            )
    pdf.ln(8)
    pdf.set_font("Roboto", "B", 10)
    pdf.cell(0, 5, annex.signer, align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def to_xlsx(annex: Annex) -> bytes:
    from openpyxl import Workbook  # imported here: openpyxl costs a worker about 30 MiB
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = gettext("Annex")[:31]
    spreadsheets.append_row(sheet, [annex.issuer])
    spreadsheets.append_row(sheet, [annex.title])
    sheet.cell(2, 1).font = Font(bold=True, size=13)
    spreadsheets.append_row(sheet, [annex.subtitle])
    sheet.append([])
    spreadsheets.append_row(sheet, annex.columns)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    first = sheet.max_row + 1
    for line in annex.lines:
        points = [value / 100 for value in line.points]
        spreadsheets.append_row(
            sheet, [line.number, line.product, line.producer, line.address, *points, line.stars, line.outcome]
        )
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(first - 1, i).column_letter].width = width * 0.55
    for cells in sheet.iter_rows(min_row=first):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, float):
                cell.number_format = "0.00"
    sheet.freeze_panes = sheet.cell(first, 1)
    sheet.append([])
    spreadsheets.append_row(sheet, [annex.signer])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
