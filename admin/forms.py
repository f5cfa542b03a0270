"""Admin forms for the tables that are read-only there: they call the shop's own services.

Each form runs in its own transaction and answers in Vietnamese (the admin's language).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, certificates, importer, schemas
from shop.catalog.models import CouncilLevel
from shop.catalog.sellability import today
from shop.db import Database
from shop.errors import DomainError
from shop.i18n import set_language


class RevokeForm(BaseModel):
    certificate_id: uuid.UUID = Field(title="Mã chứng nhận (UUID)")
    reason: str = Field(title="Lý do thu hồi", min_length=3, max_length=2000)
    decision_number: str | None = Field(None, title="Số quyết định thu hồi", max_length=60)
    revoked_on: dt.date | None = Field(None, title="Ngày thu hồi (mặc định hôm nay)")


class RecertifyForm(BaseModel):
    product_id: int = Field(title="Mã sản phẩm (id)")
    stars: int = Field(title="Số sao", ge=3, le=5)
    council_level: Literal["district", "province", "central"] = Field("province", title="Cấp công nhận")
    issuer: str = Field(title="Cơ quan cấp (như in trên quyết định)", max_length=200)
    decision_number: str = Field(title="Số quyết định", max_length=60)
    decision_date: dt.date = Field(title="Ngày quyết định")
    score: int | None = Field(None, title="Điểm (0–100)", ge=0, le=100)
    criteria_version: str = Field("148/QĐ-TTg", title="Bộ tiêu chí", max_length=40)


class ImportForm(BaseModel):
    csv_text: str = Field(
        title="Danh sách sản phẩm (CSV, dòng đầu là tiêu đề cột)",
        max_length=5_000_000,
        json_schema_extra={"extra": {"widget": "text-area"}},
    )


Action = Callable[[AsyncSession, Any], Awaitable[str]]


def _endpoint(db: Database, action: Action) -> Any:  # Piccolo types the endpoint per form model
    async def endpoint(_request: Any, data: Any) -> str:
        set_language("vi")
        async with db.write_sessions() as session:
            try:
                message = await action(session, data)
            except DomainError as error:
                details = "; ".join(f"{e['field']}: {e['message']}" for e in error.errors)
                raise ValueError(f"{error.detail} {details}".strip()) from error
            await cache.commit(session)
        return message

    return endpoint


async def _revoke(session: AsyncSession, data: RevokeForm) -> str:
    revocation = schemas.RevocationIn(
        reason=data.reason, revoked_on=data.revoked_on, decision_number=data.decision_number
    )
    cert = await certificates.revoke(session, data.certificate_id, revocation, today=today())
    return f"Đã thu hồi chứng nhận {cert.decision_number} (sản phẩm #{cert.product_id})."


async def _recertify(session: AsyncSession, data: RecertifyForm) -> str:
    cert = await certificates.certify(
        session,
        schemas.CertificateIn(
            product_id=data.product_id,
            stars=data.stars,
            council_level=CouncilLevel(data.council_level),
            issuer=data.issuer,
            decision_number=data.decision_number,
            decision_date=data.decision_date,
            score=data.score,
            criteria_version=data.criteria_version,
        ),
        today=today(),
    )
    return f"Đã ghi nhận chứng nhận {cert.stars} sao, hiệu lực đến {cert.valid_until:%d/%m/%Y}."


async def _import(session: AsyncSession, data: ImportForm) -> str:
    try:
        report = await importer.import_products(session, "list.csv", data.csv_text.encode(), today=today())
    except importer.ImportFileError as error:
        raise ValueError(error.text("vi")) from error
    if not report.ok:
        lines = [f"Dòng {e.row}, {e.field}: {e.text('vi')}" for e in report.errors[:50]]
        raise ValueError(f"Không nhập gì: {len(report.errors)} lỗi. " + " | ".join(lines))
    return (
        f"Đã nhập {report.rows} dòng: {report.products_created} sản phẩm mới, "
        f"{report.products_updated} cập nhật, {report.certificates_created} chứng nhận mới."
    )


def build_forms(db: Database) -> list[FormConfig]:
    return [
        FormConfig(
            name="Thu hồi chứng nhận OCOP",
            pydantic_model=RevokeForm,
            endpoint=_endpoint(db, _revoke),
            form_group="Chứng nhận OCOP",
            description="Sản phẩm sẽ thôi được bán như sản phẩm OCOP ngay lập tức.",
        ),
        FormConfig(
            name="Công nhận lại / cấp chứng nhận",
            pydantic_model=RecertifyForm,
            endpoint=_endpoint(db, _recertify),
            form_group="Chứng nhận OCOP",
            description="Chứng nhận mới thay thế chứng nhận đang hiệu lực (số sao có thể giảm).",
        ),
        FormConfig(
            name="Nhập danh sách sản phẩm",
            pydantic_model=ImportForm,
            endpoint=_endpoint(db, _import),
            form_group="Danh mục",
            description="Tất cả hoặc không: nếu có dòng lỗi thì không nhập gì.",
        ),
    ]
