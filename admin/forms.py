"""Admin forms for the tables that are read-only there: they call the shop's own services.
Revoking a certificate and importing a product list have screens of their own under
/office/ (a confirmation, an upload with a preview), linked from the admin's sidebar.

Each form runs in its own transaction and answers in Vietnamese (the admin's language).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import sqlalchemy as sa
from piccolo_admin.endpoints import FormConfig
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cache, certificates, schemas
from shop.catalog.models import CouncilLevel, Product
from shop.catalog.sellability import today
from shop.db import Database
from shop.errors import DomainError
from shop.i18n import set_language

COUNCIL_LEVELS = {
    "Cấp tỉnh": CouncilLevel.province,
    "Cấp trung ương": CouncilLevel.central,
    "Cấp huyện": CouncilLevel.district,
}


class RecertifyForm(BaseModel):
    product: str = Field(
        title="Sản phẩm: đường dẫn trên trang web (ví dụ mien-dong-tai-hoan) hoặc mã truy xuất in trên tem",
        min_length=3,
        max_length=200,
    )
    stars: int = Field(title="Số sao", ge=3, le=5)
    council_level: Literal["Cấp tỉnh", "Cấp trung ương", "Cấp huyện"] = Field(
        "Cấp tỉnh", title="Cấp hội đồng công nhận"
    )
    issuer: str = Field(title="Cơ quan cấp (như in trên quyết định)", max_length=200)
    decision_number: str = Field(title="Số quyết định", max_length=60)
    decision_date: dt.date = Field(title="Ngày quyết định")
    # Text, not a nullable number: Piccolo Admin shows "NULL" in an empty nullable field.
    score: str = Field("", title="Điểm (0–100; để trống nếu không có)", max_length=3, pattern=r"^(\d{1,3})?$")
    criteria_version: str = Field("148/QĐ-TTg", title="Bộ tiêu chí", max_length=40)


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


async def _product_id(session: AsyncSession, reference: str) -> int:
    """The product named by something the office can read: its web address or trace code."""
    text = reference.strip().rstrip("/").rsplit("/", 1)[-1]
    found = await session.scalar(
        sa.select(Product.id).where(sa.or_(Product.slug == text, Product.trace_code == text.upper()))
    )
    if found is None:
        raise ValueError(f"Không có sản phẩm với đường dẫn hoặc mã truy xuất “{text}”.")
    return int(found)


async def _recertify(session: AsyncSession, data: RecertifyForm) -> str:
    if data.score and int(data.score) > 100:
        raise ValueError("Điểm từ 0 đến 100.")
    cert = await certificates.certify(
        session,
        schemas.CertificateIn(
            product_id=await _product_id(session, data.product),
            stars=data.stars,
            council_level=COUNCIL_LEVELS[data.council_level],
            issuer=data.issuer,
            decision_number=data.decision_number,
            decision_date=data.decision_date,
            score=int(data.score) if data.score else None,
            criteria_version=data.criteria_version,
        ),
        today=today(),
    )
    return f"Đã ghi nhận chứng nhận {cert.stars} sao, hiệu lực đến {cert.valid_until:%d/%m/%Y}."


def build_forms(db: Database) -> list[FormConfig]:
    return [
        FormConfig(
            # The name is also the form's address: no "/" (it would break the URL).
            name="Cấp hoặc công nhận lại chứng nhận OCOP",
            pydantic_model=RecertifyForm,
            endpoint=_endpoint(db, _recertify),
            form_group="Chứng nhận OCOP",
            description=(
                "Chứng nhận mới thay thế chứng nhận đang hiệu lực (số sao có thể giảm). "
                "Thu hồi chứng nhận: Văn phòng › Sản phẩm (có xác nhận trước khi thu hồi)."
            ),
        ),
    ]
