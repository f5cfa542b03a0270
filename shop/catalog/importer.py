"""Importing the province's list of certified products from .xlsx or .csv: all or nothing.

Every row is checked first; if any row is bad, nothing is written and the report lists each
bad row with its reason in Vietnamese and English. A good file is applied in one transaction,
and importing the same list again updates what it finds instead of duplicating it.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import certificates, schemas, services
from shop.catalog.models import Certificate, CouncilLevel, Producer, ProducerKind, Product, ProductGroup
from shop.errors import Conflict
from shop.geo import services as geo
from shop.geo.models import REFORM_DATE, Place
from shop.i18n import N_, translate_in
from shop.spreadsheets import is_formula_like
from shop.text import fold

MAX_ROWS = 20_000
# A cell a spreadsheet would run as a formula (CSV injection) never enters the catalogue:
# it would reach the office's reports and exports.
FORMULA_MESSAGE = N_(
    "{value} would run as a formula in a spreadsheet (it starts with =, +, -, @ or a tab): "
    "remove that first sign."
)
Progress = Callable[[int, int], None]

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
KINDS = {
    "cooperative": ProducerKind.cooperative,
    "htx": ProducerKind.cooperative,
    "hop tac xa": ProducerKind.cooperative,
    "enterprise": ProducerKind.enterprise,
    "doanh nghiep": ProducerKind.enterprise,
    "cong ty": ProducerKind.enterprise,
    "dn": ProducerKind.enterprise,
    "cooperative_group": ProducerKind.cooperative_group,
    "to hop tac": ProducerKind.cooperative_group,
    "tht": ProducerKind.cooperative_group,
    "household_business": ProducerKind.household_business,
    "ho kinh doanh": ProducerKind.household_business,
    "ho san xuat": ProducerKind.household_business,
    "hkd": ProducerKind.household_business,
}


# The template's columns: the Vietnamese headers a province's list uses, required first.
TEMPLATE_COLUMNS = (
    ("Tên sản phẩm", "Miến dong Tài Hoan"),
    ("Chủ thể", "HTX Nông nghiệp Tài Hoan"),
    ("Loại hình", "HTX"),
    ("Địa chỉ", "Côn Minh, Na Rì, Bắc Kạn"),
    ("Nhóm", "Thực phẩm chế biến"),
    ("Số sao", "4"),
    ("Số quyết định", "1114/QĐ-UBND"),
    ("Ngày quyết định", "15/06/2024"),
    ("Điểm", "78"),
    ("Mã chủ thể", ""),
    ("Giá", "65000"),
    ("Đơn vị", "gói"),
    ("Cơ quan cấp", "UBND tỉnh Bắc Kạn"),
)
TEMPLATE_NOTES = (
    "Một dòng cho mỗi sản phẩm được công nhận; giữ nguyên dòng tiêu đề.",
    "Bắt buộc: Tên sản phẩm, Chủ thể, Loại hình, Địa chỉ, Nhóm, Số sao, Số quyết định, Ngày quyết định.",
    "Loại hình: HTX, Doanh nghiệp, Tổ hợp tác hoặc Hộ kinh doanh.",
    "Địa chỉ: tên cũ hoặc tên mới đều được, ví dụ “Côn Minh, Na Rì, Bắc Kạn” hoặc “Na Rì, Thái Nguyên”.",
    "Nhóm: tên nhóm sản phẩm OCOP, ví dụ “Thực phẩm chế biến”, “Mật ong và sản phẩm từ mật ong”.",
    "Số sao: 3, 4 hoặc 5. Ngày quyết định: ngày/tháng/năm, ví dụ 15/06/2024.",
    "Có thể để trống: Điểm, Mã chủ thể, Giá (đồng), Đơn vị (mặc định “sản phẩm”), Cơ quan cấp.",
    "Dòng ví dụ dưới đây ở trang này chỉ để tham khảo, không được nhập.",
)


def template_csv() -> bytes:
    """The header row of an import file, as CSV (UTF-8 with BOM, so Excel reads the accents)."""
    out = io.StringIO()
    csv.writer(out).writerow([name for name, _ in TEMPLATE_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    """An empty list to fill in (first sheet), with the rules and an example on a second."""
    from openpyxl import Workbook  # imported here: openpyxl costs a worker about 30 MiB
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    sheet.append([name for name, _ in TEMPLATE_COLUMNS])
    for index, (name, _) in enumerate(TEMPLATE_COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(name) + 4)
    sheet.freeze_panes = "A2"
    guide = book.create_sheet("Hướng dẫn")
    for note in TEMPLATE_NOTES:
        guide.append([note])
    guide.append([])
    guide.append([name for name, _ in TEMPLATE_COLUMNS])
    guide.append([example for _, example in TEMPLATE_COLUMNS])
    guide.column_dimensions["A"].width = 100
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class RowError:
    row: int  # as numbered in the file (the header is row 1)
    field: str
    message: str  # English msgid
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def text(self, lang: str) -> str:
        return translate_in(lang, self.message).format(**self.params)


@dataclass
class ImportRow:
    row: int
    product: str
    producer: str
    producer_kind: ProducerKind
    producer_code: str | None
    place: Place
    group: ProductGroup
    stars: int
    score: int | None
    decision_number: str
    decision_date: dt.date
    issuer: str | None
    price_vnd: int
    unit: str


@dataclass
class ImportReport:
    rows: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    producers_created: int = 0
    products_created: int = 0
    products_updated: int = 0
    certificates_created: int = 0
    certificates_updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


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


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date, no time
        except ValueError:
            continue
    return None


def _int(value: Any) -> int | None:
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(text) if text.lstrip("-").isdigit() else None


class _RowChecker:
    """Checks one raw row, collecting every problem rather than stopping at the first."""

    def __init__(self, row: int, raw: dict[str, Any]) -> None:
        self.row, self.raw, self.errors = row, raw, list[RowError]()

    def text(self, name: str, max_length: int = 200, required: bool = True) -> str:
        value = str(self.raw.get(name, "") or "").strip()
        if required and not value:
            self.fail(name, N_("This value is required."))
        elif len(value) > max_length:
            self.fail(name, N_("At most {n} characters."), n=max_length)
        return value

    def formulas(self) -> None:
        """Flag every cell a spreadsheet would run as a formula."""
        for name, value in self.raw.items():
            if isinstance(value, str) and is_formula_like(value):
                self.fail(name, FORMULA_MESSAGE, value=value[:40])

    def fail(self, name: str, message: str, **params: Any) -> None:
        self.errors.append(RowError(self.row, name, message, params))


async def _check_row(
    session: AsyncSession,
    row: int,
    raw: dict[str, Any],
    places: dict[str, Place | None],
    groups: dict[str, ProductGroup],
) -> tuple[ImportRow | None, list[RowError]]:
    check = _RowChecker(row, raw)
    check.formulas()
    product, producer = check.text("product"), check.text("producer")
    kind = KINDS.get(fold(check.text("producer_kind")))
    if kind is None and raw.get("producer_kind"):
        check.fail("producer_kind", N_("Unknown producer kind {value}."), value=raw.get("producer_kind"))
    place_text = check.text("place", 300)
    if place_text and place_text not in places:
        places[place_text] = await geo.resolve_place(session, place_text)
    place = places.get(place_text)
    if place_text and place is None:
        check.fail("place", N_("Cannot find the place {text} (old or new unit names)."), text=place_text)
    group_text = check.text("group", 160)
    group = groups.get(fold(group_text))
    if group_text and group is None:
        check.fail("group", N_("Unknown product group {value}."), value=group_text)
    stars = _int(raw.get("stars", ""))
    if stars not in (3, 4, 5):
        check.fail("stars", N_("Stars must be 3, 4 or 5."))
    score = _int(raw["score"]) if str(raw.get("score", "")).strip() else None
    if score is not None and not 0 <= score <= 100:
        check.fail("score", N_("The score must be between 0 and 100."))
    decision_number = check.text("decision_number", 60)
    decision_date = _date(raw.get("decision_date", ""))
    if decision_date is None:
        check.fail("decision_date", N_("Not a date (use YYYY-MM-DD or DD/MM/YYYY)."))
    price = _int(raw["price_vnd"]) if str(raw.get("price_vnd", "")).strip() else 0
    if price is None or price < 0:
        check.fail("price_vnd", N_("The price must be a whole number of đồng."))
    if (
        check.errors
        or kind is None
        or place is None
        or group is None
        or stars is None
        or decision_date is None
    ):
        return None, check.errors
    return ImportRow(
        row=row,
        product=product,
        producer=producer,
        producer_kind=kind,
        producer_code=check.text("producer_code", 40, required=False) or None,
        place=place,
        group=group,
        stars=stars,
        score=score,
        decision_number=decision_number,
        decision_date=decision_date,
        issuer=check.text("issuer", 200, required=False) or None,
        price_vnd=price or 0,
        unit=check.text("unit", 40, required=False) or "sản phẩm",
    ), []


async def _group_index(session: AsyncSession) -> dict[str, ProductGroup]:
    index: dict[str, ProductGroup] = {}
    for group in await session.scalars(sa.select(ProductGroup).order_by(ProductGroup.criteria_version)):
        index[fold(group.code)] = index[fold(group.name)] = index[fold(group.name_en)] = group
    return index


async def check_rows(
    session: AsyncSession, raw_rows: list[dict[str, Any]], progress: Progress | None = None
) -> tuple[list[ImportRow], list[RowError]]:
    places: dict[str, Place | None] = {}
    groups = await _group_index(session)
    good, errors = [], []
    seen: dict[tuple[str, str, str], int] = {}
    for index, raw in enumerate(raw_rows):
        row, row_errors = await _check_row(session, index + 2, raw, places, groups)
        errors.extend(row_errors)
        if row is not None:
            key = (fold(row.producer), fold(row.product), row.decision_number)
            if key in seen:
                errors.append(
                    RowError(
                        row.row,
                        "product",
                        N_("Same product and decision as row {other}."),
                        {"other": seen[key]},
                    )
                )
            seen[key] = row.row
            good.append(row)
        if progress:
            progress(index + 1, len(raw_rows))
    return good, errors


def _issuer(row: ImportRow, province_name: str | None) -> str:
    if row.issuer:
        return row.issuer
    if row.stars == 5:
        return (
            "Bộ Nông nghiệp và Môi trường" if row.decision_date >= REFORM_DATE else "Bộ Nông nghiệp và PTNT"
        )
    return f"UBND {province_name}" if province_name else "UBND tỉnh"


async def _producer(session: AsyncSession, row: ImportRow, report: ImportReport) -> Producer:
    if row.producer_code:
        found = await session.scalar(sa.select(Producer).where(Producer.code == row.producer_code))
    else:
        candidates = await session.scalars(sa.select(Producer).where(Producer.name == row.producer))
        found = next(iter(candidates), None)
    if found is not None:
        found.kind = row.producer_kind
        return found
    code = row.producer_code or await services.new_producer_code(session, row.producer)
    producer = Producer(code=code, name=row.producer, kind=row.producer_kind, place_id=row.place.id)
    session.add(producer)
    await session.flush()
    report.producers_created += 1
    return producer


async def _product(
    session: AsyncSession, row: ImportRow, producer: Producer, report: ImportReport
) -> Product:
    product = await session.scalar(
        sa.select(Product).where(Product.producer_id == producer.id, Product.name == row.product)
    )
    if product is None:
        product = Product(
            producer_id=producer.id,
            group_id=row.group.id,
            name=row.product,
            unit=row.unit,
            price_vnd=row.price_vnd,
            slug=await services.unique_slug(session, row.product),
            trace_code=await services.new_trace_code(session),
        )
        session.add(product)
        report.products_created += 1
    else:
        product.group_id = row.group.id
        if row.price_vnd:
            product.price_vnd = row.price_vnd
        report.products_updated += 1
    await services.set_origin(session, product, row.place)
    await session.flush()
    return product


async def _certificate(
    session: AsyncSession, row: ImportRow, product: Product, report: ImportReport, today: dt.date
) -> None:
    existing = await session.scalar(
        sa.select(Certificate).where(
            Certificate.product_id == product.id, Certificate.decision_number == row.decision_number
        )
    )
    if existing is not None:
        # The same decision imported again: a correction of the same certificate, not a new
        # one. Every field it reports as updated is applied, or the row is refused.
        if existing.decision_date != row.decision_date:
            try:
                await certificates.redate(session, existing, row.decision_date, today=today)
            except Conflict as refused:
                report.errors.append(RowError(row.row, "decision_date", refused.message, refused.params))
                return
        existing.stars, existing.score = row.stars, row.score
        if row.issuer:
            existing.issuer = row.issuer
        await session.flush()
        await certificates.sync_products(session, [product.id])
        report.certificates_updated += 1
        return
    province = await session.get(Place, row.place.province_id) if row.place.province_id else row.place
    level = CouncilLevel.central if row.stars == 5 else CouncilLevel.province
    data = schemas.CertificateIn(
        product_id=product.id,
        stars=row.stars,
        council_level=level,
        issuer=_issuer(row, province.name if province else None),
        decision_number=row.decision_number,
        decision_date=row.decision_date,
        score=row.score,
    )
    await certificates.certify(session, data, today=today)
    report.certificates_created += 1


async def apply_rows(
    session: AsyncSession,
    rows: Iterable[ImportRow],
    report: ImportReport,
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> None:
    """Write checked rows (oldest decisions first, so re-certifications supersede in order).

    A row refused here adds to ``report.errors``; the caller then writes nothing.
    """
    ordered = sorted(rows, key=lambda r: r.decision_date)
    touched: set[int] = set()
    for index, row in enumerate(ordered):
        producer = await _producer(session, row, report)
        product = await _product(session, row, producer, report)
        await _certificate(session, row, product, report, today)
        touched.add(product.id)
        if progress:
            progress(index + 1, len(ordered))
    await services.refresh_search_text(session, touched)


async def import_products(
    session: AsyncSession,
    filename: str,
    content: bytes,
    *,
    today: dt.date,
    progress: Progress | None = None,
) -> ImportReport:
    """Check then apply; on any bad row nothing is written (the caller commits only if ok).

    Some rows can only be refused while applying (a decision's corrected date that would
    contradict the product's other certificates): the report then has errors too.
    """
    raw_rows = read_rows(filename, content)
    report = ImportReport(rows=len(raw_rows))
    good, report.errors = await check_rows(session, raw_rows, progress)
    if report.errors:
        return report
    await apply_rows(session, good, report, today=today, progress=progress)
    return report
