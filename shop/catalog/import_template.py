"""The blank list the office downloads to fill in: the import's columns, with an example.

The headers are the Vietnamese ones a province's list uses (``shop.catalog.import_file``
accepts them, and English ones); the .xlsx adds a sheet with the rules and an example row.
"""

from __future__ import annotations

import csv
import io

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
