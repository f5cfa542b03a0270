"""Importing the province's list through /office/import/: templates, a preview that writes
nothing, a confirmation that writes everything once, and errors in Vietnamese per row."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from shop.accounts.models import Role
from shop.catalog.models import Certificate, Producer, Product
from tests import factories as f
from tests.office.support import login_as, token

HEADER = [
    "Tên sản phẩm",
    "Chủ thể",
    "Loại hình",
    "Địa chỉ",
    "Nhóm",
    "Số sao",
    "Số quyết định",
    "Ngày quyết định",
]
GOOD = [
    [
        "Miến dong Tài Hoan",
        "HTX Tài Hoan",
        "HTX",
        "Côn Minh, Na Rì, Bắc Kạn",
        "Thực phẩm chế biến",
        "4",
        "1114/QĐ-UBND",
        "15/06/2024",
    ],
    [
        "Mật ong bạc hà",
        "HTX Đồng Văn",
        "Hộ kinh doanh",
        "Đồng Văn, Hà Giang",
        "Mật ong và sản phẩm từ mật ong",
        "3",
        "22/QĐ-UBND",
        "2024-03-01",
    ],
]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    for row in [HEADER, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _upload(client, name: str, content: bytes):
    csrf = token((await client.get("/office/import/")).text)
    return await client.post("/office/import/", data={"_csrf_token": csrf}, files={"file": (name, content)})


async def _confirm(client, preview_html: str):
    fields = dict(re.findall(r'name="(token|filename|_csrf_token)" value="([^"]*)"', preview_html))
    return await client.post("/office/import/confirm", data=fields)


async def _counts(session) -> tuple[int, int, int]:
    counts = tuple(
        [await session.scalar(sa.select(sa.func.count(m.id))) for m in (Producer, Product, Certificate)]
    )
    await session.commit()
    return counts  # type: ignore[return-value]


async def test_the_templates_have_the_vietnamese_header_row(client, session):
    await login_as(client, session)
    sheet = await client.get("/office/import/template.xlsx")
    assert sheet.status_code == 200 and "attachment" in sheet.headers["content-disposition"]
    book = load_workbook(io.BytesIO(sheet.content))
    header = [c.value for c in book.worksheets[0][1]]
    assert header[:8] == HEADER and book.worksheets[0].max_row == 1  # nothing to delete before filling
    text = (await client.get("/office/import/template.csv")).content.decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[:8] == HEADER


async def test_a_good_list_is_previewed_then_imported_once(client, session):
    await login_as(client, session)
    preview = await _upload(client, "danh-sach.csv", _csv(GOOD))
    assert preview.status_code == 200, preview.text
    assert "Cả 2 dòng đều đúng. Chưa có gì được lưu." in preview.text
    assert "thêm 2 chủ thể" in preview.text and "thêm 2 sản phẩm" in preview.text
    assert await _counts(session) == (0, 0, 0)  # the preview wrote nothing
    done = await _confirm(client, preview.text)
    assert done.status_code == 200 and "Đã nhập 2 dòng." in done.text
    assert await _counts(session) == (2, 2, 2)
    again = await _confirm(client, preview.text)  # a double click, the back button
    assert again.status_code == 409 and "đã được nhập rồi" in again.text
    assert await _counts(session) == (2, 2, 2)


async def test_an_excel_list_with_empty_optional_columns_imports(client, session):
    await login_as(client, session)
    preview = await _upload(client, "danh-sach.xlsx", _xlsx(GOOD[:1]))
    assert preview.status_code == 200, preview.text
    assert (await _confirm(client, preview.text)).status_code == 200
    product = await session.scalar(sa.select(Product))
    assert product is not None and product.name == "Miến dong Tài Hoan" and product.unit == "sản phẩm"


async def test_bad_rows_are_listed_in_vietnamese_and_nothing_is_kept(client, session, settings):
    await login_as(client, session)
    bad = [
        GOOD[0],
        ["Trà", "HTX Trà", "Công ty", "Nơi không có", "Nhóm lạ", "6", "", "ngày mai"],
    ]
    preview = await _upload(client, "sai.csv", _csv(bad))
    assert preview.status_code == 422
    for message in (
        "Địa chỉ: Không tìm thấy địa danh Nơi không có",
        "Số sao: Hạng sao phải là 3, 4 hoặc 5.",
        "Nhóm sản phẩm: ",
    ):
        assert message in preview.text, message
    assert "sẽ không nhập dòng nào" in preview.text and 'name="token"' not in preview.text
    assert await _counts(session) == (0, 0, 0)
    kept = settings.var_dir / "office-imports"
    assert not kept.exists() or not any(kept.iterdir())


async def test_files_that_cannot_be_read_are_refused_with_a_message(client, session):
    await login_as(client, session)
    cases = {
        ("list.txt", b"hello"): "Vui lòng dùng tệp .xlsx hoặc .csv.",
        ("list.xlsx", b"not a workbook"): "Không đọc được tệp Excel.",
        ("list.csv", "Tên sản phẩm\nMiến\n".encode()): "Thiếu cột",
        ("list.csv", _csv([])): "Tệp không có dòng nào dưới dòng tiêu đề.",
    }
    for (name, content), message in cases.items():
        answer = await _upload(client, name, content)
        assert answer.status_code == 422 and message in answer.text, (name, answer.text[-2000:])
    csrf = token((await client.get("/office/import/")).text)
    empty = await client.post("/office/import/", data={"_csrf_token": csrf}, files={"file": ("", b"")})
    assert empty.status_code == 422 and "Hãy chọn tệp cần nhập" in empty.text
    forged = await client.post(
        "/office/import/confirm", data={"_csrf_token": csrf, "token": "../../etc/passwd"}
    )
    assert forged.status_code == 409


async def test_only_the_office_imports(client, session):
    maker = await f.producer(session, code="HTX-X")
    await session.commit()
    await login_as(client, session, Role.cooperative, producer_code=maker.code)
    csrf = token((await client.get("/login")).text)
    refused = await client.post(
        "/office/import/", data={"_csrf_token": csrf}, files={"file": ("a.csv", _csv(GOOD))}
    )
    assert refused.status_code == 403
    assert (await client.get("/office/import/template.xlsx")).status_code == 403
    assert await _counts(session) == (1, 0, 0)


async def test_a_corrected_date_is_previewed_as_an_update_or_refused_with_its_reason(client, session):
    await login_as(client, session)
    first = await _upload(client, "a.csv", _csv([[*GOOD[0][:7], "08/10/2021"]]))
    assert (await _confirm(client, first.text)).status_code == 200
    corrected = await _upload(client, "b.csv", _csv([[*GOOD[0][:7], "08/10/2024"]]))
    assert corrected.status_code == 200, corrected.text
    assert (await _confirm(client, corrected.text)).status_code == 200
    cert = await session.scalar(sa.select(Certificate))
    assert cert is not None and (cert.valid_until.isoformat(), cert.status) == ("2027-10-07", "active")
    await session.commit()
    renewal = await _upload(client, "c.csv", _csv([[*GOOD[0][:6], "9/QĐ-UBND", "01/06/2026"]]))
    assert (await _confirm(client, renewal.text)).status_code == 200
    clash = await _upload(client, "d.csv", _csv([[*GOOD[0][:7], "01/07/2026"]]))
    assert clash.status_code == 422 and 'name="token"' not in clash.text
    assert "Ngày quyết định: Nếu đề ngày 01/07/2026, quyết định 1114/QĐ-UBND sẽ mâu thuẫn" in clash.text


async def test_a_cell_that_would_run_as_a_formula_is_refused(client, session):
    await login_as(client, session)
    preview = await _upload(client, "f.csv", _csv([["=1+2", *GOOD[0][1:]]]))
    assert preview.status_code == 422
    assert "Tên sản phẩm: =1+2 sẽ bị bảng tính chạy như một công thức" in preview.text
    assert await _counts(session) == (0, 0, 0)
